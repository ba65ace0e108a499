// npm run desk:accounts: create the next accounts, reset a password (the way back in), disable, list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeskCli } from '../../desk/accounts-cli.ts';
import { AccountStore } from '../../desk/auth/accounts.ts';
import { verifyPassword } from '../../desk/auth/passwords.ts';
import { deskSchema } from '../../desk/schema.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { ticketsSchema } from '../../tickets/store/schema.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

describe('desk accounts CLI', () => {
  let target: TestDatabase;
  let db: Db;
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
  const run = (...args: string[]) => runDeskCli(args, db.kysely, ['hrss', 'tax'], io);

  beforeAll(async () => {
    target = sqliteDatabase();
    db = await openDatabase(target.url, [ticketsSchema, deskSchema]); // the desk indexes the tickets table
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it('creates an account with a printed temporary password that must be changed', async () => {
    expect(await run('create', 'clerk-li', 'handler', '--department', 'hrss', '--name', '李科员')).toBe(0);
    const password = /temporary password[^:]*: (\S+)/.exec(out.join(''))?.[1] as string;
    const account = await new AccountStore(db.kysely).byUsername('clerk-li');
    expect(account).toMatchObject({ role: 'handler', department: 'hrss', displayName: '李科员', mustChangePassword: true });
    expect(await verifyPassword(password, account!.passwordHash)).toBe(true);
    expect(await run('create', 'clerk-li', 'agent')).toBe(1);
    expect(await run('create', 'clerk-zhao', 'handler')).toBe(1);
    expect(await run('create', 'x', 'wizard')).toBe(2);
  });

  it('resets a locked account and lists everyone', async () => {
    const store = new AccountStore(db.kysely);
    const account = (await store.byUsername('clerk-li'))!;
    await store.recordFailure(account.id, 1, 3_600_000);
    out.length = 0;
    expect(await run('reset', 'clerk-li')).toBe(0);
    expect((await store.byUsername('clerk-li'))!.lockedUntil).toBeNull();
    expect(await run('disable', 'clerk-li')).toBe(0);
    out.length = 0;
    expect(await run('list')).toBe(0);
    expect(out.join('')).toContain('clerk-li\t承办单位\thrss\t李科员\t已停用');
    expect(await run('reset', 'nobody')).toBe(1);
  });
});
