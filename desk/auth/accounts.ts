// Desk accounts: who can sign in, with which role and (for a handler) which department. Passwords are stored only as
// argon2id hashes; failed sign-ins are counted on the account and lock it for a while at the limit.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AccountRow, DeskTables } from '../schema.ts';
import { hashPassword } from './passwords.ts';
import type { DeskUser, Role } from './roles.ts';

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  department: string | null;
  mustChangePassword: boolean;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface NewAccount {
  username: string;
  displayName: string;
  role: Role;
  department?: string | null;
  password: string;
  /** A password someone else chose must be replaced at first sign-in (default true). */
  mustChangePassword?: boolean;
}

export class AccountExistsError extends Error {
  override name = 'AccountExistsError';
}

export class AccountStore {
  private readonly db: Kysely<DeskTables>;

  constructor(
    db: Kysely<any>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = db as Kysely<DeskTables>;
  }

  async create(input: NewAccount): Promise<Account> {
    const at = this.clock().toISOString();
    const row: AccountRow = {
      id: randomUUID(),
      username: input.username,
      display_name: input.displayName,
      role: input.role,
      department: input.role === 'handler' ? (input.department ?? null) : null,
      password_hash: await hashPassword(input.password),
      must_change_password: input.mustChangePassword === false ? 0 : 1,
      disabled: 0,
      failed_logins: 0,
      locked_until: null,
      last_login_at: null,
      created_at: at,
      updated_at: at,
    };
    if (await this.byUsername(input.username)) throw new AccountExistsError(`desk: user name "${input.username}" is taken`);
    try {
      await this.db.insertInto('desk_accounts').values(row).execute();
    } catch (err) {
      // Two creations racing on the same name: the unique index decides.
      if (await this.byUsername(input.username)) throw new AccountExistsError(`desk: user name "${input.username}" is taken`);
      throw err;
    }
    return toAccount(row);
  }

  async byUsername(username: string): Promise<(Account & { passwordHash: string }) | undefined> {
    const row = await this.db.selectFrom('desk_accounts').selectAll().where('username', '=', username).executeTakeFirst();
    return row && { ...toAccount(row), passwordHash: row.password_hash };
  }

  async byId(id: string): Promise<(Account & { passwordHash: string }) | undefined> {
    const row = await this.db.selectFrom('desk_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...toAccount(row), passwordHash: row.password_hash };
  }

  async list(): Promise<Account[]> {
    const rows = await this.db.selectFrom('desk_accounts').selectAll().orderBy('role').orderBy('username').execute();
    return rows.map(toAccount);
  }

  async countAdmins(): Promise<number> {
    const row = await this.db
      .selectFrom('desk_accounts')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async update(id: string, patch: { displayName?: string; role?: Role; department?: string | null; disabled?: boolean }): Promise<void> {
    const set: Partial<AccountRow> = { updated_at: this.clock().toISOString() };
    if (patch.displayName !== undefined) set.display_name = patch.displayName;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.department !== undefined) set.department = patch.department;
    if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
    await this.db.updateTable('desk_accounts').set(set).where('id', '=', id).execute();
  }

  /** A new password; `mustChange` when an administrator set it for someone else. Unlocks the account. */
  async setPassword(id: string, password: string, mustChange: boolean): Promise<void> {
    await this.db
      .updateTable('desk_accounts')
      .set({
        password_hash: await hashPassword(password),
        must_change_password: mustChange ? 1 : 0,
        failed_logins: 0,
        locked_until: null,
        updated_at: this.clock().toISOString(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Counts a wrong password; at `max` the account locks until `lockMs` from now. Returns whether it is now locked. */
  async recordFailure(id: string, max: number, lockMs: number): Promise<boolean> {
    const now = this.clock();
    const row = await this.db.selectFrom('desk_accounts').select(['failed_logins']).where('id', '=', id).executeTakeFirst();
    const failures = Number(row?.failed_logins ?? 0) + 1;
    const lock = failures >= max ? new Date(now.getTime() + lockMs).toISOString() : null;
    // A lock starts a new count: after it runs out, the next wrong password does not lock again at once.
    await this.db
      .updateTable('desk_accounts')
      .set({ failed_logins: lock ? 0 : failures, ...(lock ? { locked_until: lock } : {}), updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    return lock !== null;
  }

  async recordSuccess(id: string): Promise<void> {
    const at = this.clock().toISOString();
    await this.db.updateTable('desk_accounts').set({ failed_logins: 0, locked_until: null, last_login_at: at }).where('id', '=', id).execute();
  }
}

export function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role as Role,
    department: r.department,
    mustChangePassword: Number(r.must_change_password) === 1,
    disabled: Number(r.disabled) === 1,
    failedLogins: Number(r.failed_logins),
    lockedUntil: r.locked_until,
    lastLoginAt: r.last_login_at,
    createdAt: r.created_at,
  };
}

export function userOf(account: Account): DeskUser {
  return {
    id: account.id,
    username: account.username,
    name: account.displayName,
    role: account.role,
    department: account.role === 'handler' ? account.department : null,
    mustChangePassword: account.mustChangePassword,
    via: 'session',
  };
}
