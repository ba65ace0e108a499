// 接管 over HTTP: the open requests and conversations, one conversation with its messages, taking one (from the
// request list or from a ticket), writing to the user, and ending it. Staff only (capability "live").
import type { Server } from 'restify';
import { z } from 'zod';
import { notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { LiveDesk } from '../live/live-desk.ts';
import type { LiveSession } from '../live/live-store.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

export interface LiveRoutesOptions {
  auth: DeskAuth;
  live: LiveDesk;
  log: Pick<Logger, 'warn' | 'error'>;
}

const MessageBody = z.strictObject({ text: z.string().trim().min(1).max(2000) });
const EndBody = z.strictObject({ reason: z.string().trim().max(200).optional() });

/** A session as the desk shows it: where it is, never the channel's delivery address. */
export const publicSession = ({ reference: _ref, userId: _user, ...s }: LiveSession) => s;

export function registerLiveRoutes(server: Server, o: LiveRoutesOptions): void {
  const handle = deskRoute(o.auth, o.log);
  const need = { capability: 'live' } as const;

  server.get(
    '/api/desk/live',
    handle(async (_req, res) => {
      res.send(200, { sessions: (await o.live.store.openSessions()).map(publicSession) });
    }, need),
  );

  server.get(
    '/api/desk/live/:id',
    handle(async (req, res) => {
      const session = await o.live.store.get(String(req.params.id));
      if (!session) throw notFound('desk: no such live conversation');
      res.send(200, { session: publicSession(session), messages: await o.live.store.messages(session.id) });
    }, need),
  );

  server.post(
    '/api/desk/live/:id/take',
    handle(async (req, res, user) => {
      res.send(200, { session: publicSession(await o.live.take(String(req.params.id), user)) });
    }, need),
  );

  server.get(
    '/api/desk/tickets/:number/live',
    handle(async (req, res) => {
      res.send(200, { sessions: (await o.live.store.ofTicket(String(req.params.number))).map(publicSession) });
    }, need),
  );

  server.post(
    '/api/desk/tickets/:number/live',
    handle(async (req, res, user) => {
      res.send(200, { session: publicSession(await o.live.takeTicket(String(req.params.number), user)) });
    }, need),
  );

  server.post(
    '/api/desk/live/:id/messages',
    handle(async (req, res, user) => {
      const { text } = parse(MessageBody, req.body ?? {});
      res.send(201, { message: await o.live.send(String(req.params.id), user, text) });
    }, need),
  );

  server.post(
    '/api/desk/live/:id/end',
    handle(async (req, res, user) => {
      const { reason } = parse(EndBody, req.body ?? {});
      res.send(200, { session: publicSession(await o.live.end(String(req.params.id), user, reason || '坐席结束对话')) });
    }, need),
  );
}
