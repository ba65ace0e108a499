import type { Kysely } from 'kysely';
import type { Logger } from '../../log/logger.ts';
import type { TokenProvider } from './api-client.ts';
import type { WechatTables } from './schema.ts';

/** How a channel obtains a new access_token (stable_token for the OA, gettoken for WeCom). */
export interface TokenSource {
  /** Row key in wechat_tokens, e.g. "oa:wx123" or "kf:ww456". */
  name: string;
  fetch(force: boolean): Promise<{ token: string; expiresInSeconds: number }>;
}

export interface TokenCacheOptions {
  /** Fetch a new token this long before the old one expires. */
  refreshMarginMs?: number;
  /** How long one instance may hold the right to fetch before others may try. */
  leaseMs?: number;
  pollMs?: number;
}

/**
 * The access_token, cached centrally in the database so every instance uses the same one: WeChat
 * allows few fetches a day, and a fetch can invalidate the token other instances hold. Refreshed
 * before it expires; concurrent refreshes collapse to one (in process: one shared promise; across
 * instances: a lease on the row, the others wait for the new token).
 */
export class AccessTokenCache implements TokenProvider {
  private cached?: { token: string; expiresAt: number };
  private pending?: Promise<string>;
  private readonly margin: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: Kysely<WechatTables>,
    private readonly source: TokenSource,
    private readonly log: Logger,
    options: TokenCacheOptions = {},
  ) {
    this.margin = options.refreshMarginMs ?? 5 * 60_000;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.pollMs = options.pollMs ?? 100;
  }

  async get(): Promise<string> {
    if (this.cached && this.cached.expiresAt - this.margin > Date.now()) return this.cached.token;
    return (this.pending ??= this.load(undefined).finally(() => (this.pending = undefined)));
  }

  async refresh(stale: string): Promise<string> {
    if (this.cached?.token === stale) this.cached = undefined;
    return (this.pending ??= this.load(stale).finally(() => (this.pending = undefined)));
  }

  /** The stored token unless it is stale or about to expire; else fetch one under the lease. */
  private async load(stale: string | undefined): Promise<string> {
    const name = this.source.name;
    const giveUpAt = Date.now() + 3 * this.leaseMs;
    await this.db
      .insertInto('wechat_tokens')
      .values({ name, token: '', expires_at: new Date(0).toISOString(), lease_until: null, updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    for (;;) {
      const usable = await this.usable(stale);
      if (usable) return usable;
      if (await this.takeLease()) {
        // Another instance may have stored a fresh token between our read and the lease.
        const fresh = await this.usable(stale);
        if (fresh) {
          await this.db.updateTable('wechat_tokens').set({ lease_until: null }).where('name', '=', name).execute();
          return fresh;
        }
        return this.fetchUnderLease(stale !== undefined);
      }
      if (Date.now() > giveUpAt) throw new Error(`wechat-token: gave up waiting for another instance to refresh ${name}`);
      await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    }
  }

  /** The stored token when it is neither the refused one nor about to expire. */
  private async usable(stale: string | undefined): Promise<string | undefined> {
    const row = await this.db.selectFrom('wechat_tokens').selectAll().where('name', '=', this.source.name).executeTakeFirstOrThrow();
    const expiresAt = Date.parse(row.expires_at);
    if (!row.token || row.token === stale || expiresAt - this.margin <= Date.now()) return undefined;
    this.cached = { token: row.token, expiresAt };
    return row.token;
  }

  private async takeLease(): Promise<boolean> {
    const now = new Date();
    const result = await this.db
      .updateTable('wechat_tokens')
      .set({ lease_until: new Date(now.getTime() + this.leaseMs).toISOString() })
      .where('name', '=', this.source.name)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now.toISOString())]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async fetchUnderLease(force: boolean): Promise<string> {
    const name = this.source.name;
    try {
      const fetched = await this.source.fetch(force);
      const expiresAt = Date.now() + fetched.expiresInSeconds * 1000;
      await this.db
        .updateTable('wechat_tokens')
        .set({ token: fetched.token, expires_at: new Date(expiresAt).toISOString(), lease_until: null, updated_at: new Date().toISOString() })
        .where('name', '=', name)
        .execute();
      this.cached = { token: fetched.token, expiresAt };
      this.log.info({ name, expiresInSeconds: fetched.expiresInSeconds, force }, 'wechat-token: fetched a new access_token');
      return fetched.token;
    } catch (err) {
      await this.db.updateTable('wechat_tokens').set({ lease_until: null }).where('name', '=', name).execute();
      throw err;
    }
  }
}
