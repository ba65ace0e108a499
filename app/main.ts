import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Server } from 'restify';
import { anonymousAllowed, botFrameworkProactive, createCloudAdapter, registerMessagesEndpoint } from '../adapters/botframework/messages-endpoint.ts';
import { ServiceUrlPolicy } from '../adapters/botframework/service-url.ts';
import { ChannelRegistry } from '../adapters/registry.ts';
import { CHANNEL_ID as DIRECTLINE_CHANNEL } from '../adapters/webchat/mapping.ts';
import { DirectLineChannel } from '../adapters/webchat/directline.ts';
import { type ConversationHub, LocalConversationHub } from '../adapters/webchat/hub.ts';
import { RedisConversationHub } from '../adapters/webchat/redis-hub.ts';
import { ConversationStore } from '../adapters/webchat/store.ts';
import { DirectLineStreams } from '../adapters/webchat/stream.ts';
import { TokenService } from '../adapters/webchat/token.ts';
import type { KnowledgePort } from '../bot/knowledge-port.ts';
import { createBot } from '../bot/create-bot.ts';
import { BOT_NAME } from '../bot/messages.ts';
import { type Db, openDatabase } from '../storage/database.ts';
import { SqlKeyValueStore } from '../storage/kv.ts';
import { getOrCreateSecret } from '../storage/secrets.ts';
import { type KeepConversations, keepNothing, keyValueRetention, RetentionJob } from '../storage/retention.ts';
import { directLineRetention } from '../adapters/webchat/retention.ts';
import { type Config, ConfigError, embeddingsFrom, loadConfig, readEnvironment } from './config.ts';
import { InFlight } from './inflight.ts';
import { SCHEMAS } from './schemas.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { createServer } from '../http/server.ts';
import { RateLimits } from '../http/rate-limit.ts';
import { registerStatic } from './static.ts';

export interface App {
  url: string;
  server: Server;
  db: Db;
  log: Logger;
  knowledge: KnowledgePort;
  /** Sends into any stored conversation reference, whatever its channel. */
  channels: ChannelRegistry;
  /** Deletes transcripts and bot state older than RETENTION_DAYS (on its timer; runOnce for an immediate pass). */
  retention: RetentionJob;
  close(): Promise<void>;
}

export interface StartOptions {
  log?: Logger;
  /** Where the built widget and demo page are (default web/dist). */
  distDir?: string;
  /** An already-open knowledge base (tests share one between apps). */
  knowledge?: KnowledgePort;
}

const SHUTDOWN_GRACE_MS = 10_000;

