import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { badRequest, HttpError, unauthorized } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { DeliveryFailed } from '../../outbox/errors.ts';
import { Hook, type InboundListener, type InboundSignal, type UndeliveredListener, type UndeliveredReplies } from '../delivery-signals.ts';
import { renderForTextChannel } from '../plain-text/render.ts';
import { utf8Bytes } from '../plain-text/split.ts';
import { WechatApiClient } from '../wechat-official/api-client.ts';
import { sha1Signature, signatureMatches, timestampSkewSeconds, WechatCipher, WechatCryptoError } from '../wechat-official/crypto.ts';
import { InboundLedger } from '../wechat-official/inbound-ledger.ts';
import { wechatMessages } from '../wechat-official/messages.ts';
import { ServiceWindows } from '../wechat-official/service-window.ts';
import { PROACTIVE, TextChannelAdapter } from '../wechat-official/text-channel-adapter.ts';
import { AccessTokenCache } from '../wechat-official/token-cache.ts';
import { sendWithinWindow, type WindowedSendOptions } from '../wechat-official/windowed-send.ts';
import { extractEncrypt, parseWechatXml, WechatXmlError } from '../wechat-official/xml.ts';
import { CHANNEL_ID, type KfMessage, kfCallbackEvent, kfMessage, mapKfMessage, syncResponse } from './payloads.ts';
import { KfCursorStore } from './schema.ts';

export const kfSettings = z.object({
  corpId: z.string().min(1),
  /** The 微信客服 Secret (企业微信管理后台 → 微信客服 → API). */
  secret: z.string().min(1),
  token: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'the callback Token: up to 32 letters or digits'),
  encodingAesKey: z.string().regex(/^[A-Za-z0-9+/]{43}$/, '43 characters'),
  openKfId: z.string().min(1),
  apiBase: z.url().default('https://qyapi.weixin.qq.com'),
  maxClockSkewSeconds: z.number().int().positive().default(300),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024),
  textMaxBytes: z.number().int().min(64).default(2048),
  path: z.string().startsWith('/').default('/wechat/kf'),
});

export type KfSettings = z.input<typeof kfSettings>;

export interface KfOptions extends KfSettings {
  db: Kysely<any>;
  log: Logger;
  bot: (context: TurnContext) => Promise<void>;
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
  track?: <T>(work: Promise<T>) => Promise<T>;
}

const LOG = 'wechat-kf';
const WELCOME = Symbol('wechat-kf.welcome');
/** send_msg: 95001 = the 5 messages after the customer's last one are used. */
const QUOTA_USED = [95001];
/** send_msg: the session is with a WeCom 接待人员 (state 3) or ended; the API may not write. */
const SESSION_TAKEN = 95018;
const MAX_PAGES_PER_SYNC = 100;

/** WeCom 微信客服: a callback nudges us, we pull with kf/sync_msg and answer with kf/send_msg. */
export class WechatKfChannel {
  readonly adapter: TextChannelAdapter;
  private readonly s: z.infer<typeof kfSettings>;
  private readonly cipher: WechatCipher;
  private readonly api: WechatApiClient;
  private readonly ledger: InboundLedger;
  private readonly windows: ServiceWindows;
  private readonly cursors: KfCursorStore;
  private readonly inbound = new Hook<InboundSignal>();
  private readonly undelivered = new Hook<UndeliveredReplies>();
  private readonly track: <T>(work: Promise<T>) => Promise<T>;
  private syncing: Promise<void> = Promise.resolve();
  private syncQueued = false;
  private syncToken?: string;

  constructor(private readonly o: KfOptions) {
    this.s = kfSettings.parse(o);
    this.cipher = new WechatCipher(this.s.encodingAesKey, this.s.corpId);
    const tokens = new AccessTokenCache(o.db, { name: `kf:${this.s.corpId}`, fetch: () => this.fetchToken() }, o.log);
    this.api = new WechatApiClient({ baseUrl: this.s.apiBase, log: o.log, subsystem: LOG }, tokens);
    this.ledger = new InboundLedger(o.db, CHANNEL_ID);
    this.windows = new ServiceWindows(o.db, CHANNEL_ID);
    this.cursors = new KfCursorStore(o.db);
    this.track = o.track ?? ((work) => work);
    this.adapter = new TextChannelAdapter((context, activities) => this.deliver(context, activities));
    if (o.onTurnError) this.adapter.onTurnError = o.onTurnError;
  }

  register(server: Server): void {
    const onError = logRejection(this.o.log, LOG);
    server.get(
      this.s.path,
      route((req, res) => this.verifyUrl(req, res), onError),
    );
    server.post(
      this.s.path,
      route((req, res) => this.receive(req, res), onError),
    );
  }

