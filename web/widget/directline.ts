// Direct Line 3.0 connection lifecycle: start or resume a conversation, stream activities over
// WebSocket (polling as a fallback), reconnect with backoff, refresh the token, and deliver each
// activity exactly once, in order.
import { DirectLineApi, isGone } from './api.ts';
import { loadSession, newUserId, saveSession, type Session } from './storage.ts';
import { expiresAt, TokenRefresher } from './token.ts';
import type { Activity, ActivitySet, ConversationInfo } from './types.ts';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

export interface DirectLineEvents {
  onActivities(list: Activity[]): void;
  onStatus(status: ConnectionStatus): void;
  /** The previous conversation was lost (expired/unknown) and a fresh one replaced it. */
  onNewConversation(): void;
}

const MAX_BACKOFF_MS = 15_000;
const WS_FAILURES_BEFORE_POLLING = 3;
const POLL_MS = 1_000;
const WS_OPEN_TIMEOUT_MS = 10_000;
const SEND_WAIT_MS = 15_000;
const TYPING_EVERY_MS = 3_000;

/** Watermarks are opaque strings, but numeric ones must never move backwards. */
function laterWatermark(current: string, next: string | undefined): string {
  if (!next) return current;
  if (/^\d+$/.test(current) && /^\d+$/.test(next) && Number(next) < Number(current)) return current;
  return next;
}

export class DirectLine {
  private session: Session | null = loadSession();
  readonly userId: string = this.session?.userId ?? newUserId();
  private ws: WebSocket | null = null;
  private status: ConnectionStatus | null = null;
  private started = false;
  private connecting = false;
  private ready = false;
  private readyWaiters: Array<() => void> = [];
  private polling = false;
  private wsFailures = 0;
  private attempt = 0;
  private historyLoaded = false;
  private catchingUp = false;
  private buffered: ActivitySet[] = [];
  private seen = new Set<string>();
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly refresher: TokenRefresher;

  constructor(
    private readonly api: DirectLineApi,
    private readonly events: DirectLineEvents,
  ) {
    this.refresher = new TokenRefresher(
      api,
      () => this.session,
      () => this.invalidate(),
    );
  }

  /** Idempotent; deferred until the visitor opens the panel so idle page views cost the server nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => this.setStatus('reconnecting'));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible') return;
      // Background tabs throttle timers and laptops sleep: re-check the token and the socket.
      this.refresher.schedule();
      if (!this.ws && !this.polling && !this.reconnectTimer && !this.connecting) this.reconnectNow();
    });
    void this.connect();
  }

  private lastTyping = 0;

  /** Tells the other side the visitor is typing: at most every few seconds, only when connected, never retried. */
  typing(): void {
    const now = Date.now();
    if (!this.ready || now - this.lastTyping < TYPING_EVERY_MS) return;
    this.lastTyping = now;
    const s = this.session as Session;
    void this.api.postActivity(s.conversationId, s.token, { type: 'typing', from: { id: this.userId, role: 'user' } }).catch(() => undefined);
  }

  async send(activity: Activity): Promise<string | undefined> {
    this.start();
    await this.whenReady();
    const s = this.session as Session;
    try {
      const res = await this.api.postActivity(s.conversationId, s.token, {
        ...activity,
        from: { id: this.userId, role: 'user' },
        locale: 'zh-CN',
      });
      return res.id;
    } catch (err) {
      if (isGone(err)) {
        this.invalidate();
        this.reconnectNow();
      }
      throw err;
    }
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.events.onStatus(status);
  }

