// 快捷回复 over HTTP: every staff member reads them; supervisors write them.
import type { Server } from 'restify';
import { z } from 'zod';
import { conflict, notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import { type CannedReplies, MAX_CANNED_REPLIES } from '../work/canned.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

const CannedBody = z.strictObject({ title: z.string().trim().min(1).max(40), text: z.string().trim().min(1).max(2000) });

export function registerCannedRoutes(server: Server, o: { auth: DeskAuth; canned: CannedReplies; log: Pick<Logger, 'warn' | 'error'> }): void {
  const handle = deskRoute(o.auth, o.log);
  const manage = { capability: 'canned.manage' } as const;

  server.get(
    '/api/desk/canned',
    handle(async (_req, res) => {
      res.send(200, { replies: await o.canned.list() });
    }),
  );

  server.post(
    '/api/desk/canned',
    handle(async (req, res, user) => {
      const body = parse(CannedBody, req.body ?? {});
      if ((await o.canned.count()) >= MAX_CANNED_REPLIES) throw conflict(`desk: 快捷回复最多 ${MAX_CANNED_REPLIES} 条`);
      res.send(201, { reply: await o.canned.create(body.title, body.text, user.id) });
    }, manage),
  );

  server.post(
    '/api/desk/canned/:id',
    handle(async (req, res) => {
      const body = parse(CannedBody, req.body ?? {});
      if (!(await o.canned.update(String(req.params.id), body.title, body.text))) throw notFound('desk: no such canned reply');
      res.send(200, { updated: true });
    }, manage),
  );

  server.post(
    '/api/desk/canned/:id/delete',
    handle(async (req, res) => {
      if (!(await o.canned.remove(String(req.params.id)))) throw notFound('desk: no such canned reply');
      res.send(200, { deleted: true });
    }, manage),
  );
}
