// What every desk route shares: the caller is authenticated first, must have changed an initial password, must hold
// the route's capability; answers are never cached; errors leave in the one shape, ticket errors translated.
import type { Request, Response } from 'restify';
import type { z } from 'zod';
import { HttpError, forbidden, invalidInput } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { type Capability, can, type DeskUser } from '../auth/roles.ts';
import type { DeskAuth } from './auth.ts';
import { toHttpError } from './ticket-errors.ts';

export type DeskHandler = (req: Request, res: Response, user: DeskUser) => Promise<void>;

export interface Requirement {
  capability?: Capability;
  /** Allowed before the initial password is changed (the session and password routes). */
  beforePasswordChange?: boolean;
}

export const PASSWORD_CHANGE_REQUIRED = 'desk: 请先修改初始密码';
export const NOT_ALLOWED = 'desk: 您的角色无权进行此操作';

export function deskRoute(auth: DeskAuth, log: Pick<Logger, 'warn' | 'error'>) {
  const onError = logRejection(log, 'desk');
  return (fn: DeskHandler, need: Requirement = {}) =>
    route(async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      try {
        const user = await auth(req);
        if (user.mustChangePassword && !need.beforePasswordChange) throw new HttpError(403, 'PasswordChangeRequired', PASSWORD_CHANGE_REQUIRED);
        if (need.capability && !can(user, need.capability)) throw forbidden(NOT_ALLOWED);
        await fn(req, res, user);
      } catch (err) {
        throw toHttpError(err);
      }
    }, onError);
}

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}
