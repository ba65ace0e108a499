// Desk accounts from the command line (app/desk-cli.ts opens the database and calls this):
//   create <username> <agent|handler|supervisor|admin> [--department <code>] [--name <姓名>]
//   reset <username>        a new temporary password; unlocks the account and signs it out everywhere
//   disable <username> | enable <username>
//   list
// Temporary passwords are generated, printed once, and must be changed at the first sign-in.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AccountExistsError, AccountStore } from './auth/accounts.ts';
import { ROLE_LABELS, ROLES, type Role } from './auth/roles.ts';
import { SessionStore } from './auth/sessions.ts';

export const DESK_CLI_USAGE =
  'usage: npm run desk:accounts -- create <username> <role> [--department <code>] [--name <姓名>] | reset <username> | disable <username> | enable <username> | list';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** 16 characters from an unambiguous alphabet plus a digit and a symbol: passes the password rules. */
export function temporaryPassword(): string {
  const body = Array.from({ length: 14 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${body}${randomInt(10)}!`;
}

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

/** Runs one command; returns the exit code (0 ok, 1 refused, 2 usage). `departments`: the catalogue's codes. */
export async function runDeskCli(args: readonly string[], db: Kysely<any>, departments: readonly string[], io: CliIo): Promise<number> {
  const [command, username] = args;
  const accounts = new AccountStore(db);
  const sessions = new SessionStore(db, { idleMs: 1, maxMs: 1 });
  if (command === 'list') {
    for (const a of await accounts.list()) {
      io.out(
        `${a.username}\t${ROLE_LABELS[a.role]}\t${a.department ?? ''}\t${a.displayName}\t${a.disabled ? '已停用' : a.mustChangePassword ? '待改密' : '正常'}\n`,
      );
    }
    return 0;
  }
  if (!username || !['create', 'reset', 'disable', 'enable'].includes(command ?? '')) {
    io.err(`${DESK_CLI_USAGE}\n`);
    return 2;
  }
  if (command === 'create') {
    const role = args[2] as Role;
    if (!ROLES.includes(role)) {
      io.err(`desk: role must be one of ${ROLES.join(', ')}\n`);
      return 2;
    }
    const department = option(args, 'department');
    if (!/^[a-zA-Z0-9._-]{3,32}$/.test(username)) {
      io.err('desk: user names are 3–32 letters, digits, dot, dash or underscore\n');
      return 1;
    }
    if (role === 'handler' && (!department || !departments.includes(department))) {
      io.err(`desk: a handler needs --department, one of ${departments.join(', ')}\n`);
      return 1;
    }
    const password = temporaryPassword();
    try {
      await accounts.create({ username, displayName: option(args, 'name') ?? username, role, department, password, mustChangePassword: true });
    } catch (err) {
      if (!(err instanceof AccountExistsError)) throw err;
      io.err(`desk: user name "${username}" is taken\n`);
      return 1;
    }
    io.out(`created ${username} (${ROLE_LABELS[role]}); temporary password, to be changed at the first sign-in: ${password}\n`);
    return 0;
  }
  const account = await accounts.byUsername(username);
  if (!account) {
    io.err(`desk: no account "${username}"\n`);
    return 1;
  }
  if (command === 'reset') {
    const password = temporaryPassword();
    await accounts.setPassword(account.id, password, true);
    await sessions.closeAll(account.id);
    io.out(`reset ${username}: unlocked and signed out everywhere; temporary password: ${password}\n`);
    return 0;
  }
  await accounts.update(account.id, { disabled: command === 'disable' });
  if (command === 'disable') await sessions.closeAll(account.id);
  io.out(`${username} ${command === 'disable' ? 'disabled' : 'enabled'}\n`);
  return 0;
}
