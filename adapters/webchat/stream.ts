import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { clientKey, type ProxyTrust } from '../../http/client-address.ts';
import { bearerToken } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { BASE } from './directline.ts';
import type { ActivityBatch, ConversationHub } from './hub.ts';
import type { ConversationStore } from './store.ts';
import type { TokenService } from './token.ts';

const STREAM_PATH = new RegExp(`^${BASE}/conversations/([A-Za-z0-9_-]{1,64})/stream$`);
const HEARTBEAT_MS = 30_000;
/** Close code when the token a stream was opened with runs out (the client reconnects with a fresh one). */
export const TOKEN_EXPIRED_CLOSE = 4401;

/** How much a stream may hold for a client and how many streams one client may keep open. */
export interface StreamLimits {
  /** Bytes queued for one socket beyond which the stream stops reading more until the client catches up. */
  bufferBytes: number;
  /** A client that stays behind (above `bufferBytes`) this long is disconnected. */
  stallMs: number;
  perConversation: number;
  /** Per client address (IPv6 by /64). */
  perAddress: number;
}

export interface StreamOptions {
  store: ConversationStore;
  hub: ConversationHub;
  tokens: TokenService;
  log: Logger;
  limits: StreamLimits;
  trust: ProxyTrust;
  now?: () => number;
}

interface Stream {
  ws: WebSocket;
  address: string;
  expiry: NodeJS.Timeout | undefined;
  isAlive: boolean;
}

