import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { badRequest, HttpError, unauthorized } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { Hook, type InboundListener, type InboundSignal, type UndeliveredListener, type UndeliveredReplies } from '../delivery-signals.ts';
import { renderForTextChannel } from '../plain-text/render.ts';
import { utf8Bytes } from '../plain-text/split.ts';
import { WechatApiClient } from './api-client.ts';
import { sha1Signature, signatureMatches, timestampSkewSeconds, WechatCipher, WechatCryptoError } from './crypto.ts';
import { InboundLedger } from './inbound-ledger.ts';
import { CHANNEL_ID, mapOfficialMessage, messageKey, type OfficialMessage, parseOfficialMessage } from './inbound.ts';
import { wechatMessages } from './messages.ts';
import { ServiceWindows } from './service-window.ts';
import { PROACTIVE, TextChannelAdapter } from './text-channel-adapter.ts';
import { AccessTokenCache } from './token-cache.ts';
import { sendWithinWindow, type WindowedSendOptions } from './windowed-send.ts';
import { buildWechatXml, extractEncrypt, parseWechatXml, WechatXmlError } from './xml.ts';

/** Settings from config (validated here too: the adapter may be built by tests and scripts). */
export const officialAccountSettings = z.object({
  token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'the 令牌(Token) set in the 公众平台: 3-32 letters or digits'),
  appId: z.string().min(1),
  appSecret: z.string().min(1),
  encodingAesKey: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}$/, '43 characters')
    .optional(),
  apiBase: z.url().default('https://api.weixin.qq.com'),
  /** WeChat waits 5 s for a passive reply; past this the answer goes through the customer-service API. */
  passiveBudgetMs: z.number().int().positive().max(4800).default(4000),
  /** Refuse callbacks whose timestamp is further than this from our clock (replays). */
  maxClockSkewSeconds: z.number().int().positive().default(300),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024),
  textMaxBytes: z.number().int().min(64).default(2048),
  /** Menu CLICK keys → the text the bot sees. */
  menuClicks: z.record(z.string(), z.string()).default({}),
  path: z.string().startsWith('/').default('/wechat/official'),
});

export type OfficialAccountSettings = z.input<typeof officialAccountSettings>;

export interface OfficialAccountOptions extends OfficialAccountSettings {
  db: Kysely<any>;
  log: Logger;
  /** Runs one bot turn (`(context) => bot.run(context)`). */
  bot: (context: TurnContext) => Promise<void>;
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
  /** Counts in-flight turns so a shutdown can wait for them. */
  track?: <T>(work: Promise<T>) => Promise<T>;
}

/** Replies of one inbound turn, gathered until we know whether they can go back passively. */
const COLLECTED = Symbol('wechat-official.collected');
const SUCCESS = 'success';
const LOG = 'wechat-official';

/** The 服务号 (Official Account) callback: URL verification, messages in all three modes, replies. */
export class WechatOfficialChannel {
  readonly adapter: TextChannelAdapter;
  private readonly s: z.infer<typeof officialAccountSettings>;
  private readonly cipher?: WechatCipher;
  private readonly ledger: InboundLedger;
  private readonly windows: ServiceWindows;
  private readonly api: WechatApiClient;
  private readonly inbound = new Hook<InboundSignal>();
  private readonly undelivered = new Hook<UndeliveredReplies>();
  private readonly track: <T>(work: Promise<T>) => Promise<T>;
  private pruneTimer?: NodeJS.Timeout;

  constructor(private readonly o: OfficialAccountOptions) {
    this.s = officialAccountSettings.parse(o);
    this.cipher = this.s.encodingAesKey ? new WechatCipher(this.s.encodingAesKey, this.s.appId) : undefined;
    this.ledger = new InboundLedger(o.db, CHANNEL_ID);
    this.windows = new ServiceWindows(o.db, CHANNEL_ID);
    const tokens = new AccessTokenCache(
      o.db,
      {
        name: `oa:${this.s.appId}`,
        fetch: (force) => this.fetchToken(force),
      },
      o.log,
    );
    this.api = new WechatApiClient({ baseUrl: this.s.apiBase, log: o.log, subsystem: LOG }, tokens);
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
    this.pruneTimer = setInterval(
      () => void this.ledger.prune(3600_000).catch((err: unknown) => this.o.log.warn({ err }, `${LOG}: pruning the inbound ledger failed`)),
      600_000,
    );
    this.pruneTimer.unref();
  }

  close(): void {
    clearInterval(this.pruneTimer);
  }

  /** Called with (user, channel) whenever a user writes: the outbox releases what it held. */
  onInbound(listener: InboundListener): () => void {
    return this.inbound.add(listener);
  }

