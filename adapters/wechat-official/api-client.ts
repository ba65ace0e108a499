import { z } from 'zod';
import type { Logger } from '../../log/logger.ts';

/**
 * A thin client for WeChat's JSON APIs (api.weixin.qq.com, qyapi.weixin.qq.com), whose base URL
 * is configurable so tests and staging can stand a recorder in for WeChat. It adds the
 * access_token, refreshes it once when WeChat says it is stale, and sorts failures into two kinds:
 * WechatApiUnavailable (network, 5xx, "system busy": try again later) and WechatApiError (WeChat
 * answered with an errcode: the caller decides).
 */
export class WechatApiError extends Error {
  override name = 'WechatApiError';
  constructor(
    readonly code: number,
    readonly errmsg: string,
    readonly path: string,
  ) {
    super(`wechat-api: ${path} answered errcode ${code} (${errmsg})`);
  }
}

export class WechatApiUnavailable extends Error {
  override name = 'WechatApiUnavailable';
}

/** Where the current access_token comes from (see token-cache.ts). */
export interface TokenProvider {
  get(): Promise<string>;
  /** The given token was refused: get a fresh one (once for all callers). */
  refresh(stale: string): Promise<string>;
}

/** errcodes that mean "this access_token is no good": 40001 invalid, 40014 malformed, 42001 expired. */
const STALE_TOKEN = new Set([40001, 40014, 42001]);
/** -1: "系统繁忙，此时请开发者稍候再试". */
const BUSY = -1;

const errorShape = z.object({ errcode: z.number().optional(), errmsg: z.string().optional() }).loose();

export interface ApiClientOptions {
  baseUrl: string;
  log: Logger;
  /** Log prefix: the channel using this client. */
  subsystem: string;
  timeoutMs?: number;
}

export class WechatApiClient {
  constructor(
    private readonly o: ApiClientOptions,
    private readonly tokens?: TokenProvider,
  ) {}

  /** POST (or GET without a body) with the access_token; one refresh-and-retry on a stale token. */
  async call<T>(path: string, body: unknown, shape: z.ZodType<T>): Promise<T> {
    if (!this.tokens) throw new Error(`${this.o.subsystem}: no token provider for ${path}`);
    const token = await this.tokens.get();
    try {
      return await this.request(path, { access_token: token }, body, shape);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !STALE_TOKEN.has(err.code)) throw err;
      this.o.log.warn({ path, errcode: err.code }, `${this.o.subsystem}: access_token refused, refreshing once`);
      const fresh = await this.tokens.refresh(token);
      return this.request(path, { access_token: fresh }, body, shape);
    }
  }

  /** One request without token handling (token endpoints use this). Throws on any errcode ≠ 0. */
  async request<T>(path: string, query: Record<string, string>, body: unknown, shape: z.ZodType<T>): Promise<T> {
    const url = new URL(path, this.o.baseUrl);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    let response: Response;
    try {
      response = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? undefined : { 'Content-Type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
    } catch (cause) {
      throw new WechatApiUnavailable(`${this.o.subsystem}: ${path} unreachable (${(cause as Error).message})`, { cause });
    }
    if (response.status >= 500) throw new WechatApiUnavailable(`${this.o.subsystem}: ${path} answered HTTP ${response.status}`);
    let json: unknown;
    try {
      json = await response.json();
    } catch (cause) {
      throw new WechatApiUnavailable(`${this.o.subsystem}: ${path} answered HTTP ${response.status} without JSON`, { cause });
    }
    const error = errorShape.safeParse(json);
    const errcode = error.success ? (error.data.errcode ?? 0) : 0;
    if (errcode === BUSY) throw new WechatApiUnavailable(`${this.o.subsystem}: ${path} is busy (errcode -1)`);
    if (errcode !== 0) throw new WechatApiError(errcode, (error.success && error.data.errmsg) || '', path);
    const parsed = shape.safeParse(json);
    if (!parsed.success) throw new WechatApiUnavailable(`${this.o.subsystem}: ${path} answered an unexpected shape: ${parsed.error.message}`);
    return parsed.data;
  }
}
