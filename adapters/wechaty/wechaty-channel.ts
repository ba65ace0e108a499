import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Logger } from '../../log/logger.ts';
import { DeliveryDeferred, DeliveryFailed } from '../../outbox/errors.ts';
import { Hook, type InboundListener, type InboundSignal, type UndeliveredListener, type UndeliveredReplies } from '../delivery-signals.ts';
import { renderForTextChannel } from '../plain-text/render.ts';
import { wechatMessages } from '../wechat-official/messages.ts';
import { PROACTIVE, TextChannelAdapter } from '../wechat-official/text-channel-adapter.ts';
import { LoginLease } from './login-lease.ts';
import { CHANNEL_ID, mapWechatyMessage, targetOf, type WechatyMessageData } from './mapping.ts';
import { Pacer } from './pacer.ts';
import { ConversationReferences } from './references.ts';
import { type LoginState, WechatySession } from './wechaty-session.ts';

export const wechatySettings = z.object({
  /** WECHATY_PUPPET, e.g. 'wechaty-puppet-service'; ignored when `puppet` (an instance) is given. */
  puppetName: z.string().min(1).optional(),
  /** WECHATY_PUPPET_SERVICE_TOKEN for token-based puppets. */
  puppetToken: z.string().min(1).optional(),
  /** The Wechaty name (also the lease name: one login per name across instances). */
  name: z
    .string()
    .regex(/^[\w-]{1,64}$/)
    .default('line-one'),
  /** Gap between outgoing messages: bursts get personal accounts flagged. */
  paceMs: z.number().int().min(0).default(1200),
  /** Messages older than this are replays after a reconnect: ignored. */
  maxAgeSeconds: z.number().int().positive().default(180),
  textMaxBytes: z.number().int().min(64).default(2048),
  leaseMs: z.number().int().positive().default(30_000),
  heartbeatMs: z.number().int().positive().default(10_000),
  /** Reconnect backoff after a failed start: doubles from `retryMinMs` up to `retryMaxMs`. */
  retryMinMs: z.number().int().positive().default(1000),
  retryMaxMs: z.number().int().positive().default(60_000),
});

export type WechatySettings = z.input<typeof wechatySettings>;

export interface WechatyOptions extends WechatySettings {
  db: Kysely<any>;
  log: Logger;
  bot: (context: TurnContext) => Promise<void>;
  onTurnError?: (context: TurnContext, error: Error) => Promise<void>;
  track?: <T>(work: Promise<T>) => Promise<T>;
  /** Builds a puppet instance (tests: a PuppetMock); otherwise `puppetName` is used. */
  puppet?: () => unknown | Promise<unknown>;
  /** Where the login QR code is shown (default: the console). */
  printQr?: (qr: string) => void;
  /** Identifies this instance in the lease (default host:pid:random). */
  instanceId?: string;
}

const LOG = 'wechaty';

/**
 * Personal WeChat through Wechaty, as a BotAdapter: private chats always, rooms when @-mentioned,
 * replies paced and split, pushes into stored conversations. One instance holds the login (a
 * lease in the database); the others stand by. Wechaty is imported only when this instance
 * takes the login.
 */