  private whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('not connected')), SEND_WAIT_MS);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Forces the next connect() to start a new conversation. */
  private invalidate(): void {
    if (this.session) this.session.expiresAt = 0;
    this.ready = false;
  }

  private reconnectNow(): void {
    if (!this.started) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.attempt = 0;
    void this.connect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer) return;
    this.setStatus('reconnecting');
    const delay = Math.min(1000 * 2 ** this.attempt, MAX_BACKOFF_MS);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private async connect(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    this.closeTransport();
    if (!this.historyLoaded) this.setStatus(this.status ? 'reconnecting' : 'connecting');
    try {
      const info = await this.openConversation();
      this.ready = true;
      this.readyWaiters.splice(0).forEach((fn) => fn());
      this.refresher.schedule();
      if (this.polling || !info.streamUrl) {
        this.polling = true;
        void this.poll();
      } else {
        this.openSocket(info.streamUrl);
      }
    } catch {
      this.scheduleReconnect();
    } finally {
      this.connecting = false;
    }
  }

  private async openConversation(): Promise<ConversationInfo> {
    const old = this.session;
    if (old && old.expiresAt > Date.now() + 5_000) {
      try {
        const info = await this.api.resumeConversation(old.conversationId, old.token, old.watermark);
        this.adopt(info, old.watermark);
        return info;
      } catch (err) {
        if (!isGone(err)) throw err; // network trouble: keep the conversation and retry later
      }
    }
    const info = await this.api.startConversation();
    if (!info || !info.conversationId || !info.token) throw new Error('bad conversation response');
    if (this.historyLoaded) this.events.onNewConversation();
    this.historyLoaded = false;
    this.seen.clear(); // ids are only unique within one conversation
    this.adopt(info, '');
    return info;
  }

  private adopt(info: ConversationInfo, watermark: string): void {
    this.session = {
      conversationId: info.conversationId || (this.session?.conversationId ?? ''),
      token: info.token || (this.session?.token ?? ''),
      watermark,
      userId: this.userId,
      expiresAt: expiresAt(info.expires_in),
    };
    saveSession(this.session);
  }

  private closeTransport(): void {
    clearTimeout(this.pollTimer);
    const ws = this.ws;
    this.ws = null; // clear first so its close event is recognised as intentional
    if (ws) ws.close();
  }

  private openSocket(url: string): void {
    const ws = new WebSocket(url);
    this.ws = ws;
    let opened = false;
    const openTimer = setTimeout(() => ws.close(), WS_OPEN_TIMEOUT_MS);
    ws.onopen = () => {
      opened = true;
      clearTimeout(openTimer);
      this.wsFailures = 0;
      this.attempt = 0;
      this.setStatus('online');
      void this.catchUp();
    };
    ws.onmessage = (e: MessageEvent) => this.onStreamData(e.data);
    ws.onclose = () => {
      clearTimeout(openTimer);
      if (this.ws !== ws) return;
      this.ws = null;
      if (!opened && ++this.wsFailures >= WS_FAILURES_BEFORE_POLLING) {
        this.polling = true; // WebSockets are blocked here (proxy/firewall): poll instead
        this.attempt = 0;
      }
      this.scheduleReconnect();
    };
  }

  private onStreamData(data: unknown): void {
    if (typeof data !== 'string' || !data.trim()) return; // heartbeat
    let set: ActivitySet;
    try {
      set = JSON.parse(data) as ActivitySet;
    } catch {
      return;
    }
    if (!set || typeof set !== 'object') return;
    if (this.catchingUp) this.buffered.push(set);
    else this.deliver(set);
  }

  /**
   * After every socket open, fetch what the stream may not replay: the whole history on first
   * load (page reload), or anything posted between a new conversation and the socket opening.
   * Stream messages are held back meanwhile so order is preserved; duplicates are dropped by id.
   */
  private async catchUp(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.catchingUp = true;
    try {
      const set = await this.api.getActivities(s.conversationId, s.token, this.historyLoaded ? s.watermark : '');
      if (this.session === s) {
        this.historyLoaded = true;
        this.deliver(set);
      }
    } catch {
      // The stream still works; a later reconnect fetches again.
    } finally {
      this.catchingUp = false;
      this.buffered.splice(0).forEach((set) => this.deliver(set));
    }
  }

  private async poll(): Promise<void> {
    clearTimeout(this.pollTimer);
    const s = this.session;
    if (!s || !this.polling) return;
    try {
      const set = await this.api.getActivities(s.conversationId, s.token, this.historyLoaded ? s.watermark : '');
      if (this.session !== s || this.ws) return;
      this.historyLoaded = true;
      this.attempt = 0;
      this.setStatus('online');
      this.deliver(set);
      this.pollTimer = setTimeout(() => void this.poll(), POLL_MS);
    } catch (err) {
      if (isGone(err)) this.invalidate();
      this.scheduleReconnect();
    }
  }

  private deliver(set: ActivitySet): void {
    const fresh = (Array.isArray(set.activities) ? set.activities : []).filter((a) => {
      if (!a || typeof a !== 'object') return false;
      if (!a.id) return true;
      if (this.seen.has(a.id)) return false;
      this.seen.add(a.id);
      return true;
    });
    const s = this.session;
    if (s && typeof set.watermark === 'string') {
      const next = laterWatermark(s.watermark, set.watermark);
      if (next !== s.watermark) {
        s.watermark = next;
        saveSession(s);
      }
    }
    if (fresh.length) this.events.onActivities(fresh);
  }
}
