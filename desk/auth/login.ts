// Signing in. One generic answer for a wrong user name or password (nothing tells which); every failure is counted
// on the account, which locks for a while after `maxFailures`; every attempt is also counted per client address.
// Unknown user names are counted the same way in memory, so "locked" does not reveal that a name exists.
import { HttpError } from '../../http/errors.ts';
import type { Limiter } from '../../http/rate-limit.ts';
import type { Logger } from '../../log/logger.ts';
import { type Account, type AccountStore, userOf } from './accounts.ts';
import { spendVerifyTime, verifyPassword } from './passwords.ts';
import type { DeskUser } from './roles.ts';
import type { OpenedSession, SessionStore } from './sessions.ts';

export interface LoginPolicy {
  maxFailures: number;
  lockMs: number;
}

export const LOGIN_FAILED = '用户名或密码错误';
export const lockedMessage = (minutes: number) => `登录失败次数过多，账号已临时锁定，请 ${minutes} 分钟后再试或联系管理员`;

const loginFailed = () => new HttpError(401, 'LoginFailed', LOGIN_FAILED);
const locked = (until: number, now: number) =>
  new HttpError(429, 'AccountLocked', lockedMessage(Math.max(1, Math.ceil((until - now) / 60_000))), {
    'Retry-After': String(Math.max(1, Math.ceil((until - now) / 1000))),
  });

export interface LoginDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  /** Attempts per client address (429 beyond). */
  perAddress: Limiter;
  policy: LoginPolicy;
  log: Pick<Logger, 'info' | 'warn'>;
  clock?: () => Date;
}

const MAX_TRACKED_NAMES = 10_000;

export class LoginService {
  private readonly now: () => Date;
  /** Failures per unknown user name on this instance: the same lock as a real account's. */
  private readonly unknown = new Map<string, { failures: number; lockedUntil: number }>();

  constructor(private readonly deps: LoginDeps) {
    this.now = deps.clock ?? (() => new Date());
  }

  async login(username: string, password: string, address: string): Promise<{ user: DeskUser; session: OpenedSession }> {
    await this.deps.perAddress.consume(address);
    const now = this.now().getTime();
    const account = await this.deps.accounts.byUsername(username);
    if (!account) return this.unknownName(username, password, address, now);
    const lockedUntil = account.lockedUntil ? Date.parse(account.lockedUntil) : 0;
    if (lockedUntil > now) {
      this.deps.log.warn({ account: account.id, address }, 'desk: sign-in refused: account locked');
      throw locked(lockedUntil, now);
    }
    const good = await verifyPassword(password, account.passwordHash);
    if (!good || account.disabled) {
      if (!good) {
        const nowLocked = await this.deps.accounts.recordFailure(account.id, this.deps.policy.maxFailures, this.deps.policy.lockMs);
        this.deps.log.warn({ account: account.id, address, failures: account.failedLogins + 1, locked: nowLocked }, 'desk: sign-in failed: wrong password');
        if (nowLocked) throw locked(now + this.deps.policy.lockMs, now);
      } else this.deps.log.warn({ account: account.id, address }, 'desk: sign-in refused: account disabled');
      throw loginFailed();
    }
    await this.deps.accounts.recordSuccess(account.id);
    const session = await this.deps.sessions.open(account.id);
    this.deps.log.info({ account: account.id, role: account.role }, 'desk: signed in');
    return { user: userOf(account as Account), session };
  }

  private async unknownName(username: string, password: string, address: string, now: number): Promise<never> {
    await spendVerifyTime(password);
    const key = username.toLowerCase();
    const entry = this.unknown.get(key) ?? { failures: 0, lockedUntil: 0 };
    if (entry.lockedUntil > now) throw locked(entry.lockedUntil, now);
    entry.failures++;
    if (entry.failures >= this.deps.policy.maxFailures) entry.lockedUntil = now + this.deps.policy.lockMs;
    this.unknown.delete(key);
    this.unknown.set(key, entry);
    if (this.unknown.size > MAX_TRACKED_NAMES) this.unknown.delete(this.unknown.keys().next().value as string);
    this.deps.log.warn({ address }, 'desk: sign-in failed: unknown user name');
    if (entry.lockedUntil > now) {
      entry.failures = 0;
      throw locked(entry.lockedUntil, now);
    }
    throw loginFailed();
  }
}
