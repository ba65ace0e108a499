import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from '../log/logger.ts';
import { HttpError, tooManyRequests } from './errors.ts';

/** One named limit: at most `points` within `durationSeconds` per key (a fixed window). */
export interface LimitRule {
  name: string;
  points: number;
  durationSeconds: number;
}

export interface Limiter {
  readonly rule: LimitRule;
  /** Counts one request against the key; throws a 429 HttpError (with Retry-After) beyond the limit. */
  consume(key: string, points?: number): Promise<void>;
}

/**
 * Rate limits through rate-limiter-flexible: counted in Redis when it is configured, so a limit holds
 * across every instance behind the load balancer; in memory otherwise. If Redis fails, each instance
 * falls back to its own memory count (insurance) rather than letting everything through.
 */
export class RateLimits {
  private constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix: string,
  ) {}

  static memory(): RateLimits {
    return new RateLimits(undefined, 'lineone:rl');
  }

  static async redis(url: string, log: Logger, prefix = 'lineone:rl'): Promise<RateLimits> {
    // The default export: the same class from source and from the server bundle (whose lazy chunks export CommonJS as default only).
    const { default: Redis } = await import('ioredis');
    // Fail fast: a limit check must not hang a request while Redis is away (insurance answers then).
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
    client.on('error', (err: Error) => log.warn({ err }, 'http: rate-limit Redis error; limits fall back to this instance'));
    await client.connect();
    return new RateLimits(client, prefix);
  }

  limiter(rule: LimitRule): Limiter {
    const options = { keyPrefix: `${this.prefix}:${rule.name}`, points: rule.points, duration: rule.durationSeconds };
    const memory = new RateLimiterMemory(options);
    const store: RateLimiterAbstract = this.redis
      ? new RateLimiterRedis({ ...options, storeClient: this.redis, rejectIfRedisNotReady: true, insuranceLimiter: memory })
      : memory;
    return {
      rule,
      async consume(key, points = 1) {
        try {
          await store.consume(key, points);
        } catch (err) {
          if (err instanceof RateLimiterRes) throw tooManyRequests(err.msBeforeNext / 1000, `too many requests (${rule.name}): try again later`);
          if (err instanceof HttpError) throw err;
          throw err;
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}
