import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Server } from 'restify';
import { anonymousAllowed, botFrameworkProactive, createCloudAdapter, registerMessagesEndpoint } from '../adapters/botframework/messages-endpoint.ts';
import { ServiceUrlPolicy } from '../adapters/botframework/service-url.ts';
import { ChannelRegistry } from '../adapters/registry.ts';
import { DirectLineChannel } from '../adapters/webchat/directline.ts';
import { type ConversationHub, LocalConversationHub } from '../adapters/webchat/hub.ts';
import { CHANNEL_ID as DIRECTLINE_CHANNEL } from '../adapters/webchat/mapping.ts';
import { RedisConversationHub } from '../adapters/webchat/redis-hub.ts';
import { directLineRetention } from '../adapters/webchat/retention.ts';
import { ConversationStore } from '../adapters/webchat/store.ts';
import { DirectLineStreams } from '../adapters/webchat/stream.ts';
import { TokenService } from '../adapters/webchat/token.ts';
import { type Bot, createBot } from '../bot/create-bot.ts';
import type { KnowledgePort } from '../bot/knowledge-port.ts';
import { BOT_NAME } from '../bot/messages.ts';
import type { Notice } from '../bot/notices.ts';
import { type Desk, startDesk } from '../desk/index.ts';
import { liveRetention } from '../desk/live/retention.ts';
import { RateLimits } from '../http/rate-limit.ts';
import { createServer } from '../http/server.ts';
import { TurnLog, turnLogRetention } from '../insights/turn-log.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { DeliveryFailed } from '../outbox/errors.ts';
import { enqueueOutboxMessage, OutboxStore, outboxRetention } from '../outbox/store.ts';
import { type Db, openDatabase } from '../storage/database.ts';
import { GroupCommitter } from '../storage/group-commit.ts';
import { SqlKeyValueStore } from '../storage/kv.ts';
import { type KeepConversations, keyValueRetention, RetentionJob } from '../storage/retention.ts';
import { getOrCreateSecret } from '../storage/secrets.ts';
import { inUnitOfWork, type UnitOfWork } from '../storage/unit-of-work.ts';
import { openTickets, type Tickets } from '../tickets/index.ts';
import { startWechatChannels, type WechatChannels } from './channels.ts';
import { chatTickets } from './chat-tickets.ts';
import { type Config, deskSettingsFrom, embeddingsFrom } from './config.ts';
import { outboxNotices, outboxSender } from './delivery.ts';
import { InFlight } from './inflight.ts';
import { SCHEMAS } from './schemas.ts';
import { registerStatic } from './static.ts';
import { fromRoot } from '../lib/paths.ts';

export interface App {
  url: string;
  server: Server;
  db: Db;
  log: Logger;
  knowledge: KnowledgePort;
  tickets: Tickets;
  bot: Bot;
  /** Sends into any stored conversation reference, whatever its channel. */
  channels: ChannelRegistry;
  outbox: OutboxStore;
  wechat: WechatChannels;
  /** The agents' console: accounts, live conversations (接管), live updates, the dashboard. */
  desk: Desk;
  /** Deletes transcripts and bot state older than RETENTION_DAYS (on its timer; runOnce for an immediate pass). */
  retention: RetentionJob;
  /** Resolves when no turn is running (what tests wait on instead of sleeping). */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Where the built widget and demo page are (default web/dist). */
  distDir?: string;
  /** An already-open knowledge base (tests share one between apps). */
  knowledge?: KnowledgePort;
  /** Run the outbox sender (default true; a test may hold messages to inspect them first). */
  deliver?: boolean;
  /** Builds the Wechaty puppet (tests: a PuppetMock) instead of WECHATY_PUPPET. */
  wechatyPuppet?: () => unknown;
}

const SHUTDOWN_GRACE_MS = 10_000;

/** Tickets taken at the desk by phone: there is no chat to write into, so their notices fail at once for an agent to call. */
const PHONE_CHANNEL = 'phone';
const phoneChannel = {
  continueConversation: async () => {
    throw new DeliveryFailed(PHONE_CHANNEL, 'no_chat', 'outbox: the requester was taken by phone; an agent must call them');
  },
};

