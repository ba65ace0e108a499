import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log/logger.ts';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const LEVELS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Headers that carry credentials: dropped from anything restify logs. */
const DROPPED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-ms-token']);

/** What restify calls on its `log` option (bunyan's shape, which pino shares). */
export interface RestifyLog {
  trace(...args: unknown[]): boolean | void;
  debug(...args: unknown[]): boolean | void;
  info(...args: unknown[]): boolean | void;
  warn(...args: unknown[]): boolean | void;
  error(...args: unknown[]): boolean | void;
  fatal(...args: unknown[]): boolean | void;
  child(bindings: Record<string, unknown>): RestifyLog;
  level(): string;
}

/**
 * restify's own log lines (throttling, "error in formatter", discarded handler values) routed through
 * Line One's masked logger: a request becomes method, URL and headers without credentials, a
 * response its status; every string then passes the masker like any other log line. Without this,
 * restify logs to stdout through a pino of its own, unmasked, raw headers and Bearer tokens included.
 */
export function restifyLogger(log: Logger): RestifyLog {
  const adapter = {} as RestifyLog;
  for (const level of LEVELS) {
    adapter[level] = (...args: unknown[]) => {
      if (args.length === 0) return log.isLevelEnabled(level); // bunyan: log.trace() asks "is trace on?"
      const [first, ...rest] = args;
      if (first !== null && typeof first === 'object' && !(first instanceof Error)) {
        log[level](sanitize(first as Record<string, unknown>), ...(rest as [string, ...unknown[]]));
      } else if (first instanceof Error) {
        log[level]({ err: first }, ...(rest as [string, ...unknown[]]));
      } else {
        (log[level] as (msg: string, ...args: unknown[]) => void)(String(first), ...rest);
      }
    };
  }
  adapter.child = (bindings) => restifyLogger(log.child(sanitize({ ...bindings, component: 'restify' })));
  adapter.level = () => log.level;
  return adapter;
}

function sanitize(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'req' && value && typeof value === 'object') out.req = describeRequest(value as IncomingMessage);
    else if (key === 'res' && value && typeof value === 'object') out.res = { statusCode: (value as ServerResponse).statusCode };
    else if (DROPPED_HEADERS.has(key.toLowerCase())) continue;
    else if (key === 'headers' && value && typeof value === 'object') out.headers = safeHeaders(value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

function describeRequest(req: IncomingMessage): Record<string, unknown> {
  return { method: req.method, url: req.url, headers: safeHeaders(req.headers ?? {}), remoteAddress: req.socket?.remoteAddress };
}

function safeHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !DROPPED_HEADERS.has(name.toLowerCase())));
}
