// The first administrator comes from configuration (DESK_ADMIN_USERNAME / DESK_ADMIN_PASSWORD) on a start that
// finds no administrator; the password must be changed at first sign-in. Once an administrator exists the settings
// are ignored, so a password left in the environment cannot take the desk back.
import type { Logger } from '../../log/logger.ts';
import { AccountExistsError, type AccountStore } from './accounts.ts';
import { passwordProblem } from './passwords.ts';

export interface FirstAdmin {
  username: string;
  password: string;
}

export async function ensureFirstAdmin(
  accounts: AccountStore,
  first: FirstAdmin | undefined,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<'created' | 'exists' | 'not_configured'> {
  if ((await accounts.countAdmins()) > 0) {
    if (first) log.info('desk: an administrator exists; DESK_ADMIN_USERNAME / DESK_ADMIN_PASSWORD are ignored (remove them from the environment)');
    return 'exists';
  }
  if (!first) {
    log.warn('desk: no administrator yet; set DESK_ADMIN_USERNAME and DESK_ADMIN_PASSWORD to create the first one');
    return 'not_configured';
  }
  const problem = passwordProblem(first.password, first.username);
  if (problem) throw new Error(`desk: DESK_ADMIN_PASSWORD is not acceptable: ${problem}`);
  try {
    await accounts.create({ username: first.username, displayName: '系统管理员', role: 'admin', password: first.password, mustChangePassword: true });
  } catch (err) {
    // Another instance created it a moment ago.
    if (err instanceof AccountExistsError) return 'exists';
    throw err;
  }
  log.info({ username: first.username }, 'desk: first administrator created; the password must be changed at first sign-in');
  return 'created';
}