  /** Replies of a slow turn that could not be sent afterwards: hand them to the outbox. */
  onUndelivered(listener: UndeliveredListener): () => void {
    return this.undelivered.add(listener);
  }

  /** Proactive push (agent reply, ticket update) through the customer-service API. */
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.adapter.continueConversation(reference, logic);
  }

  // ── GET: the 公众平台 checks the URL once when the operator saves it ──
  private async verifyUrl(req: Request, res: Response): Promise<void> {
    const q = this.checkedQuery(req);
    const echostr = typeof req.query?.echostr === 'string' ? req.query.echostr : '';
    if (!echostr) throw badRequest('echostr is missing');
    let echo = echostr;
    if (q.msgSignature) {
      // Safe mode sends the echo encrypted and signed like a message.
      if (!this.cipher) throw unauthorized('msg_signature given but no EncodingAESKey is configured');
      if (!signatureMatches(sha1Signature(this.s.token, q.timestamp, q.nonce, echostr), q.msgSignature)) throw unauthorized('bad msg_signature');
      echo = this.decrypt(echostr);
    }
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.sendRaw(200, echo);
  }

  // ── POST: a message or event ──
  private async receive(req: Request, res: Response): Promise<void> {
    const started = Date.now();
    const q = this.checkedQuery(req);
    const body = rawBody(req);
    if (utf8Bytes(body) > this.s.maxBodyBytes) throw new HttpError(413, 'PayloadTooLarge', `body larger than ${this.s.maxBodyBytes} bytes`);
    const encrypted = req.query?.encrypt_type === 'aes';
    let xml = body;
    if (encrypted) {
      const encrypt = extractEncrypt(body);
      if (!encrypt) throw badRequest('Encrypt is missing');
      if (!this.cipher) throw unauthorized('encrypted message but no EncodingAESKey is configured');
      if (!signatureMatches(sha1Signature(this.s.token, q.timestamp, q.nonce, encrypt), q.msgSignature)) throw unauthorized('bad msg_signature');
      xml = this.decrypt(encrypt);
    }
    const message = parseOfficialMessage(this.parse(xml));
    if (message instanceof z.ZodError) throw badRequest(`not a WeChat message: ${message.issues.map((i) => i.path.join('.')).join(', ')}`);
    const reply = await this.handle(message, started);
    if (reply === undefined) {
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      return void res.sendRaw(200, SUCCESS);
    }
    const plain = buildWechatXml({
      ToUserName: message.FromUserName,
      FromUserName: message.ToUserName,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'text',
      Content: reply,
    });
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.sendRaw(200, encrypted ? this.encryptReply(plain) : plain);
  }

  /** The passive reply text, or undefined for "success". */
  private async handle(message: OfficialMessage, started: number): Promise<string | undefined> {
    const inbound = mapOfficialMessage(message, { menuClicks: this.s.menuClicks, serviceUrl: this.s.apiBase });
    const user = message.FromUserName;
    if (inbound.kind === 'ignore') {
      this.o.log.debug({ reason: inbound.reason }, `${LOG}: ignored`);
      return undefined;
    }
    const key = messageKey(message);
    if (!(await this.ledger.claim(key))) {
      this.o.log.info({ key }, `${LOG}: retry of a message already handled, not run again`);
      return this.ledger.waitForReply(key, started + this.s.passiveBudgetMs);
    }
    if (inbound.opensWindow) {
      await this.windows.open(user);
      this.inbound.emit({ channel: CHANNEL_ID, userId: user, conversationId: user, at: new Date() }, (err) =>
        this.o.log.error({ err }, `${LOG}: inbound listener failed`),
      );
    }
    if (inbound.kind === 'polite') return this.ledger.track(key, Promise.resolve(wechatMessages.textOnly));
    const collected: Partial<Activity>[] = [];
    const turn = this.track(this.adapter.processActivity(inbound.activity, this.o.bot, { [COLLECTED]: collected }));
    turn.catch((err: unknown) => this.o.log.error({ err, key }, `${LOG}: turn failed`));
    if (!inbound.replies) {
      void this.ledger
        .track(
          key,
          turn.then(() => undefined),
        )
        .catch(() => undefined);
      return undefined;
    }
    return this.ledger.track(key, this.passiveOrLater(user, turn, collected, started));
  }

  /** Within the budget: the first message passively, the rest through the API. Else all through the API. */
  private async passiveOrLater(user: string, turn: Promise<void>, collected: Partial<Activity>[], started: number): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, started + this.s.passiveBudgetMs - Date.now()))));
    const outcome = await Promise.race([
      turn.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      late,
    ]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.o.log.info({ user }, `${LOG}: turn slower than the passive budget, replying through the customer-service API`);
      void this.track(turn.catch(() => undefined).then(() => this.sendLater(user, this.render(collected))));
      return undefined;
    }
    const [first, ...rest] = this.render(collected);
    if (rest.length > 0) void this.track(this.sendLater(user, rest));
    return first;
  }

  private async sendLater(user: string, texts: string[]): Promise<void> {
    if (texts.length === 0) return;
    const { sent, error } = await sendWithinWindow(this.sendOptions(), user, texts).catch((err: unknown) => ({ sent: 0, error: err as Error }));
    if (!error) return;
    const left = texts.slice(sent);
    this.o.log.warn({ err: error, user, held: left.length }, `${LOG}: replies of a turn could not be sent, handed on`);
    this.undelivered.emit({ channel: CHANNEL_ID, conversationId: user, userId: user, texts: left, error }, (err) =>
      this.o.log.error({ err }, `${LOG}: undelivered listener failed`),
    );
  }

  /** Replies of an inbound turn are collected; proactive ones go out now, or raise for the outbox. */
  private async deliver(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
    const collected = context.turnState.get(COLLECTED) as Partial<Activity>[] | undefined;
    if (collected && !context.turnState.get(PROACTIVE)) return void collected.push(...activities);
    const user = context.activity.conversation?.id;
    if (!user) throw new Error(`${LOG}: proactive message without a conversation id`);
    const { error } = await sendWithinWindow(this.sendOptions(), user, this.render(activities));
    if (error) throw error;
  }

  private render(activities: Partial<Activity>[]): string[] {
    // Room for the last-in-window hint, which may be appended to any message.
    const reserve = utf8Bytes(`\n\n${wechatMessages.lastInWindow}`);
    return renderForTextChannel(activities, { maxBytes: this.s.textMaxBytes - reserve, choicePrompt: wechatMessages.choicePrompt });
  }

  private sendOptions(): WindowedSendOptions {
    return {
      channel: CHANNEL_ID,
      windows: this.windows,
      log: this.o.log,
      lastHint: wechatMessages.lastInWindow,
      windowClosedCodes: [45015],
      quotaUsedCodes: [45047],
      post: async (user, text) => {
        await this.api.call('/cgi-bin/message/custom/send', { touser: user, msgtype: 'text', text: { content: text } }, z.object({}).loose());
      },
    };
  }

  private async fetchToken(force: boolean) {
    const body = { grant_type: 'client_credential', appid: this.s.appId, secret: this.s.appSecret, force_refresh: force };
    const shape = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });
    const got = await this.api.request('/cgi-bin/stable_token', {}, body, shape);
    return { token: got.access_token, expiresInSeconds: got.expires_in };
  }

  /** signature over (token, timestamp, nonce) and a fresh timestamp: checked before any parsing. */
  private checkedQuery(req: Request) {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    const q = { signature: text('signature'), timestamp: text('timestamp'), nonce: text('nonce'), msgSignature: text('msg_signature') };
    if (!q.signature || !q.timestamp || !q.nonce) throw unauthorized('signature, timestamp and nonce are required');
    if (!signatureMatches(sha1Signature(this.s.token, q.timestamp, q.nonce), q.signature)) throw unauthorized('bad signature');
    if (timestampSkewSeconds(q.timestamp) > this.s.maxClockSkewSeconds) throw unauthorized('stale timestamp');
    return q;
  }

  private decrypt(encrypted: string): string {
    try {
      return (this.cipher as WechatCipher).decrypt(encrypted);
    } catch (err) {
      if (err instanceof WechatCryptoError) throw unauthorized(err.message);
      throw err;
    }
  }

  private encryptReply(plainXml: string): string {
    const cipher = this.cipher as WechatCipher;
    const encrypt = cipher.encrypt(plainXml);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    return buildWechatXml({
      Encrypt: encrypt,
      MsgSignature: sha1Signature(this.s.token, timestamp, nonce, encrypt),
      TimeStamp: Number(timestamp),
      Nonce: nonce,
    });
  }

  private parse(xml: string) {
    try {
      return parseWechatXml(xml, this.s.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof WechatXmlError)) throw err;
      throw err.kind === 'too_large' ? new HttpError(413, 'PayloadTooLarge', err.message) : badRequest(err.message);
    }
  }
}

function rawBody(req: Request): string {
  const raw = (req as Request & { rawBody?: unknown }).rawBody ?? req.body;
  if (typeof raw === 'string') return raw;
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  throw badRequest('an XML body is required');
}
