import type { Logger } from '../../log/logger.ts';
import { DeliveryFailed } from '../../outbox/errors.ts';
import type { WechatyMessageData, WechatyTarget } from './mapping.ts';

/**
 * standby: another instance holds the login; starting: loading wechaty / (re)connecting;
 * waiting_login: running, waiting for the QR code to be scanned (`qr` set once the puppet has one);
 * logged_in: ready; stopped: closed.
 */
export type LoginState = 'standby' | 'starting' | 'waiting_login' | 'logged_in' | 'stopped';

/** The little of wechaty's API we use (its own .d.ts files do not type-check). */
interface ContactLike {
  id: string;
  name(): string;
  say(text: string): Promise<unknown>;
}
interface RoomLike {
  id: string;
  topic(): Promise<string>;
  say(text: string, ...mentions: ContactLike[]): Promise<unknown>;
}
interface MessageLike {
  id: string;
  type(): number;
  text(): string;
  self(): boolean;
  age(): number;
  talker(): ContactLike;
  room(): RoomLike | undefined;
  mentionSelf(): Promise<boolean>;
  mentionText(): Promise<string>;
}
interface WechatyLike {
  on(event: string, listener: (...args: any[]) => unknown): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
  currentUser: ContactLike;
  Contact: { find(query: { id: string }): Promise<ContactLike | undefined> };
  Room: { find(query: { id: string }): Promise<RoomLike | undefined> };
  Message: { Type: { Text: number } };
}

export interface SessionOptions {
  name: string;
  puppetName?: string;
  puppetToken?: string;
  retryMinMs: number;
  retryMaxMs: number;
  log: Logger;
  puppet?: () => unknown | Promise<unknown>;
  printQr?: (qr: string) => void;
  onMessage: (message: WechatyMessageData) => Promise<void>;
}

const LOG = 'wechaty';

/**
 * One Wechaty login: imports wechaty (≈2 s, so only when this instance holds the lease), builds
 * the puppet, shows the QR code, restarts with backoff when starting fails, and turns wechaty's
 * Message objects into plain data for the pure mapping.
 */
export class WechatySession {
  state: LoginState = 'starting';
  qr?: string;
  private bot?: WechatyLike;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: SessionOptions) {}

  start(): void {
    void this.launch(this.o.retryMinMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    clearTimeout(this.retry);
    await this.bot?.stop().catch((err: unknown) => this.o.log.warn({ err }, `${LOG}: stopping failed`));
    this.bot = undefined;
  }

  /** Sends one text; in a room, `mention` @-mentions the asker. */
  async say(target: WechatyTarget, text: string, mention: boolean): Promise<void> {
    const bot = this.bot;
    if (!bot) throw new Error(`${LOG}: not started`);
    if (target.kind === 'contact') {
      const contact = await bot.Contact.find({ id: target.contactId });
      if (!contact) throw new DeliveryFailed('wechaty', 'contact_not_found', `${LOG}: contact ${target.contactId} not found (no longer a friend?)`);
      await contact.say(text);
      return;
    }
    const room = await bot.Room.find({ id: target.roomId });
    if (!room) throw new DeliveryFailed('wechaty', 'room_not_found', `${LOG}: room ${target.roomId} not found (bot removed from the group?)`);
    const asker = mention && target.mentionId ? await bot.Contact.find({ id: target.mentionId }) : undefined;
    await (asker ? room.say(text, asker) : room.say(text));
  }

  private async launch(delayOnFailure: number): Promise<void> {
    if (this.stopped) return;
    this.state = 'starting';
    try {
      const started = performance.now();
      const { WechatyBuilder } = await import('wechaty');
      const puppet = this.o.puppet ? await this.o.puppet() : this.o.puppetName;
      const options = { name: this.o.name, puppet, puppetOptions: this.o.puppetToken ? { token: this.o.puppetToken } : undefined };
      const bot = WechatyBuilder.build(options as Parameters<typeof WechatyBuilder.build>[0]) as unknown as WechatyLike;
      this.wire(bot);
      this.bot = bot;
      await bot.start();
      if (this.state === 'starting') this.state = 'waiting_login';
      this.o.log.info({ ms: Math.round(performance.now() - started) }, `${LOG}: started, waiting for login`);
    } catch (err) {
      if (this.stopped) return;
      this.o.log.error({ err, retryInMs: delayOnFailure }, `${LOG}: start failed, retrying`);
      const failed = this.bot;
      this.bot = undefined;
      await failed?.stop().catch(() => undefined);
      this.retry = setTimeout(() => void this.launch(Math.min(delayOnFailure * 2, this.o.retryMaxMs)), delayOnFailure);
      this.retry.unref();
    }
  }

  private wire(bot: WechatyLike): void {
    bot.on('scan', (qr: string, status: number) => {
      if (this.state !== 'logged_in') this.state = 'waiting_login';
      this.qr = qr;
      this.o.log.info({ status }, `${LOG}: scan the QR code to log in`);
      (this.o.printQr ?? printQrToConsole)(qr);
    });
    bot.on('login', (user: ContactLike) => {
      this.state = 'logged_in';
      this.qr = undefined;
      this.o.log.info({ user: user.id }, `${LOG}: logged in`);
    });
    bot.on('logout', (user: ContactLike, reason?: string) => {
      if (!this.stopped) this.state = 'starting';
      this.o.log.warn({ user: user?.id, reason }, `${LOG}: logged out`);
    });
    bot.on('error', (err: unknown) => this.o.log.error({ err }, `${LOG}: puppet error`));
    bot.on('message', (message: MessageLike) => {
      void this.toData(bot, message)
        .then((data) => this.o.onMessage(data))
        .catch((err: unknown) => this.o.log.error({ err }, `${LOG}: handling a message failed`));
    });
  }

  private async toData(bot: WechatyLike, m: MessageLike): Promise<WechatyMessageData> {
    const room = m.room();
    const talker = m.talker();
    return {
      id: m.id,
      isText: m.type() === bot.Message.Type.Text,
      text: m.text(),
      self: m.self(),
      ageSeconds: m.age(),
      talker: { id: talker.id, name: talker.name() },
      room: room ? { id: room.id, topic: await room.topic() } : undefined,
      mentionsSelf: room ? await m.mentionSelf() : false,
      textWithoutMention: room ? await m.mentionText() : undefined,
      bot: { id: bot.currentUser.id, name: bot.currentUser.name() },
    };
  }
}

/** The QR code as terminal art, so an operator can scan it from the server's console. */
function printQrToConsole(qr: string): void {
  import('qrcode')
    .then(({ default: QRCode }) => QRCode.toString(qr, { type: 'terminal', small: true }))
    .then((art) => process.stdout.write(`\n微信扫码登录 Scan with WeChat to log in:\n${art}\n`))
    .catch(() => process.stdout.write(`\n微信扫码登录 Scan with WeChat to log in: ${qr}\n`));
}
