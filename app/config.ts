import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { parseAllowed } from '../adapters/botframework/service-url.ts';
import { parseProxyTrust } from '../http/client-address.ts';

/**
 * The one place that reads the environment. Every setting is declared here, documented in
 * .env.example, and validated before anything starts: a bad value stops start-up with a message
 * naming the variable and what was expected.
 */
const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const positiveInt = z.coerce.number().int().positive();
const originList = z.string().transform((value, ctx) => {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    try {
      parseAllowed(entry);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `comma-separated origins like https://bot.example.gov.cn or https://*.example.com (${(err as Error).message})` });
    }
  }
  return entries;
});
const proxyTrust = z.string().transform((value, ctx) => {
  try {
    return parseProxyTrust(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `false, true, a number of proxies, or proxy addresses/CIDRs (${(err as Error).message})` });
    return z.NEVER;
  }
});

/** A JSON object of strings, e.g. menu CLICK keys → the text the bot should see. */
const jsonRecord = z.string().transform((text, ctx) => {
  try {
    const value = z.record(z.string(), z.string()).parse(JSON.parse(text));
    return value;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'a JSON object of strings, e.g. {"MENU_SOCIAL":"社保"}' });
    return z.NEVER;
  }
});

const databaseUrl = z.string().refine((v) => /^(sqlite:|file:|postgres(ql)?:\/\/)/.test(v), 'sqlite:<path>, file:<path> or postgres://user@host:port/db');

const schema = z.object({
  PORT: port.default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url().optional().describe('https://bot.example.gov.cn'),
  DATABASE_URL: databaseUrl.default('sqlite:data/lineone.db'),
  DATABASE_SYNC: z.enum(['normal', 'full']).default('normal'),
  DATABASE_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(100).default(0),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'redis://host:port')
    .optional(),
  MicrosoftAppId: z.string().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  MicrosoftAppTenantId: z.string().optional(),
  BOTFRAMEWORK_ANONYMOUS: bool.default(false),
  BOTFRAMEWORK_SERVICE_URLS: originList.default([]),
  BOTFRAMEWORK_OPENID_METADATA_URL: z.url().optional(),
  DIRECTLINE_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  DIRECTLINE_TOKEN_TTL_SECONDS: positiveInt.max(86_400).default(3600),
  DIRECTLINE_ANONYMOUS: bool.default(true),
  DIRECTLINE_STARTS_PER_MINUTE: positiveInt.default(60),
  DIRECTLINE_STARTS_GLOBAL_PER_MINUTE: positiveInt.default(1200),
  DIRECTLINE_REFRESHES_PER_MINUTE: positiveInt.default(10),
  DIRECTLINE_MESSAGES_PER_MINUTE: positiveInt.default(30),
  DIRECTLINE_MESSAGES_PER_ADDRESS_PER_MINUTE: positiveInt.default(300),
  DIRECTLINE_MAX_ACTIVITIES: positiveInt.default(1000),
  DIRECTLINE_STREAM_BUFFER_BYTES: positiveInt.min(16 * 1024).default(256 * 1024),
  DIRECTLINE_STREAM_STALL_SECONDS: positiveInt.default(30),
  DIRECTLINE_STREAMS_PER_CONVERSATION: positiveInt.default(3),
  DIRECTLINE_STREAMS_PER_ADDRESS: positiveInt.default(50),
  RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(180),
  RETENTION_INTERVAL_MINUTES: positiveInt.max(7 * 24 * 60).default(60),
  BOTFRAMEWORK_REQUESTS_PER_MINUTE: positiveInt.default(600),
  TRUST_PROXY: proxyTrust.default(parseProxyTrust('false')),
  CORS_ORIGINS: z.string().default('*'),
  // Keywords with or without their quotes (.env parsers strip single quotes): self, 'self', none.
  FRAME_ANCESTORS: z
    .string()
    .transform((v) =>
      v
        .trim()
        .split(/\s+/)
        .map((t) => (/^'?(self|none)'?$/i.test(t) ? `'${t.replace(/'/g, '').toLowerCase()}'` : t))
        .join(' '),
    )
    .pipe(
      z.string().regex(/^(?:'none'|(?:'self'|https?:\/\/[^\s;,']+)(?: (?:'self'|https?:\/\/[^\s;,']+))*)$/, 'none, or self and/or origins separated by spaces'),
    )
    .default("'self'"),
  MAX_BODY_BYTES: positiveInt.max(10 * 1024 * 1024).default(64 * 1024),
  KB_INDEX_DIR: z.string().min(1).default('data/index'),
  DESK_ADMIN_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  DESK_ADMIN_USERNAME: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{3,32}$/, '3–32 letters, digits, dot, dash or underscore')
    .optional(),
  DESK_ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters (changed at first sign-in)').optional(),
  DESK_SESSION_IDLE_MINUTES: positiveInt.max(24 * 60).default(30),
  DESK_SESSION_MAX_HOURS: positiveInt.max(7 * 24).default(12),
  DESK_LOGIN_MAX_FAILURES: positiveInt.max(100).default(5),
  DESK_LOGIN_LOCK_MINUTES: positiveInt.max(24 * 60).default(15),
  DESK_LOGIN_ATTEMPTS_PER_ADDRESS: positiveInt.default(100),
  DESK_LIVE_WAIT_SECONDS: positiveInt.max(3600).default(120),
  DESK_LIVE_IDLE_MINUTES: positiveInt.max(24 * 60).default(30),
  DESK_COOKIE_SECURE: bool.optional(),
  TICKETS_OVERDUE_INTERVAL_SECONDS: positiveInt.max(86_400).default(300),
  TICKETS_CATEGORIES_FILE: z.string().min(1).optional(),
  TICKETS_SLA_FILE: z.string().min(1).optional(),
  TICKETS_CALENDAR_DIR: z.string().min(1).optional(),
  OUTBOX_POLL_MS: positiveInt.max(60_000).default(500),
  OUTBOX_SENDER: bool.default(true),
  WECHAT_OA_TOKEN: z.string().optional(),
  WECHAT_OA_APPID: z.string().optional(),
  WECHAT_OA_SECRET: z.string().optional(),
  WECHAT_OA_AESKEY: z.string().optional(),
  WECHAT_OA_MENU_CLICKS: jsonRecord.optional().describe('{"MENU_SOCIAL":"社保"}'),
  WECHAT_API_BASE: z.url().default('https://api.weixin.qq.com'),
  WECHAT_KF_CORPID: z.string().optional(),
  WECHAT_KF_SECRET: z.string().optional(),
  WECHAT_KF_TOKEN: z.string().optional(),
  WECHAT_KF_AESKEY: z.string().optional(),
  WECHAT_KF_OPEN_KFID: z.string().optional(),
  WECHAT_KF_API_BASE: z.url().default('https://qyapi.weixin.qq.com'),
  WECHATY_PUPPET: z.string().optional(),
  WECHATY_PUPPET_SERVICE_TOKEN: z.string().optional(),
  WECHATY_PACE_MS: z.coerce.number().int().min(0).max(60_000).default(1200),
  KB_EMBEDDINGS_URL: z.url().optional().describe('http://127.0.0.1:8080/v1'),
  KB_EMBEDDINGS_MODEL: z.string().min(1).default('bge-m3'),
  KB_EMBEDDINGS_API_KEY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof schema>;

