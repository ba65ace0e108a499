// Live updates: GET /api/desk/events is the page's Server-Sent Events stream; POST /api/desk/presence marks the
// ticket a person has open (renewed by the page every PRESENCE_HEARTBEAT_MS) and answers who else has it open.
import type { Server } from 'restify';
import { z } from 'zod';
import { notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { Kysely } from 'kysely';
import type { TicketTables } from '../../tickets/store/schema.ts';
import { maySee } from '../auth/roles.ts';
import type { Presence } from '../events/presence.ts';
import type { DeskStreams } from '../events/stream.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, parse } from './handle.ts';

export const PRESENCE_HEARTBEAT_MS = 15_000;
/** A mark lapses this long after its last renewal (two heartbeats missed). */
const PRESENCE_TTL_MS = 40_000;

export interface EventRoutesOptions {
  auth: DeskAuth;
  /** Whether the session behind a request is still open, without refreshing it (a stream must not keep it alive). */
  stillSignedIn: (req: Parameters<DeskAuth>[0]) => Promise<boolean>;
  streams: DeskStreams;
  presence: Presence;
  db: Kysely<TicketTables>;
  log: Pick<Logger, 'warn' | 'error'>;
}

const PresenceBody = z.strictObject({ ticket: z.string().min(1).max(40), leaving: z.boolean().optional() });

export function registerEventRoutes(server: Server, o: EventRoutesOptions): void {
  const handle = deskRoute(o.auth, o.log);

  server.get(
    '/api/desk/events',
    handle(async (req, res, user) => {
      o.streams.serve(res, user, () => o.stillSignedIn(req));
    }),
  );

  server.post(
    '/api/desk/presence',
    handle(async (req, res, user) => {
      const body = parse(PresenceBody, req.body ?? {});
      // A heartbeat every 15 s from every open ticket: one indexed look-up of the department, nothing more.
      const ticket = await o.db.selectFrom('tickets').select('department').where('number', '=', body.ticket).executeTakeFirst();
      if (!ticket || !maySee(user, ticket.department)) throw notFound(`desk: ticket ${body.ticket} not found`);
      const viewer = { id: user.id, name: user.name };
      if (body.leaving) o.presence.leave(body.ticket, ticket.department, viewer);
      else o.presence.announce(body.ticket, ticket.department, viewer, PRESENCE_TTL_MS);
      res.send(200, { viewers: o.presence.viewers(body.ticket).filter((v) => v.id !== user.id), heartbeatMs: PRESENCE_HEARTBEAT_MS });
    }),
  );
}
