// Signed-in sessions. The cookie carries a random token; the database keeps only its SHA-256, the session's CSRF
// token, and its two clocks: idle (no request for `idleMs`) and absolute (`maxMs` after sign-in), whichever comes
// first. Each instance reads the same table, so a session works behind any replica.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DeskTables, SessionRow } from '../schema.ts';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface LiveSession {
  id: string;
  accountId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** last_seen_at is written at most this often: idle expiry is exact to about this much. */
const TOUCH_EVERY_MS = 30_000;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionStore {
  private readonly db: Kysely<DeskTables>;

  constructor(
    db: Kysely<any>,
    private readonly policy: SessionPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = db as Kysely<DeskTables>;
  }

  async open(accountId: string): Promise<OpenedSession> {
    const now = this.clock();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.policy.maxMs);
    const row: SessionRow = {
      id: hashToken(token),
      account_id: accountId,
      csrf_token: csrfToken,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    };
    await this.db.insertInto('desk_sessions').values(row).execute();
    return { token, csrfToken, expiresAt };
  }

  /**
   * The session behind a cookie token, refreshed (unless `touch` is false: a page's event stream checks its session
   * without keeping it alive); undefined (and deleted) when it has expired either way.
   */
  async find(token: string, touch = true): Promise<LiveSession | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const id = hashToken(token);
    const row = await this.db.selectFrom('desk_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const now = this.clock();
    const lastSeen = Date.parse(row.last_seen_at);
    if (Date.parse(row.expires_at) <= now.getTime() || lastSeen + this.policy.idleMs <= now.getTime()) {
      await this.db.deleteFrom('desk_sessions').where('id', '=', id).execute();
      return undefined;
    }
    if (touch && now.getTime() - lastSeen >= TOUCH_EVERY_MS)
      await this.db.updateTable('desk_sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', id).execute();
    return { id, accountId: row.account_id, csrfToken: row.csrf_token, expiresAt: new Date(row.expires_at) };
  }

  /** Signs one session out, by its id (the token's hash). */
  async close(id: string): Promise<void> {
    await this.db.deleteFrom('desk_sessions').where('id', '=', id).execute();
  }

  /** Signs the account out everywhere (password changed, account disabled), except the session `keep` if given. */
  async closeAll(accountId: string, keep?: string): Promise<void> {
    let query = this.db.deleteFrom('desk_sessions').where('account_id', '=', accountId);
    if (keep) query = query.where('id', '!=', keep);
    await query.execute();
  }

  /** Deletes sessions past either clock (a housekeeping pass; find() also refuses them). */
  async purge(): Promise<number> {
    const now = this.clock();
    const idleSince = new Date(now.getTime() - this.policy.idleMs).toISOString();
    const result = await this.db
      .deleteFrom('desk_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now.toISOString()), eb('last_seen_at', '<=', idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