/** The composition root: builds every part from the validated config, wires them, listens. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const db = await openDatabase(config.DATABASE_URL, SCHEMAS, { sync: config.DATABASE_SYNC });
  // With DATABASE_GROUP_COMMIT_MS, turns arriving together share one commit (one disk sync under FULL).
  const grouped = config.DATABASE_GROUP_COMMIT_MS > 0 ? new GroupCommitter(db.kysely, { windowMs: config.DATABASE_GROUP_COMMIT_MS, maxGroup: 64 }) : undefined;
  const commit = grouped ? grouped.commit : (unit: UnitOfWork) => unit.commit(db.kysely);
  // Tokens are signed with a key of their own, kept in the database so every instance shares it; the
  // Direct Line secret (a master credential for site back-ends) exists only when configured.
  const signingKey = await getOrCreateSecret(db.kysely, 'directline-token-signing');
  const knowledge =
    options.knowledge ??
    (await (await import('../knowledge/open.ts')).openKnowledge(log, { indexDir: config.KB_INDEX_DIR, embeddings: embeddingsFrom(config) }));

  // Tickets and the outbox: every notice is written with its ticket change, then sent by the outbox.
  const outbox = new OutboxStore(db.kysely, db.engine);
  let wakeOutbox = () => undefined as void;
  let desk: Desk | undefined;
  const tickets = await openTickets({
    db: db.kysely,
    notices: outboxNotices(() => wakeOutbox()),
    log,
    categoriesFile: config.TICKETS_CATEGORIES_FILE,
    slaFile: config.TICKETS_SLA_FILE,
    calendarDir: config.TICKETS_CALENDAR_DIR,
    // Beside the knowledge index: both are derived from the repository's content and rebuilt when it changes.
    modelDir: resolve(config.KB_INDEX_DIR, '..', 'models'),
    overdueIntervalMs: config.TICKETS_OVERDUE_INTERVAL_SECONDS * 1000,
    onChanged: (change) => desk?.ticketChanged(change),
  });
  const inFlight = new InFlight();

  // Counted in Redis when configured, so a limit holds across every instance.
  const limits = config.REDIS_URL ? await RateLimits.redis(config.REDIS_URL, log) : RateLimits.memory();
  const perMinute = (name: string, points: number) => limits.limiter({ name, points, durationSeconds: 60 });

  const server = createServer({ corsOrigins: config.CORS_ORIGINS, maxBodyBytes: config.MAX_BODY_BYTES }, log);
  let accepting = true;
  let channelStatus: () => Record<string, string> = () => ({});
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  server.get('/readyz', async (_req, res) => {
    const database = await db.ping();
    const ready = accepting && database;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', database, bot: accepting, ...channelStatus() });
  });
  const distDir = options.distDir ?? fromRoot('web/dist');
  registerStatic(server, distDir, { frameAncestors: config.FRAME_ANCESTORS });

  // The desk: agents, departments and supervisors; it owns a conversation while an agent talks to the user live.
  desk = await startDesk(server, {
    db: db.kysely,
    engine: db.engine,
    tickets,
    log,
    settings: deskSettingsFrom(config),
    limiter: limits.limiter.bind(limits),
    trust: config.TRUST_PROXY,
    wakeOutbox: () => wakeOutbox(),
    redisUrl: config.REDIS_URL,
    distDir: join(distDir, 'desk'),
    // The desk's words to a user (agent joined, an agent's message, agent left, no agent) are bot notices in the outbox.
    tellUser: async (trx, to, notice) =>
      void (await enqueueOutboxMessage(trx, {
        channelId: to.channelId,
        userKey: `${to.channelId}:${to.userId}`,
        reference: to.reference,
        payload: notice satisfies Notice,
      })),
  });
  const liveDesk = desk;
  // A user who asked for a person (转人工) gets a ticket, and waits a while for an agent to take the chat live.
  const chatPort = chatTickets(tickets);
  const ticketPort: typeof chatPort = {
    ...chatPort,
    async create(requester, draft) {
      const receipt = await chatPort.create(requester, draft);
      if (draft.reason === 'human_request')
        await liveDesk.requestLive({ channelId: requester.channelId, userId: requester.userId, reference: requester.reference, ticketNumber: receipt.number });
      return receipt;
    },
  };
  const bot = createBot({
    store: new SqlKeyValueStore(db.kysely),
    knowledge,
    tickets: ticketPort,
    log,
    recorder: new TurnLog(db.kysely),
    ownership: desk.ownership,
  });

  // Channels: Bot Framework for the channels Azure brings, and the ones Line One hosts itself.
  const serviceUrls = new ServiceUrlPolicy({ extra: config.BOTFRAMEWORK_SERVICE_URLS });
  const cloudAdapter = createCloudAdapter(
    {
      appId: config.MicrosoftAppId,
      password: config.MicrosoftAppPassword,
      type: config.MicrosoftAppType,
      tenantId: config.MicrosoftAppTenantId,
      openIdMetadataUrl: config.BOTFRAMEWORK_OPENID_METADATA_URL,
    },
    serviceUrls,
  );
  cloudAdapter.onTurnError = bot.onTurnError;
  const channels = new ChannelRegistry().registerFallback(botFrameworkProactive(cloudAdapter, config.MicrosoftAppId));
  registerMessagesEndpoint(server, {
    adapter: cloudAdapter,
    // The turn's state and its record in bot_turns commit together, once (they were two commits).
    logic: (context) => inUnitOfWork(context.turnState, commit, () => bot.run(context)),
    log,
    track: inFlight.track,
    hostedChannel: (id) => channels.hosts(id),
    policy: serviceUrls,
    anonymous: !config.MicrosoftAppId,
    acceptAnonymous: anonymousAllowed(config.HOST, config.TRUST_PROXY.kind !== 'none', config.BOTFRAMEWORK_ANONYMOUS),
    limit: perMinute('bf-address', config.BOTFRAMEWORK_REQUESTS_PER_MINUTE),
    trust: config.TRUST_PROXY,
  });

  const store = new ConversationStore(db.kysely, log, config.DIRECTLINE_MAX_ACTIVITIES);
  const hub: ConversationHub = config.REDIS_URL ? await RedisConversationHub.connect(config.REDIS_URL, log) : new LocalConversationHub();
  const tokens = new TokenService(signingKey, config.DIRECTLINE_TOKEN_TTL_SECONDS, undefined, config.DIRECTLINE_SECRET);
  const botAccount = { id: 'line-one', name: BOT_NAME, role: 'bot' };
  const directLine = new DirectLineChannel({
    botAccount,
    store,
    hub,
    tokens,
    log,
    bot: bot.run,
    onTurnError: bot.onTurnError,
    track: inFlight.track,
    commit,
    allowAnonymous: config.DIRECTLINE_ANONYMOUS,
    limits: {
      startsPerAddress: perMinute('dl-starts-address', config.DIRECTLINE_STARTS_PER_MINUTE),
      startsGlobal: perMinute('dl-starts-global', config.DIRECTLINE_STARTS_GLOBAL_PER_MINUTE),
      refreshes: perMinute('dl-refresh', config.DIRECTLINE_REFRESHES_PER_MINUTE),
      messagesPerConversation: perMinute('dl-messages-conversation', config.DIRECTLINE_MESSAGES_PER_MINUTE),
      messagesPerAddress: perMinute('dl-messages-address', config.DIRECTLINE_MESSAGES_PER_ADDRESS_PER_MINUTE),
    },
    maxActivities: config.DIRECTLINE_MAX_ACTIVITIES,
    onTokenRefreshed: (conversationId, exp) => streams.extend(conversationId, exp),
    onTyping: (conversationId) => liveDesk.userTyping(DIRECTLINE_CHANNEL, conversationId),
    trust: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
    listenHost: config.HOST,
  });
  directLine.register(server);
  channels.register(DIRECTLINE_CHANNEL, directLine.adapter);
  channels.register(PHONE_CHANNEL, phoneChannel);
  const streams = new DirectLineStreams({
    store,
    hub,
    tokens,
    log,
    trust: config.TRUST_PROXY,
    limits: {
      bufferBytes: config.DIRECTLINE_STREAM_BUFFER_BYTES,
      stallMs: config.DIRECTLINE_STREAM_STALL_SECONDS * 1000,
      perConversation: config.DIRECTLINE_STREAMS_PER_CONVERSATION,
      perAddress: config.DIRECTLINE_STREAMS_PER_ADDRESS,
    },
  });
  streams.attach(server.server);

  // Conversations with an open ticket outlive the retention period: the agent may still need the transcript.
  const keepConversations: KeepConversations = (channelId, ids) => tickets.lookups.conversationsWithOpenTickets(channelId, ids);
  const retention = new RetentionJob({
    days: config.RETENTION_DAYS,
    intervalMs: config.RETENTION_INTERVAL_MINUTES * 60_000,
    tasks: [
      directLineRetention(db.kysely, keepConversations),
      keyValueRetention(db.kysely, keepConversations, botStateConversation),
      outboxRetention(db.kysely),
      turnLogRetention(db.kysely),
      liveRetention(db.kysely, keepConversations),
    ],
    log,
  });
  retention.start();

  const wechat = await startWechatChannels({
    config,
    db: db.kysely,
    log,
    server,
    channels,
    bot: bot.run,
    onTurnError: bot.onTurnError,
    track: inFlight.track,
    wechatyPuppet: options.wechatyPuppet,
    onInbound: (signal) => void outbox.release(`${signal.channel}:${signal.userId}`).then((n) => n > 0 && sender.wake()),
    onUndelivered: (undelivered) => {
      const reference = { channelId: undelivered.channel, conversation: { id: undelivered.conversationId }, user: { id: undelivered.userId } };
      void outbox
        .enqueue({
          channelId: undelivered.channel,
          userKey: `${undelivered.channel}:${undelivered.userId}`,
          reference,
          payload: { kind: 'texts', texts: undelivered.texts },
        })
        .then(
          () => sender.wake(),
          (err: unknown) => log.error({ err, channelId: undelivered.channel }, 'app: could not keep undelivered replies'),
        );
    },
  });
  channelStatus = wechat.status;

  const sender = outboxSender(outbox, channels, bot, log, config.OUTBOX_POLL_MS);
  // A ticket change commits right after it writes its notice: look a moment later rather than at the next poll.
  wakeOutbox = () => void setTimeout(() => sender.wake(), 20).unref();
  if (config.OUTBOX_SENDER && options.deliver !== false) sender.start();
  tickets.watcher.start();

  server.listen(config.PORT, config.HOST);
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;
  log.info({ url, database: db.engine, startupMs: Math.round(performance.now() - started) }, 'app: listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      accepting = false;
      const stopped = new Promise<void>((resolve) => server.server.close(() => resolve()));
      streams.close();
      await liveDesk.close();
      const drained = await inFlight.drain(SHUTDOWN_GRACE_MS);
      if (!drained) log.warn({ pending: inFlight.size }, 'app: shutdown grace period over with turns still running');
      await grouped?.drain();
      await sender.stop();
      await tickets.watcher.stop();
      await wechat.close();
      server.server.closeAllConnections();
      await stopped;
      await retention.stop();
      await hub.close();
      await limits.close();
      serviceUrls.close();
      await db.close();
      log.info('app: stopped');
    })());
  const settled = async () => void (await inFlight.drain(SHUTDOWN_GRACE_MS));
  return { url, server, db, log, knowledge, tickets, bot, channels, outbox, wechat, desk: liveDesk, retention, settled, close };
}

/** botbuilder keeps conversation state under `${channelId}/conversations/${conversationId}/…`. */
function botStateConversation(key: string): { channelId: string; conversationId: string } | undefined {
  const match = /^([^/]+)\/conversations\/([^/]+)\//.exec(key);
  return match?.[1] && match[2] ? { channelId: match[1], conversationId: match[2] } : undefined;
}