/**
 * The Direct Line WebSocket stream. Receive-only: the server pushes `{activities, watermark}`;
 * the client may send empty pings (directlinejs does), anything else closes the socket. A stream
 * ends when its token expires unless the conversation's token was refreshed on this instance.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly byConversation = new Map<string, Set<Stream>>();
  private readonly byAddress = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly o: StreamOptions) {
    this.now = o.now ?? (() => Date.now());
  }

  attach(server: HttpServer): void {
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    const beat = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    beat.unref();
    this.wss.on('close', () => clearInterval(beat));
  }

  /** Closes every stream (clients reconnect to another instance or after a restart). */
  close(): void {
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }

  /** A refreshed token extends the conversation's open streams on this instance to its expiry. */
  extend(conversationId: string, exp: number): void {
    for (const stream of this.byConversation.get(conversationId) ?? []) this.expireAt(stream, conversationId, exp);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const conversationId = STREAM_PATH.exec(url.pathname)?.[1];
    if (!conversationId) return reject(socket, 404, 'Not Found');
    const token = url.searchParams.get('t') ?? bearerToken(req.headers.authorization) ?? '';
    const claims = this.o.tokens.verify(token);
    if (!claims) return reject(socket, 403, 'Forbidden');
    if (claims.conversationId !== conversationId) return reject(socket, 403, 'Forbidden');
    const watermark = Number(url.searchParams.get('watermark') || 0);
    if (!Number.isSafeInteger(watermark) || watermark < 0) return reject(socket, 400, 'Bad Request');
    const address = clientKey(req, this.o.trust);
    if (
      (this.byConversation.get(conversationId)?.size ?? 0) >= this.o.limits.perConversation ||
      (this.byAddress.get(address) ?? 0) >= this.o.limits.perAddress
    ) {
      this.o.log.warn({ conversationId, address }, 'directline: too many streams; refusing another');
      return reject(socket, 429, 'Too Many Requests', { 'Retry-After': '30' });
    }
    // Counted before the handshake completes, so a burst of upgrades cannot slip past the cap.
    const stream: Stream = { ws: undefined as unknown as WebSocket, address, expiry: undefined, isAlive: true };
    this.track(conversationId, stream);
    socket.once('close', () => stream.ws || this.untrack(conversationId, stream));
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      stream.ws = ws;
      this.serve(stream, conversationId, watermark, claims.exp);
    });
  }

  private serve(stream: Stream, conversationId: string, watermark: number, exp: number): void {
    const { ws } = stream;
    ws.on('pong', () => (stream.isAlive = true));
    const pump = new StreamPump(ws, conversationId, watermark, this.o.store, this.o.log, this.o.limits);
    const unsubscribe = this.o.hub.subscribe(conversationId, (batch) => pump.offer(batch));
    this.expireAt(stream, conversationId, exp);
    ws.on('close', () => {
      unsubscribe();
      pump.stop();
      this.untrack(conversationId, stream);
    });
    ws.on('error', (err) => this.o.log.warn({ err, conversationId }, 'directline: stream error'));
    ws.on('message', (data) => {
      if (data.toString().trim() === '') return;
      this.o.log.warn({ conversationId, bytes: data.toString().length }, 'directline: stream got client data; closing');
      ws.close(1008, 'stream is receive-only');
    });
    pump.offer(undefined);
  }

  private expireAt(stream: Stream, conversationId: string, exp: number): void {
    clearTimeout(stream.expiry);
    const ms = Math.max(0, exp * 1000 - this.now());
    // setTimeout holds at most ~24.8 days; tokens live at most a day.
    stream.expiry = setTimeout(
      () => {
        this.o.log.info({ conversationId }, 'directline: stream token expired; closing');
        stream.ws.close(TOKEN_EXPIRED_CLOSE, 'token expired');
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    stream.expiry.unref();
  }

  private track(conversationId: string, stream: Stream): void {
    const set = this.byConversation.get(conversationId) ?? new Set<Stream>();
    set.add(stream);
    this.byConversation.set(conversationId, set);
    this.byAddress.set(stream.address, (this.byAddress.get(stream.address) ?? 0) + 1);
  }

  private untrack(conversationId: string, stream: Stream): void {
    clearTimeout(stream.expiry);
    const set = this.byConversation.get(conversationId);
    if (!set?.delete(stream)) return;
    if (set.size === 0) this.byConversation.delete(conversationId);
    const left = (this.byAddress.get(stream.address) ?? 1) - 1;
    if (left > 0) this.byAddress.set(stream.address, left);
    else this.byAddress.delete(stream.address);
  }

  private heartbeat(): void {
    for (const set of this.byConversation.values()) {
      for (const stream of set) {
        if (!stream.ws) continue;
        if (!stream.isAlive) {
          stream.ws.terminate();
          continue;
        }
        stream.isAlive = false;
        stream.ws.ping();
      }
    }
  }
}

/**
 * Sends a conversation's activities in order, each once. A published batch that follows on from
 * what was sent goes straight out; anything else (a gap, the backlog at connect) is read from the
 * store, so a stream never skips or repeats an activity.
 *
 * Backpressure: while more than `bufferBytes` wait to be written to a client, nothing more is sent
 * or read for it; published batches only mark the stream as behind, and it catches up from the
 * store once the socket has drained. A client that stays behind for `stallMs` is disconnected (it
 * resumes from its watermark when it reconnects). Memory per stream is bounded by `bufferBytes`
 * plus one frame, however slowly the client reads.
 */
class StreamPump {
  private busy = false;
  private again = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly conversationId: string,
    private sent: number,
    private readonly store: ConversationStore,
    private readonly log: Logger,
    private readonly limits: StreamLimits,
  ) {}

  offer(batch: ActivityBatch | undefined): void {
    if (!this.busy && batch && batch.watermark - batch.activities.length === this.sent && !this.congested()) {
      this.send(batch);
      return;
    }
    this.again = true;
    if (!this.busy) void this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private congested(): boolean {
    return this.ws.bufferedAmount > this.limits.bufferBytes;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.again && !this.stopped && this.ws.readyState === WebSocket.OPEN) {
        if (this.congested() && !(await this.caughtUp())) return;
        this.again = false;
        const page = await this.store.after(this.conversationId, this.sent);
        if (page.activities.length > 0) {
          this.send(page);
          this.again = true;
        }
      }
    } catch (err) {
      this.log.error({ err, conversationId: this.conversationId }, 'directline: stream read failed; closing');
      this.ws.close(1011, 'server error');
    } finally {
      this.busy = false;
    }
  }

  /** Waits until the client has read down to half the buffer; false (and the socket ended) if it stalls. */
  private caughtUp(): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        this.log.warn({ conversationId: this.conversationId, bufferedBytes: this.ws.bufferedAmount }, 'directline: stream client too slow; disconnecting');
        this.ws.terminate();
        resolve(false);
      }, this.limits.stallMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve(!this.stopped);
      };
    });
  }

  private send(batch: ActivityBatch): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.sent = batch.watermark;
    // The callback runs once the frame has been handed to the kernel: the moment to see whether the client caught up.
    this.ws.send(JSON.stringify({ activities: batch.activities, watermark: String(batch.watermark) }), () => {
      if (this.wake && this.ws.bufferedAmount <= this.limits.bufferBytes / 2) this.wake();
    });
  }
}

function reject(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
}
