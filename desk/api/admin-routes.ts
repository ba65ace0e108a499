// The administrator's pages: accounts (create, change role or department, disable, reset a password), the
// departments of the dispatch catalogue with their handler accounts, and the red list (重点企业名单) as CSV.
import type { Server } from 'restify';
import { z } from 'zod';
import { badRequest, conflict, HttpError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { Tickets } from '../../tickets/index.ts';
import { parseRedListCsv, RedListCsvError, toRedListCsv } from '../../tickets/redlist/redlist-csv.ts';
import { type Account, AccountExistsError, type AccountStore } from '../auth/accounts.ts';
import { MAX_PASSWORD_LENGTH, passwordProblem } from '../auth/passwords.ts';
import { ROLES } from '../auth/roles.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

export interface AdminRoutesOptions {
  auth: DeskAuth;
  accounts: AccountStore;
  sessions: SessionStore;
  tickets: Pick<Tickets, 'catalog' | 'redList'>;
  log: Pick<Logger, 'warn' | 'error' | 'info'>;
}

const username = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9._-]{3,32}$/, '3–32 letters, digits, dot, dash or underscore');
const displayName = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);
const department = z.string().min(1).max(32).nullable();
const NewAccountBody = z.strictObject({ username, displayName, role: z.enum(ROLES), department: department.optional(), password });
const AccountPatchBody = z.strictObject({
  displayName: displayName.optional(),
  role: z.enum(ROLES).optional(),
  department: department.optional(),
  disabled: z.boolean().optional(),
  password: password.optional(),
});
const ImportQuery = z.strictObject({ replace: z.enum(['true', 'false']).optional() });

const publicAccount = (a: Account) => ({
  id: a.id,
  username: a.username,
  displayName: a.displayName,
  role: a.role,
  department: a.department,
  disabled: a.disabled,
  mustChangePassword: a.mustChangePassword,
  locked: a.lockedUntil !== null && Date.parse(a.lockedUntil) > Date.now(),
  lastLoginAt: a.lastLoginAt,
  createdAt: a.createdAt,
});

export function registerAdminRoutes(server: Server, o: AdminRoutesOptions): void {
  const handle = deskRoute(o.auth, o.log);
  const { catalog } = o.tickets;
  const checkDepartment = (role: string, dept: string | null | undefined) => {
    if (role !== 'handler') return null;
    if (!dept || !(dept in catalog.departments)) throw badRequest(`desk: 承办单位账号须绑定目录中的部门（${Object.keys(catalog.departments).join(', ')}）`);
    return dept;
  };
  const checkPassword = (pw: string, name: string) => {
    const problem = passwordProblem(pw, name);
    if (problem) throw new HttpError(400, 'WeakPassword', `desk: ${problem}`);
  };

  server.get(
    '/api/desk/accounts',
    handle(
      async (_req, res) => {
        res.send(200, { accounts: (await o.accounts.list()).map(publicAccount) });
      },
      { capability: 'accounts' },
    ),
  );

  /** A new account with a temporary password, to be changed at first sign-in. */
  server.post(
    '/api/desk/accounts',
    handle(
      async (req, res, user) => {
        const body = parse(NewAccountBody, req.body ?? {});
        checkPassword(body.password, body.username);
        try {
          const account = await o.accounts.create({ ...body, department: checkDepartment(body.role, body.department) });
          o.log.info({ account: account.id, role: account.role, by: user.id }, 'desk: account created');
          res.send(201, { account: publicAccount(account) });
        } catch (err) {
          if (err instanceof AccountExistsError) throw conflict(`desk: 用户名 ${body.username} 已存在`);
          throw err;
        }
      },
      { capability: 'accounts' },
    ),
  );

  server.post(
    '/api/desk/accounts/:id',
    handle(
      async (req, res, user) => {
        const body = parse(AccountPatchBody, req.body ?? {});
        const account = await o.accounts.byId(String(req.params.id));
        if (!account) throw notFound('desk: no such account');
        const role = body.role ?? account.role;
        const dept = role === 'handler' ? checkDepartment(role, body.department === undefined ? account.department : body.department) : null;
        // Never leave the desk without an administrator who can sign in.
        const losesAdmin = account.role === 'admin' && !account.disabled && (role !== 'admin' || body.disabled === true);
        if (losesAdmin && (await o.accounts.countAdmins()) <= 1) throw conflict('desk: 不能停用或降级最后一个管理员');
        await o.accounts.update(account.id, { displayName: body.displayName, role, department: dept, disabled: body.disabled });
        if (body.password !== undefined) {
          checkPassword(body.password, account.username);
          await o.accounts.setPassword(account.id, body.password, true);
        }
        // A new role, a new password or a disabled account: every open session of it ends now.
        if (body.password !== undefined || body.disabled === true || role !== account.role || dept !== account.department)
          await o.sessions.closeAll(account.id);
        o.log.info(
          {
            account: account.id,
            by: user.id,
            changed: Object.keys(body)
              .filter((k) => k !== 'password')
              .concat(body.password ? ['password'] : []),
          },
          'desk: account changed',
        );
        res.send(200, { account: publicAccount((await o.accounts.byId(account.id)) as Account) });
      },
      { capability: 'accounts' },
    ),
  );

  server.get(
    '/api/desk/departments',
    handle(
      async (_req, res) => {
        const accounts = await o.accounts.list();
        res.send(200, {
          departments: Object.entries(catalog.departments).map(([code, name]) => ({
            code,
            name,
            categories: catalog.categories.filter((c) => c.department === code).map((c) => c.label),
            handlers: accounts.filter((a) => a.role === 'handler' && a.department === code && !a.disabled).map((a) => a.displayName),
          })),
        });
      },
      { capability: 'accounts' },
    ),
  );

  server.get(
    '/api/desk/redlist',
    handle(
      async (_req, res) => {
        res.send(200, { entries: await o.tickets.redList.list() });
      },
      { capability: 'redlist' },
    ),
  );

  server.get(
    '/api/desk/redlist.csv',
    handle(
      async (_req, res) => {
        const body = toRedListCsv(await o.tickets.redList.list());
        res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="redlist.csv"' });
        res.end(body);
      },
      { capability: 'redlist' },
    ),
  );

  /** The list as CSV text (text/csv, at most MAX_BODY_BYTES); any bad row and nothing is imported. */
  server.post(
    '/api/desk/redlist',
    handle(
      async (req, res, user) => {
        const { replace } = parse(ImportQuery, req.query ?? {});
        if (typeof req.body !== 'string' || !/^text\/(csv|plain)\b/.test(req.header('content-type') ?? ''))
          throw badRequest('desk: send the red list as text/csv');
        try {
          const result = await o.tickets.redList.import(parseRedListCsv(req.body), { replace: replace === 'true' });
          o.log.info({ ...result, by: user.id }, 'desk: red list imported');
          res.send(200, result);
        } catch (err) {
          if (err instanceof RedListCsvError)
            res.send(400, { error: { code: 'BadCsv', message: 'desk: 名单有误，未导入任何一行', problems: err.problems.slice(0, 100) } });
          else throw err;
        }
      },
      { capability: 'redlist' },
    ),
  );
}
