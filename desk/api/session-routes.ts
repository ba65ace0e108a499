// Signing in and out, who am I, and changing one's password. The sign-in answer sets the HttpOnly cookie and hands
// the page its CSRF token (kept in memory by the page, sent back in a header with every change).
import type { Request, Server } from 'restify';
import { z } from 'zod';
import { clientKey, type ProxyTrust } from '../../http/client-address.ts';
import { badRequest, forbidden, HttpError } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import type { AccountStore } from '../auth/accounts.ts';
import { type CookieOptions, clearSessionCookie, setSessionCookie } from '../auth/cookies.ts';
import type { LoginService } from '../auth/login.ts';
import { MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from '../auth/passwords.ts';
import { ACTIONS_BY_ROLE, capabilitiesOf, type DeskUser } from '../auth/roles.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

export interface SessionRoutesOptions {
  auth: DeskAuth;
  login: LoginService;
  accounts: AccountStore;
  sessions: SessionStore;
  cookie: CookieOptions;
  trust: ProxyTrust;
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
  clock?: () => Date;
}

const LoginBody = z.strictObject({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
const PasswordBody = z.strictObject({ current: z.string().min(1).max(MAX_PASSWORD_LENGTH), next: z.string().min(1).max(MAX_PASSWORD_LENGTH) });

/** What the page needs to know about its user. */
export function describeUser(user: DeskUser) {
  return {
    user: { id: user.id, username: user.username, name: user.name, role: user.role, department: user.department, mustChangePassword: user.mustChangePassword },
    csrfToken: user.session?.csrfToken ?? null,
    capabilities: capabilitiesOf(user),
    actions: ACTIONS_BY_ROLE[user.role],
  };
}

export function registerSessionRoutes(server: Server, o: SessionRoutesOptions): void {
  const handle = deskRoute(o.auth, o.log);
  const now = o.clock ?? (() => new Date());

  server.post(
    '/api/desk/session',
    route(
      async (req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        // A sign-in form posted from another site (login CSRF) is refused; the page's own fetch carries our origin.
        if (!sameOrigin(req)) throw forbidden('desk: sign-in from another site is refused');
        const body = parse(LoginBody, req.body ?? {});
        const { user, session } = await o.login.login(body.username, body.password, clientKey(req, o.trust));
        setSessionCookie(res, o.cookie, session.token, (session.expiresAt.getTime() - now().getTime()) / 1000);
        res.send(200, describeUser({ ...user, session: { id: '', csrfToken: session.csrfToken, expiresAt: session.expiresAt } }));
      },
      logRejection(o.log, 'desk'),
    ),
  );

  server.get(
    '/api/desk/session',
    handle(
      async (_req, res, user) => {
        res.send(200, describeUser(user));
      },
      { beforePasswordChange: true },
    ),
  );

  server.post(
    '/api/desk/session/logout',
    handle(
      async (_req, res, user) => {
        if (user.session) await o.sessions.close(user.session.id);
        clearSessionCookie(res, o.cookie);
        res.send(200, { signedOut: true });
      },
      { beforePasswordChange: true },
    ),
  );

  /** A new password: the current one proves it is the owner; every other session of the account is signed out. */
  server.post(
    '/api/desk/session/password',
    handle(
      async (req, res, user) => {
        if (user.via !== 'session' || !user.session) throw badRequest('desk: only a signed-in person has a password');
        const body = parse(PasswordBody, req.body ?? {});
        const account = await o.accounts.byId(user.id);
        if (!account || !(await verifyPassword(body.current, account.passwordHash))) throw new HttpError(400, 'WrongPassword', 'desk: 当前密码不正确');
        const problem = passwordProblem(body.next, account.username) ?? (body.next === body.current ? '新密码不能与当前密码相同' : undefined);
        if (problem) throw new HttpError(400, 'WeakPassword', `desk: ${problem}`);
        await o.accounts.setPassword(user.id, body.next, false);
        await o.sessions.closeAll(user.id, user.session.id);
        o.log.info({ account: user.id }, 'desk: password changed');
        res.send(200, describeUser({ ...user, mustChangePassword: false }));
      },
      { beforePasswordChange: true },
    ),
  );
}

/** No Origin (same-origin GETs, older browsers, scripts) or an Origin naming the Host the request came to. */
function sameOrigin(req: Request): boolean {
  const origin = req.header('origin');
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    return new URL(origin).host === req.header('host');
  } catch {
    return false;
  }
}