/** Every setting's name (the documentation test checks each is in .env.example and the README). */
export const SETTING_NAMES = Object.keys(schema.shape);

/** A channel is on when its settings are complete; half a channel's settings is a mistake worth stopping for. */
const CHANNEL_SETTINGS = {
  'WeChat Official Account': ['WECHAT_OA_TOKEN', 'WECHAT_OA_APPID', 'WECHAT_OA_SECRET'],
  'WeChat customer service (微信客服)': ['WECHAT_KF_CORPID', 'WECHAT_KF_SECRET', 'WECHAT_KF_TOKEN', 'WECHAT_KF_AESKEY', 'WECHAT_KF_OPEN_KFID'],
} as const;

/** The desk's settings (desk/index.ts). The session cookie is Secure when the public URL is https, unless set. */
export function deskSettingsFrom(config: Config) {
  return {
    adminToken: config.DESK_ADMIN_TOKEN,
    firstAdmin:
      config.DESK_ADMIN_USERNAME && config.DESK_ADMIN_PASSWORD ? { username: config.DESK_ADMIN_USERNAME, password: config.DESK_ADMIN_PASSWORD } : undefined,
    sessionIdleMinutes: config.DESK_SESSION_IDLE_MINUTES,
    sessionMaxHours: config.DESK_SESSION_MAX_HOURS,
    loginMaxFailures: config.DESK_LOGIN_MAX_FAILURES,
    loginLockMinutes: config.DESK_LOGIN_LOCK_MINUTES,
    loginAttemptsPerAddress: config.DESK_LOGIN_ATTEMPTS_PER_ADDRESS,
    liveWaitSeconds: config.DESK_LIVE_WAIT_SECONDS,
    liveIdleMinutes: config.DESK_LIVE_IDLE_MINUTES,
    cookieSecure: config.DESK_COOKIE_SECURE ?? config.PUBLIC_URL?.startsWith('https:') ?? false,
  };
}

/** The knowledge base's dense channel: the local model unless an embeddings endpoint is configured. */
export function embeddingsFrom(config: Config) {
  return config.KB_EMBEDDINGS_URL
    ? { kind: 'openai' as const, baseUrl: config.KB_EMBEDDINGS_URL, model: config.KB_EMBEDDINGS_MODEL, apiKey: config.KB_EMBEDDINGS_API_KEY }
    : { kind: 'local' as const };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads `.env` (when present) under the real environment, which wins. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Record<string, string | undefined> {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return { ...fromFile, ...env };
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) {
    const partial = Object.entries(CHANNEL_SETTINGS).flatMap(([channel, names]) => {
      const missing = names.filter((n) => !result.data[n]);
      return missing.length > 0 && missing.length < names.length ? [`  ${channel}: set ${missing.join(', ')} too (or none of its settings)`] : [];
    });
    if (partial.length > 0) throw new ConfigError(`config: incomplete channel settings\n${partial.join('\n')}`);
    if (!result.data.DESK_ADMIN_USERNAME !== !result.data.DESK_ADMIN_PASSWORD)
      throw new ConfigError('config: set DESK_ADMIN_USERNAME and DESK_ADMIN_PASSWORD together (the first desk administrator), or neither');
    return result.data;
  }
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    return `  ${name}=${JSON.stringify(present[name] ?? '')}: ${issue.message}`;
  });
  throw new ConfigError(`config: invalid setting(s)\n${lines.join('\n')}`);
}