  /** Waits for the sync in progress (shutdown, tests). */
  async close(): Promise<void> {
    await this.syncing;
  }

  onInbound(listener: InboundListener): () => void {
    return this.inbound.add(listener);
  }

  onUndelivered(listener: UndeliveredListener): () => void {
    return this.undelivered.add(listener);
  }

  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.adapter.continueConversation(reference, logic);
  }

  /** Pulls everything new now (also what a callback triggers); one sync at a time, extra requests coalesce. */
  requestSync(token?: string): Promise<void> {
    if (token) this.syncToken = token;
    if (this.syncQueued) return this.syncing;
    this.syncQueued = true;
    this.syncing = this.track(
      this.syncing.then(async () => {
        this.syncQueued = false;
        const syncToken = this.syncToken;
        this.syncToken = undefined;
        await this.sync(syncToken).catch((err: unknown) => this.o.log.error({ err }, `${LOG}: sync failed; the next callback retries from the saved cursor`));
      }),
    );
    return this.syncing;
  }

  // ── callback ──
  private async verifyUrl(req: Request, res: Response): Promise<void> {
    const q = this.checkedQuery(req);
    const echostr = typeof req.query?.echostr === 'string' ? req.query.echostr : '';
    if (!echostr) throw badRequest('echostr is missing');
    if (!signatureMatches(sha1Signature(this.s.token, q.timestamp, q.nonce, echostr), q.msgSignature)) throw unauthorized('bad msg_signature');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.sendRaw(200, this.decrypt(echostr));
  }

  private async receive(req: Request, res: Response): Promise<void> {
    const q = this.checkedQuery(req);
    const raw = (req as Request & { rawBody?: unknown }).rawBody ?? req.body;
    const body = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
    if (utf8Bytes(body) > this.s.maxBodyBytes) throw new HttpError(413, 'PayloadTooLarge', `body larger than ${this.s.maxBodyBytes} bytes`);
    const encrypt = extractEncrypt(body);
    if (!encrypt) throw badRequest('Encrypt is missing');
    if (!signatureMatches(sha1Signature(this.s.token, q.timestamp, q.nonce, encrypt), q.msgSignature)) throw unauthorized('bad msg_signature');
    let fields;
    try {
      fields = parseWechatXml(this.decrypt(encrypt), this.s.maxBodyBytes);
    } catch (err) {
      if (err instanceof WechatXmlError) throw badRequest(err.message);
      throw err;
    }
    const event = kfCallbackEvent.safeParse(fields);
    if (!event.success) throw badRequest('not a 微信客服 event');
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.sendRaw(200, 'success');
    if (event.data.Event !== 'kf_msg_or_event') return;
    if (event.data.OpenKfId && event.data.OpenKfId !== this.s.openKfId) {
      this.o.log.warn({ openKfId: event.data.OpenKfId }, `${LOG}: callback for another 客服账号, ignored`);
      return;
    }
    void this.requestSync(event.data.Token);
  }

  // ── sync ──
  private async sync(token: string | undefined): Promise<void> {
    let cursor = await this.cursors.get(this.s.openKfId);
    for (let page = 0; page < MAX_PAGES_PER_SYNC; page++) {
      const body = { cursor: cursor || undefined, token, limit: 1000, voice_format: 0, open_kfid: this.s.openKfId };
      const batch = await this.api.call('/cgi-bin/kf/sync_msg', body, syncResponse);
      const messages = batch.msg_list.flatMap((raw) => {
        const parsed = kfMessage.safeParse(raw);
        if (!parsed.success) this.o.log.warn({ issues: parsed.error.issues.length }, `${LOG}: skipped a message of unexpected shape`);
        return parsed.success ? [parsed.data] : [];
      });
      await this.handleBatch(messages);
      if (batch.next_cursor && batch.next_cursor !== cursor) {
        cursor = batch.next_cursor;
        await this.cursors.set(this.s.openKfId, cursor);
      }
      if (!batch.has_more) return;
    }
    this.o.log.warn(`${LOG}: stopped after ${MAX_PAGES_PER_SYNC} pages; the next callback continues`);
  }

  /** Each user's messages in order; different users side by side. */
  private async handleBatch(messages: KfMessage[]): Promise<void> {
    const byUser = new Map<string, KfMessage[]>();
    for (const m of messages) {
      const user = m.external_userid ?? m.event?.external_userid ?? '';
      byUser.set(user, [...(byUser.get(user) ?? []), m]);
    }
    await Promise.all(
      [...byUser.values()].map(async (list) => {
        for (const m of list) await this.handle(m);
      }),
    );
  }

  private async handle(m: KfMessage): Promise<void> {
    const inbound = mapKfMessage(m, this.s.openKfId);
    if (inbound.kind === 'ignore') return void this.o.log.debug({ reason: inbound.reason }, `${LOG}: ignored`);
    if (!(await this.ledger.claim(`msg:${m.msgid}`))) return void this.o.log.info({ msgid: m.msgid }, `${LOG}: message already handled, skipped`);
    const opens = inbound.kind === 'polite' || inbound.opensWindow;
    if (opens) {
      await this.windows.open(inbound.userId);
      this.inbound.emit({ channel: CHANNEL_ID, userId: inbound.userId, conversationId: inbound.userId, at: new Date() }, (err) =>
        this.o.log.error({ err }, `${LOG}: inbound listener failed`),
      );
    }
    const work =
      inbound.kind === 'polite'
        ? this.sendReplies(inbound.userId, [wechatMessages.textOnly], false)
        : this.adapter.processActivity(inbound.activity, this.o.bot, inbound.welcomeCode ? { [WELCOME]: { code: inbound.welcomeCode } } : {});
    await this.ledger
      .track(
        `msg:${m.msgid}`,
        work.then(() => undefined),
      )
      .catch((err: unknown) => this.o.log.error({ err, msgid: m.msgid }, `${LOG}: turn failed`));
  }

  // ── replies ──
  private async deliver(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
    const user = context.activity.conversation?.id;
    if (!user) throw new Error(`${LOG}: reply without a conversation id`);
    const texts = this.render(activities);
    const welcome = context.turnState.get(WELCOME) as { code?: string } | undefined;
    if (welcome?.code && texts.length > 0) {
      // The welcome code (valid 20 s, once) answers an enter_session outside the 5-message window.
      const code = welcome.code;
      welcome.code = undefined;
      const content = texts[0];
      try {
        await this.api.call('/cgi-bin/kf/send_msg_on_event', { code, msgtype: 'text', text: { content } }, z.object({}).loose());
        texts.shift();
      } catch (err) {
        this.o.log.warn({ err, user }, `${LOG}: welcome via welcome_code failed; trying the message window`);
      }
    }
    await this.sendReplies(user, texts, Boolean(context.turnState.get(PROACTIVE)));
  }

  /** Proactive sends raise for the outbox; a user's own turn hands unsent replies to onUndelivered. */
  private async sendReplies(user: string, texts: string[], proactive: boolean): Promise<void> {
    if (texts.length === 0) return;
    const { sent, error } = await sendWithinWindow(this.sendOptions(), user, texts);
    if (!error) return;
    if (error instanceof DeliveryFailed && error.code === SESSION_TAKEN) {
      this.o.log.warn({ user }, `${LOG}: send refused with 95018: the session is with a WeCom 接待人员 (or ended); the desk must reply there`);
    }
    if (proactive) throw error;
    this.undelivered.emit({ channel: CHANNEL_ID, conversationId: user, userId: user, texts: texts.slice(sent), error }, (err) =>
      this.o.log.error({ err }, `${LOG}: undelivered listener failed`),
    );
  }

  private render(activities: Partial<Activity>[]): string[] {
    const reserve = utf8Bytes(`\n\n${wechatMessages.lastInWindow}`);
    return renderForTextChannel(activities, { maxBytes: this.s.textMaxBytes - reserve, choicePrompt: wechatMessages.choicePrompt });
  }

  private sendOptions(): WindowedSendOptions {
    return {
      channel: CHANNEL_ID,
      windows: this.windows,
      log: this.o.log,
      lastHint: wechatMessages.lastInWindow,
      windowClosedCodes: [],
      quotaUsedCodes: QUOTA_USED,
      post: async (user, text) => {
        await this.api.call(
          '/cgi-bin/kf/send_msg',
          { touser: user, open_kfid: this.s.openKfId, msgtype: 'text', text: { content: text } },
          z.object({}).loose(),
        );
      },
    };
  }

  private async fetchToken() {
    const shape = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
    const got = await this.api.request('/cgi-bin/gettoken', { corpid: this.s.corpId, corpsecret: this.s.secret }, undefined, shape);
    return { token: got.access_token, expiresInSeconds: got.expires_in };
  }

  private checkedQuery(req: Request) {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    const q = { msgSignature: text('msg_signature'), timestamp: text('timestamp'), nonce: text('nonce') };
    if (!q.msgSignature || !q.timestamp || !q.nonce) throw unauthorized('msg_signature, timestamp and nonce are required');
    if (timestampSkewSeconds(q.timestamp) > this.s.maxClockSkewSeconds) throw unauthorized('stale timestamp');
    return q;
  }

  private decrypt(encrypted: string): string {
    try {
      return this.cipher.decrypt(encrypted);
    } catch (err) {
      if (err instanceof WechatCryptoError) throw unauthorized(err.message);
      throw err;
    }
  }
}