export class WechatyChannel extends TextChannelAdapter {
  private readonly s: z.infer<typeof wechatySettings>;
  private readonly lease: LoginLease;
  private readonly references: ConversationReferences;
  private readonly pacer: Pacer;
  private readonly inbound = new Hook<InboundSignal>();
  private readonly undelivered = new Hook<UndeliveredReplies>();
  private readonly track: <T>(work: Promise<T>) => Promise<T>;
  private session?: WechatySession;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: WechatyOptions) {
    super();
    this.s = wechatySettings.parse(o);
    const instanceId = o.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.lease = new LoginLease(o.db, this.s.name, instanceId, this.s.leaseMs);
    this.references = new ConversationReferences(o.db);
    this.pacer = new Pacer(this.s.paceMs);
    this.track = o.track ?? ((work) => work);
    if (o.onTurnError) this.onTurnError = o.onTurnError;
  }

  /**
   * Takes the login if no other instance holds it, else stands by (checking every heartbeat).
   * Resolves after the first attempt; logging in itself continues in the background.
   */
  start(): Promise<void> {
    this.heartbeat = setInterval(() => void this.tick(), this.s.heartbeatMs);
    this.heartbeat.unref();
    return this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    await this.session?.stop();
    this.session = undefined;
    await this.lease.release().catch((err: unknown) => this.o.log.warn({ err }, `${LOG}: releasing the login lease failed`));
  }

  /** For /readyz and an admin page: standby, starting, waiting_login (QR shown), logged_in, stopped. */
  get loginState(): LoginState {
    return this.session?.state ?? (this.closed ? 'stopped' : 'standby');
  }

  /** The QR code to scan while `loginState` is 'waiting_login'. */
  get qrCode(): string | undefined {
    return this.session?.qr;
  }

  onInbound(listener: InboundListener): () => void {
    return this.inbound.add(listener);
  }

  onUndelivered(listener: UndeliveredListener): () => void {
    return this.undelivered.add(listener);
  }

  /** The stored reference of a chat (contact or room id), for continueConversation. */
  reference(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.references.get(conversationId);
  }

  /** Heartbeat: hold (or take) the lease; start Wechaty when we hold it, stop when we lost it. */
  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      const held = this.session ? await this.lease.renew() : await this.lease.acquire();
      if (held && !this.session) {
        this.o.log.info({ holder: this.lease.holder }, `${LOG}: login lease taken, starting`);
        this.session = new WechatySession({ ...this.s, log: this.o.log, puppet: this.o.puppet, printQr: this.o.printQr, onMessage: (m) => this.receive(m) });
        this.session.start();
      } else if (!held && this.session) {
        this.o.log.warn(`${LOG}: login lease lost to another instance, logging out here`);
        const session = this.session;
        this.session = undefined;
        await session.stop();
      }
    } catch (err) {
      this.o.log.error({ err }, `${LOG}: lease heartbeat failed`);
    }
  }

  private async receive(message: WechatyMessageData): Promise<void> {
    const inbound = mapWechatyMessage(message, this.s.maxAgeSeconds);
    if (inbound.kind === 'ignore') return void this.o.log.debug({ reason: inbound.reason }, `${LOG}: ignored`);
    const { activity } = inbound;
    const conversationId = activity.conversation?.id ?? '';
    this.inbound.emit({ channel: CHANNEL_ID, userId: message.talker.id, conversationId, at: new Date() }, (err) =>
      this.o.log.error({ err }, `${LOG}: inbound listener failed`),
    );
    const reference: Partial<ConversationReference> = {
      channelId: CHANNEL_ID,
      serviceUrl: CHANNEL_ID,
      conversation: activity.conversation,
      user: activity.from,
      bot: activity.recipient,
      locale: 'zh-CN',
    };
    await this.references.save(reference);
    if (inbound.kind === 'polite') return this.sendReplies(reference, [wechatMessages.textOnly], false);
    await this.track(this.processActivity(activity, this.o.bot));
  }

  protected override async deliver(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
    const texts = renderForTextChannel(activities, { maxBytes: this.s.textMaxBytes, choicePrompt: wechatMessages.choicePrompt });
    const { conversation, from, recipient } = context.activity;
    const proactive = Boolean(context.turnState.get(PROACTIVE));
    // In a turn, `from` is the asker; in a push, applyConversationReference put the user in `from` too.
    await this.sendReplies({ conversation, user: from?.role === 'bot' ? recipient : from }, texts, proactive);
  }

  /** Pushes raise for the outbox; a user's own turn hands what could not go to onUndelivered. */
  private async sendReplies(reference: Partial<ConversationReference>, texts: string[], proactive: boolean): Promise<void> {
    let sent = 0;
    try {
      const target = targetOf(reference);
      if (!target) throw new DeliveryFailed(CHANNEL_ID, 'no_conversation', `${LOG}: reply without a conversation`);
      const session = this.session;
      if (!session || session.state !== 'logged_in') {
        throw new DeliveryDeferred('channel_offline', new Date(Date.now() + 60_000), `${LOG}: not logged in on this instance`);
      }
      for (const text of texts) {
        // In a room the first reply @-mentions the asker, so they see it among the chatter.
        await this.pacer.run(() => session.say(target, text, sent === 0));
        sent++;
      }
    } catch (cause) {
      const error =
        cause instanceof DeliveryDeferred || cause instanceof DeliveryFailed
          ? cause
          : new DeliveryDeferred('api_unavailable', new Date(Date.now() + 60_000), `${LOG}: the puppet failed to send: ${(cause as Error).message}`, { cause });
      this.o.log.warn({ err: error, conversationId: reference.conversation?.id, unsent: texts.length - sent }, `${LOG}: reply not sent`);
      if (proactive) throw error;
      const conversationId = reference.conversation?.id ?? '';
      this.undelivered.emit({ channel: CHANNEL_ID, conversationId, userId: reference.user?.id ?? conversationId, texts: texts.slice(sent), error }, (err) =>
        this.o.log.error({ err }, `${LOG}: undelivered listener failed`),
      );
    }
  }
}
