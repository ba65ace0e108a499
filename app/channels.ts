import type { Kysely } from 'kysely';
import type { Server } from 'restify';
import type { InboundSignal, UndeliveredReplies } from '../adapters/delivery-signals.ts';
import type { ChannelRegistry } from '../adapters/registry.ts';
import type { Bot } from '../bot/create-bot.ts';
import type { Logger } from '../log/logger.ts';
import type { Config } from './config.ts';

/** What every self-hosted channel needs from the composition root. */
export interface ChannelDeps {
  config: Config;
  db: Kysely<any>;
  log: Logger;
  server: Server;
  channels: ChannelRegistry;
  bot: Bot['run'];
  onTurnError: Bot['onTurnError'];
  track: <T>(work: Promise<T>) => Promise<T>;
  /** A user wrote: the outbox releases what it held for them. */
  onInbound: (signal: InboundSignal) => void;
  /** Replies a channel could not send in their turn: the outbox takes them over. */
  onUndelivered: (replies: UndeliveredReplies) => void;
  /** Builds the Wechaty puppet instead of loading WECHATY_PUPPET by name (tests: a PuppetMock). */
  wechatyPuppet?: () => unknown;
}

export interface WechatChannels {
  /** The Wechaty channel when it runs (its login state and QR code for an admin page). */
  wechaty?: { loginState: string; qrCode?: string };
  /** Readiness facts for /readyz (e.g. whether the Wechaty account is logged in). */
  status(): Record<string, string>;
  close(): Promise<void>;
}

/**
 * The WeChat channels the configuration turns on, each registered for proactive messages under its channel id.
 * Wechaty (and its ~300 packages) is imported only when WECHATY_PUPPET is set.
 */
export async function startWechatChannels(deps: ChannelDeps): Promise<WechatChannels> {
  const { config, db, log, server, channels } = deps;
  const common = { db, log, bot: deps.bot, onTurnError: deps.onTurnError, track: deps.track };
  const closers: Array<() => Promise<void> | void> = [];
  const status: Record<string, () => string> = {};
  let wechatyChannel: WechatChannels['wechaty'];

  if (config.WECHAT_OA_TOKEN && config.WECHAT_OA_APPID && config.WECHAT_OA_SECRET) {
    const { WechatOfficialChannel } = await import('../adapters/wechat-official/official-account.ts');
    const { CHANNEL_ID } = await import('../adapters/wechat-official/inbound.ts');
    const oa = new WechatOfficialChannel({
      ...common,
      token: config.WECHAT_OA_TOKEN,
      appId: config.WECHAT_OA_APPID,
      appSecret: config.WECHAT_OA_SECRET,
      encodingAesKey: config.WECHAT_OA_AESKEY,
      apiBase: config.WECHAT_API_BASE,
      menuClicks: config.WECHAT_OA_MENU_CLICKS ?? {},
    });
    oa.register(server);
    oa.onInbound(deps.onInbound);
    oa.onUndelivered(deps.onUndelivered);
    channels.register(CHANNEL_ID, oa);
    closers.push(() => oa.close());
    log.info('app: WeChat Official Account callback at /wechat/official');
  }

  if (config.WECHAT_KF_CORPID && config.WECHAT_KF_SECRET && config.WECHAT_KF_TOKEN && config.WECHAT_KF_AESKEY && config.WECHAT_KF_OPEN_KFID) {
    const { WechatKfChannel } = await import('../adapters/wechat-kf/kf-channel.ts');
    const { CHANNEL_ID } = await import('../adapters/wechat-kf/payloads.ts');
    const kf = new WechatKfChannel({
      ...common,
      corpId: config.WECHAT_KF_CORPID,
      secret: config.WECHAT_KF_SECRET,
      token: config.WECHAT_KF_TOKEN,
      encodingAesKey: config.WECHAT_KF_AESKEY,
      openKfId: config.WECHAT_KF_OPEN_KFID,
      apiBase: config.WECHAT_KF_API_BASE,
    });
    kf.register(server);
    kf.onInbound(deps.onInbound);
    kf.onUndelivered(deps.onUndelivered);
    channels.register(CHANNEL_ID, kf);
    closers.push(() => kf.close());
    log.info('app: WeChat customer service (微信客服) callback at /wechat/kf');
  }

  if (config.WECHATY_PUPPET || deps.wechatyPuppet) {
    const { WechatyChannel } = await import('../adapters/wechaty/wechaty-channel.ts');
    const { CHANNEL_ID } = await import('../adapters/wechaty/mapping.ts');
    const wechaty = new WechatyChannel({
      ...common,
      puppetName: config.WECHATY_PUPPET,
      puppetToken: config.WECHATY_PUPPET_SERVICE_TOKEN,
      paceMs: config.WECHATY_PACE_MS,
      puppet: deps.wechatyPuppet,
      printQr: deps.wechatyPuppet ? () => undefined : undefined,
    });
    wechaty.onInbound(deps.onInbound);
    wechaty.onUndelivered(deps.onUndelivered);
    channels.register(CHANNEL_ID, wechaty);
    await wechaty.start();
    closers.push(() => wechaty.close());
    status.wechaty = () => wechaty.loginState;
    wechatyChannel = wechaty;
  }

  return {
    get wechaty() {
      return wechatyChannel;
    },
    status: () => Object.fromEntries(Object.entries(status).map(([k, f]) => [k, f()])),
    async close() {
      for (const close of closers.reverse()) await close();
    },
  };
}
