import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for WeChat's and WeCom's APIs: records every call and answers like WeChat
 * (defaults below), or as a test says (`answer`). Tests never reach WeChat.
 */
export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  at: number;
  /** The recorder answered without an error (a message counts as delivered). */
  answeredOk?: boolean;
}

export type Answer = { status?: number; json?: unknown; raw?: string };
export type Handler = (call: RecordedCall, nth: number) => Answer | Promise<Answer>;

export class WechatRecorder {
  readonly calls: RecordedCall[] = [];
  private readonly handlers = new Map<string, Handler>();
  private tokenSerial = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WechatRecorder> {
    let recorder: WechatRecorder | undefined;
    const server = createServer((req, res) => void recorder?.serve(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    recorder = new WechatRecorder(server, `http://127.0.0.1:${port}`);
    return recorder;
  }

  /** Replaces the answer for one path (e.g. '/cgi-bin/message/custom/send'). */
  answer(path: string, handler: Handler): void {
    this.handlers.set(path, handler);
  }

  callsTo(path: string): RecordedCall[] {
    return this.calls.filter((c) => c.path === path);
  }

  /** Texts that reached a user through custom/send (OA) or kf/send_msg (微信客服). */
  sentTexts(path = '/cgi-bin/message/custom/send'): string[] {
    return this.callsTo(path)
      .filter((c) => c.answeredOk)
      .map((c) => String(c.body?.text?.content ?? ''));
  }

  /** Resolves when `predicate` holds (checked on every call), or fails after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 8000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`recorder: timed out waiting for ${what}; calls: ${this.calls.map((c) => c.path).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const text = Buffer.concat(chunks).toString('utf8');
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: text ? JSON.parse(text) : undefined,
      at: Date.now(),
    };
    const nth = this.callsTo(call.path).length;
    this.calls.push(call);
    const answer = await (this.handlers.get(call.path) ?? ((c) => this.defaultAnswer(c)))(call, nth);
    const json = answer.json as { errcode?: number } | undefined;
    call.answeredOk = (answer.status ?? 200) < 400 && (json?.errcode ?? 0) === 0 && answer.raw === undefined;
    res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json' });
    res.end(answer.raw ?? JSON.stringify(answer.json ?? {}));
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private defaultAnswer(call: RecordedCall): Answer {
    switch (call.path) {
      case '/cgi-bin/stable_token':
      case '/cgi-bin/gettoken':
        return {
          json: { ...(call.path === '/cgi-bin/gettoken' ? { errcode: 0, errmsg: 'ok' } : {}), access_token: `TOKEN-${++this.tokenSerial}`, expires_in: 7200 },
        };
      case '/cgi-bin/kf/sync_msg':
        return { json: { errcode: 0, errmsg: 'ok', next_cursor: call.body?.cursor ?? '', has_more: 0, msg_list: [] } };
      case '/cgi-bin/kf/send_msg':
      case '/cgi-bin/kf/send_msg_on_event':
        return { json: { errcode: 0, errmsg: 'ok', msgid: `sent-${this.calls.length}` } };
      default:
        return { json: { errcode: 0, errmsg: 'ok' } };
    }
  }
}