/** The composition root: builds every part from the validated config, wires them, listens. */
export async function startApp(config: Config, options: StartOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const started = performance.now();
  const db = await openDatabase(config.DATABASE_URL, SCHEMAS);
  // Tokens are signed with a key of their own, kept in the database so every instance shares it; the
  // Direct Line secret (a master credential for site back-ends) exists only when configured.
  const signingKey = await getOrCreateSecret(db.kysely, 'directline-token-signing');
  const knowledge =
    options.knowledge ??
    (await (await import('../knowledge/open.ts')).openKnowledge(log, { indexDir: config.KB_INDEX_DIR, embeddings: embeddingsFrom(config) }));

  const bot = createBot({ store: new SqlKeyValueStore(db.kysely), knowledge, log });
  const onTurnError = bot.onTurnError;
  const inFlight = new InFlight();

  // Counted in Redis when configured, so a limit holds across every instance.
  const limits = config.REDIS_URL ? await RateLimits.redis(config.REDIS_URL, log) : RateLimits.memory();
  const perMinute = (name: string, points: number) => limits.limiter({ name, points, durationSeconds: 60 });

  const server = createServer({ corsOrigins: config.CORS_ORIGINS, maxBodyBytes: config.MAX_BODY_BYTES }, log);
  let accepting = true;
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    return next();
  });
  server.get('/readyz', async (_req, res) => {
    const database = await db.ping();
    const ready = accepting && database;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', database, bot: accepting });
  });
  registerStatic(server, options.distDir ?? fileURLToPath(new URL('../web/dist', import.meta.url)), { frameAncestors: config.FRAME_ANCESTORS });

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
  cloudAdapter.onTurnError = onTurnError;
  const channels = new ChannelRegistry().registerFallback(botFrameworkProactive(cloudAdapter, config.MicrosoftAppId));
  registerMessagesEndpoint(server, {
    adapter: cloudAdapter,
    logic: bot.run,
    log,
    track: inFlight.track,
    hostedChannel: (id) => channels.hosts(id),
    policy: serviceUrls,
    anonymous: !config.MicrosoftAppId,
    acceptAnonymous: anonymousAllowed(config.HOST, config.TRUST_PROXY.kind !== 'none', config.BOTFRAMEWORK_ANONYMOUS),
    limit: perMinute('bf-address', config.BOTFRAMEWORK_REQUESTS_PER_MINUTE),
    trust: config.TRUST_PROXY,
  });

  const store = new ConversationStore(db.kysely, log);
  const hub: ConversationHub = config.REDIS_URL ? await RedisConversationHub.connect(config.REDIS_URL, log) : new LocalConversationHub();
  const tokens = new TokenService(signingKey, config.DIRECTLINE_TOKEN_TTL_SECONDS, undefined, config.DIRECTLINE_SECRET);
  const botAccount = { id: 'line-one', name: BOT_NAME, role: 'bot' };
  const directLine = new DirectLineChannel({
    botAccount, store, hub, tokens, log, bot: bot.run, onTurnError, track: inFlight.track,
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
    trust: config.TRUST_PROXY,
    publicUrl: config.PUBLIC_URL,
    listenHost: config.HOST,
  });
  directLine.register(server);
  channels.register(DIRECTLINE_CHANNEL, directLine.adapter);
  const streams = new DirectLineStreams({
    store, hub, tokens, log,
    trust: config.TRUST_PROXY,
    limits: {
      bufferBytes: config.DIRECTLINE_STREAM_BUFFER_BYTES,
      stallMs: config.DIRECTLINE_STREAM_STALL_SECONDS * 1000,
      perConversation: config.DIRECTLINE_STREAMS_PER_CONVERSATION,
      perAddress: config.DIRECTLINE_STREAMS_PER_ADDRESS,
    },
  });
  streams.attach(server.server);

  // Conversations linked to an open ticket must outlive the retention period: the tickets module plugs in here.
  const keepConversations: KeepConversations = keepNothing;
  const retention = new RetentionJob({
    days: config.RETENTION_DAYS,
    intervalMs: config.RETENTION_INTERVAL_MINUTES * 60_000,
    tasks: [directLineRetention(db.kysely, keepConversations), keyValueRetention(db.kysely, keepConversations, botStateConversation)],
    log,
  });
  retention.start();

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
      const drained = await inFlight.drain(SHUTDOWN_GRACE_MS);
      if (!drained) log.warn({ pending: inFlight.size }, 'app: shutdown grace period over with turns still running');
      server.server.closeAllConnections();
      await stopped;
      await retention.stop();
      await hub.close();
      await limits.close();
      serviceUrls.close();
      await db.close();
      log.info('app: stopped');
    })());
  return { url, server, db, log, knowledge, channels, retention, close };
}

/** botbuilder keeps conversation state under `${channelId}/conversations/${conversationId}/…`. */
function botStateConversation(key: string): { channelId: string; conversationId: string } | undefined {
  const match = /^([^/]+)\/conversations\/([^/]+)\//.exec(key);
  return match?.[1] && match[2] ? { channelId: match[1], conversationId: match[2] } : undefined;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
  const app = await startApp(config);
  process.stdout.write(`\n  企业服务一号线已启动 Line One is up: ${app.url}\n\n`);
  // SIGHUP re-reads knowledge/content and swaps the index in place; turns in flight keep the old one.
  process.on('SIGHUP', () => {
    const kb = app.knowledge as Partial<{ reload(): Promise<unknown> }>;
    if (!kb.reload) return;
    app.log.info('app: reloading the knowledge base');
    kb.reload().then(
      (info) => app.log.info({ info }, 'app: knowledge base reloaded'),
      (err: unknown) => app.log.error({ err }, 'app: knowledge reload failed; still serving the previous index'),
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'app: shutting down');
      app.close().then(() => process.exit(0), (err) => {
        app.log.error({ err }, 'app: shutdown failed');
        process.exit(1);
      });
    });
  }
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'app: unhandled rejection'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`line-one failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
