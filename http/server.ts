import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from '../log/logger.ts';
import { errorBody } from './errors.ts';
import { MAX_JSON_DEPTH, tooDeep } from './json-limits.ts';
import { restifyLogger } from './restify-log.ts';
import { appendHeader, baselineSecurityHeaders } from './security-headers.ts';

const CORS_HEADERS = 'Authorization, Content-Type, x-ms-bot-agent, X-Requested-With, x-ms-conversation-id';

/**
 * The restify server with what every route shares: CORS, body size limits, one JSON error shape,
 * and a log line for every failed request. Routes are added by their owners.
 */
export interface ServerOptions {
  /** Comma-separated origins allowed by CORS, or "*". */
  corsOrigins: string;
  maxBodyBytes: number;
}

export function createServer(options: ServerOptions, log: Logger): Server {
  const server = restify.createServer({
    name: 'line-one',
    handleUncaughtExceptions: false,
    ignoreTrailingSlash: true,
    // restify's own lines go through the masked logger, without credentials (it would log raw headers).
    log: restifyLogger(log) as unknown as NonNullable<restify.ServerOptions['log']>,
  });
  const allowed = options.corsOrigins.split(',').map((o) => o.trim());

  server.pre(serverTiming);
  server.pre(baselineSecurityHeaders);
  server.pre((req: Request, res: Response, next: (err?: false) => void) => {
    const origin = req.header('origin');
    if (origin && (allowed.includes('*') || allowed.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', allowed.includes('*') ? '*' : origin);
    }
    // Answers differ with the Origin (CORS headers or none): shared caches must keep them apart.
    appendHeader(res, 'Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', CORS_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.writeHead(204);
      res.end();
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // jsonBodyParser hands its options to bodyReader, which enforces maxBodySize (chunked bodies too).
  const bodyLimit = { maxBodySize: options.maxBodyBytes };
  server.use(restify.plugins.jsonBodyParser({ mapParams: false, ...bodyLimit }));
  // Nothing Line One accepts nests deeper than this; deeper values break serialisers downstream.
  server.use((req: Request, res: Response, next: (err?: false) => void) => {
    if (req.body === null || typeof req.body !== 'object' || !tooDeep(req.body)) return next();
    log.warn({ method: req.method, url: req.url, status: 400 }, 'http: request rejected: JSON nested too deep');
    res.send(400, errorBody('BadArgument', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
    return next(false);
  });

  // restify's own errors (bad JSON, too large, no route, wrong method) get the same shape.
  server.on('restifyError', (req: Request, _res: Response, err: RestifyError, callback: () => void) => {
    const code = String(err.body?.code ?? err.name ?? 'Error').replace(/Error$/, '');
    err.toJSON = () => errorBody(code, err.message || code);
    err.toString = () => JSON.stringify(errorBody(code, err.message || code));
    const status = err.statusCode ?? 500;
    (status >= 500 ? log.error.bind(log) : log.warn.bind(log))({ err, method: req.method, url: req.url, status }, 'http: request rejected');
    return callback();
  });
  return server;
}

interface RestifyError extends Error {
  statusCode?: number;
  body?: { code?: string };
  toJSON?: () => unknown;
}

/**
 * Adds `Server-Timing: app;dur=<ms>` to every response: the time spent inside this process, which
 * benchmarks and browser dev tools read without guessing at network and client overhead.
 */
export function serverTiming(_req: Request, res: Response, next: () => void): void {
  const started = performance.now();
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
    if (!res.headersSent) res.setHeader('Server-Timing', `app;dur=${(performance.now() - started).toFixed(2)}`);
    return writeHead.apply(this, args);
  } as Response['writeHead'];
  return next();
}
