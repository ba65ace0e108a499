// Who is calling the desk API: a person signed in with the session cookie, or a script holding DESK_ADMIN_TOKEN
// (a machine credential with the administrator's rights). Changes made with the cookie must also carry the
// session's CSRF token in a header, which another site's page cannot read or forge.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';
import { HttpError, unauthorized } from '../../http/errors.ts';
import { bearerToken } from '../../http/route.ts';
import { type AccountStore, userOf } from '../auth/accounts.ts';
import { type CookieOptions, readSessionCookie } from '../auth/cookies.ts';
import type { DeskUser } from '../auth/roles.ts';
import type { SessionStore } from '../auth/sessions.ts';

/** Resolves the caller, or throws a 401 (403 for a change without the right CSRF token). */
export type DeskAuth = (req: Request) => Promise<DeskUser>;

export const MIN_ADMIN_TOKEN_LENGTH = 32;
export const CSRF_HEADER = 'x-csrf-token';
/** Sent by the page on requests it makes by itself (refreshes after live events, heartbeats): not activity. */
export const BACKGROUND_HEADER = 'x-desk-background';
export const SIGN_IN_FIRST = 'desk: 请先登录（登录已过期或尚未登录）';

const TOKEN_USER: DeskUser = { id: 'admin', username: 'admin-token', name: '管理员', role: 'admin', department: null, mustChangePassword: false, via: 'token' };

export function adminTokenAuth(token: string): DeskAuth {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new Error(`desk: the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  // Compare digests so the comparison takes the same time whatever the length of what was sent.
  const expected = digest(token);
  return async (req) => {
    const given = bearerToken(req.header('authorization'));
    if (given === undefined || !timingSafeEqual(digest(given), expected)) throw unauthorized('desk: missing or invalid admin token');
    return TOKEN_USER;
  };
}

export interface SessionAuthOptions {
  sessions: SessionStore;
  accounts: AccountStore;
  cookie: CookieOptions;
  /** DESK_ADMIN_TOKEN, when configured: an Authorization header is then checked against it. */
  adminToken?: string;
}

/** The desk's auth: the admin token when an Authorization header is sent, the session cookie otherwise. */
export function deskAuth(o: SessionAuthOptions): DeskAuth {
  const byToken = o.adminToken ? adminTokenAuth(o.adminToken) : undefined;
  return async (req) => {
    if (req.header('authorization')) {
      if (!byToken) throw unauthorized('desk: bearer tokens are not accepted (DESK_ADMIN_TOKEN is not set)');
      return byToken(req);
    }
    const token = readSessionCookie(req, o.cookie);
    // Only what a person does keeps the session from going idle; the page's own refreshes do not.
    const session = token ? await o.sessions.find(token, req.header(BACKGROUND_HEADER) !== '1') : undefined;
    if (!session) throw unauthorized(SIGN_IN_FIRST);
    const account = await o.accounts.byId(session.accountId);
    if (!account || account.disabled) throw unauthorized(SIGN_IN_FIRST);
    if (!['GET', 'HEAD'].includes(req.method ?? 'GET') && !sameSecret(req.header(CSRF_HEADER), session.csrfToken)) {
      throw new HttpError(403, 'CsrfFailed', 'desk: 请求校验失败（CSRF），请刷新页面后重试');
    }
    return { ...userOf(account), session: { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt } };
  };
}

function sameSecret(given: string | undefined, expected: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(expected));
}

const digest = (text: string) => createHash('sha256').update(text).digest();
