import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerToken } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { BASE } from './directline.ts';
import type { ActivityBatch, ConversationHub } from './hub.ts';
import type { ConversationStore } from './store.ts';
import type { TokenService } from './token.ts';

const STREAM_PATH = new RegExp(`^${BASE}/conversations/([A-Za-z0-9_-]{1,64})/stream$`);
const HEARTBEAT_MS = 30_000;

export interface StreamOptions {
  store: ConversationStore;
  hub: ConversationHub;
  tokens: TokenService;
  log: Logger;
}

/**
 * The Direct Line WebSocket stream. Receive-only: the server pushes `{activities, watermark}`;
 * the client may send empty pings (directlinejs does), anything else closes the socket.
 */
export class DirectLineStreams {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  constructor(private readonly o: StreamOptions) {}

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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, conversationId, watermark));
  }

  private serve(ws: WebSocket, conversationId: string, watermark: number): void {
    const alive = ws as WebSocket & { isAlive?: boolean };
    alive.isAlive = true;
    ws.on('pong', () => (alive.isAlive = true));
    const pump = new StreamPump(ws, conversationId, watermark, this.o.store, this.o.log);
    const unsubscribe = this.o.hub.subscribe(conversationId, (batch) => pump.offer(batch));
    ws.on('close', unsubscribe);
    ws.on('error', (err) => this.o.log.warn({ err, conversationId }, 'directline: stream error'));
    ws.on('message', (data) => {
      if (data.toString().trim() === '') return;
      this.o.log.warn({ conversationId, bytes: data.toString().length }, 'directline: stream got client data; closing');
      ws.close(1008, 'stream is receive-only');
    });
    pump.offer(undefined);
  }

  private heartbeat(): void {
    for (const client of this.wss.clients) {
      const alive = client as WebSocket & { isAlive?: boolean };
      if (alive.isAlive === false) {
        client.terminate();
        continue;
      }
      alive.isAlive = false;
      client.ping();
    }
  }
}

/**
 * Sends a conversation's activities in order, each once. A published batch that follows on from
 * what was sent goes straight out; anything else (a gap, the backlog at connect) is read from the
 * store, so a stream never skips or repeats an activity.
 */
class StreamPump {
  private busy = false;
  private again = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly conversationId: string,
    private sent: number,
    private readonly store: ConversationStore,
    private readonly log: Logger,
  ) {}

  offer(batch: ActivityBatch | undefined): void {
    if (!this.busy && batch && batch.watermark - batch.activities.length === this.sent) {
      this.send(batch);
      return;
    }
    this.again = true;
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.again && this.ws.readyState === WebSocket.OPEN) {
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

  private send(batch: ActivityBatch): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.sent = batch.watermark;
    this.ws.send(JSON.stringify({ activities: batch.activities, watermark: String(batch.watermark) }));
  }
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
