// The desk's ticket API, JSON under /api/desk/. Every route authenticates first, validates its query or body
// with zod, and answers errors in the one shape {"error":{"code","message"}}; every change names the version it
// was based on (409 when someone changed the ticket meanwhile).
import { randomUUID } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import type { z } from 'zod';
import { invalidInput, notFound } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import type { Tickets } from '../../tickets/index.ts';
import { ACTION_LABELS, PRIORITY_LABELS, REDLIST_TIER_LABELS, SATISFACTION_LABELS, STATE_LABELS, TYPE_LABELS } from '../../tickets/labels.ts';
import type { Actor } from '../../tickets/model.ts';
import type { TicketCommand } from '../../tickets/commands.ts';
import type { DeskAuth } from './auth.ts';
import { ACTION_BODIES, CreateBody, FilterQuery, ListQuery, OnTimeQuery } from './schemas.ts';
import { toHttpError } from './ticket-errors.ts';

export interface TicketRoutesOptions {
  tickets: Pick<Tickets, 'service' | 'queries' | 'catalog'>;
  log: Pick<Logger, 'warn' | 'error'>;
  auth: DeskAuth;
  clock?: () => Date;
}

type Handler = (req: Request, res: Response, actor: Actor) => Promise<void>;

export function registerTicketRoutes(server: Server, options: TicketRoutesOptions): void {
  const { tickets, auth } = options;
  const now = options.clock ?? (() => new Date());
  const handle = (fn: Handler) =>
    route(async (req, res) => {
      try {
        await fn(req, res, await auth(req));
      } catch (err) {
        throw toHttpError(err);
      }
    }, logRejection(options.log, 'desk'));

  /** Codes and their labels, categories and departments: what the console needs to render and filter. */
  server.get('/api/desk/catalog', handle(async (_req, res) => {
    const { catalog } = tickets;
    res.send(200, {
      categories: catalog.categories.map((c) => ({ code: c.code, label: c.label, department: c.department, type: c.type })),
      departments: Object.entries(catalog.departments).map(([code, name]) => ({ code, name })),
      labels: { states: STATE_LABELS, types: TYPE_LABELS, priorities: PRIORITY_LABELS, redListTiers: REDLIST_TIER_LABELS, satisfaction: SATISFACTION_LABELS, actions: ACTION_LABELS },
    });
  }));

  server.get('/api/desk/tickets', handle(async (req, res) => {
    const q = parse(ListQuery, req.query ?? {});
    res.send(200, await tickets.queries.list({ filter: filterOf(q), sort: q.sort, order: q.order, page: q.page, pageSize: q.pageSize, now: now() }));
  }));

  server.get('/api/desk/tickets/counts', handle(async (req, res) => {
    res.send(200, await tickets.queries.counts(filterOf(parse(FilterQuery, req.query ?? {})), now()));
  }));

  server.get('/api/desk/tickets/:number', handle(async (req, res) => {
    const detail = await tickets.queries.detail(String(req.params.number), now());
    if (!detail) throw notFound(`ticket ${String(req.params.number)} not found`);
    const { catalog } = tickets;
    res.send(200, { ...detail, categoryLabel: catalog.categoryLabel(detail.ticket.category), departmentName: catalog.departmentName(detail.ticket.department) });
  }));

  server.post('/api/desk/tickets', handle(async (req, res, actor) => {
    const body = parse(CreateBody, req.body ?? {});
    // Taken by phone or at a counter: the caller is reached by the mobile number, if any.
    const requester = { channelId: 'phone', userId: body.contactMobile ?? `desk-${randomUUID()}`, conversationRef: { takenBy: actor.id } };
    res.send(201, { ticket: await tickets.service.create({ ...body, requester }, actor) });
  }));

  server.post('/api/desk/tickets/:number/actions/:action', handle(async (req, res, actor) => {
    const action = String(req.params.action);
    const schema = Object.hasOwn(ACTION_BODIES, action) ? ACTION_BODIES[action as keyof typeof ACTION_BODIES] : undefined;
    if (!schema) throw notFound(`no action "${action}" (one of ${Object.keys(ACTION_BODIES).join(', ')})`);
    const { expectedVersion, ...fields } = parse(schema as z.ZodType<{ expectedVersion: number }>, req.body ?? {});
    const command = { action, ...fields } as TicketCommand;
    res.send(200, { ticket: await tickets.service.act(String(req.params.number), command, { actor, expectedVersion }) });
  }));

  /** 按时办结率 over a period (resolved in [from, to)), optionally for one department. */
  server.get('/api/desk/stats/on-time', handle(async (req, res) => {
    res.send(200, await tickets.queries.onTimeRate(parse(OnTimeQuery, req.query ?? {})));
  }));
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}

function filterOf(q: z.output<typeof FilterQuery>) {
  return { states: q.state, department: q.department, category: q.category, priority: q.priority, redList: q.redList, overdue: q.overdue, q: q.q };
}
