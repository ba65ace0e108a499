// The desk's ticket API, JSON under /api/desk/. Every route authenticates first and checks the caller's role; a
// handler (承办单位) sees only its department's tickets, and another department's ticket reads as not found. Queries
// and bodies are validated with zod; every change names the version it was based on (409 when someone changed the
// ticket meanwhile).
import { randomUUID } from 'node:crypto';
import type { Server } from 'restify';
import type { z } from 'zod';
import { forbidden, notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { TicketCommand } from '../../tickets/commands.ts';
import type { Tickets } from '../../tickets/index.ts';
import { ACTION_LABELS, PRIORITY_LABELS, REDLIST_TIER_LABELS, SATISFACTION_LABELS, STATE_LABELS, TYPE_LABELS } from '../../tickets/labels.ts';
import type { TicketDetail } from '../../tickets/queries.ts';
import { actorOf, can, type DeskUser, maySee, mayAct, ROLE_LABELS } from '../auth/roles.ts';
import type { Assignments } from '../work/assignments.ts';
import type { Queue } from '../work/queue.ts';
import type { DeskAuth } from './auth.ts';
import { deskRoute, NOT_ALLOWED, parse } from './handle.ts';
import { ACTION_BODIES, AssignBody, CreateBody, FilterQuery, ListQuery, OnTimeQuery } from './schemas.ts';

export interface TicketRoutesOptions {
  tickets: Pick<Tickets, 'service' | 'queries' | 'catalog'>;
  log: Pick<Logger, 'warn' | 'error'>;
  auth: DeskAuth;
  clock?: () => Date;
  /** The desk's work sharing ("mine", "unassigned", 认领). Without it the queue has no assignment filters. */
  work?: { assignments: Assignments; queue: Queue; assigned?: (number: string, department: string | null) => void };
}

export function registerTicketRoutes(server: Server, options: TicketRoutesOptions): void {
  const { tickets, work } = options;
  const now = options.clock ?? (() => new Date());
  const handle = deskRoute(options.auth, options.log);
  const scope = (user: DeskUser, filter: ReturnType<typeof filterOf>, assigned?: 'me' | 'none') =>
    work ? work.queue.filterFor(user, filter, assigned) : can(user, 'tickets.all') ? filter : { ...filter, department: user.department ?? '\u0000none' };

  /** The ticket if the user may see it; another department's ticket is "not found", exactly like a missing one. */
  const visible = async (user: DeskUser, number: string): Promise<TicketDetail> => {
    const detail = await tickets.queries.detail(number, now());
    if (!detail || !maySee(user, detail.ticket.department)) throw notFound(`desk: ticket ${number} not found`);
    return detail;
  };

  /** Codes and their labels, categories and departments: what the console needs to render and filter. */
  server.get(
    '/api/desk/catalog',
    handle(async (_req, res) => {
      const { catalog } = tickets;
      res.send(200, {
        categories: catalog.categories.map((c) => ({ code: c.code, label: c.label, department: c.department, type: c.type })),
        departments: Object.entries(catalog.departments).map(([code, name]) => ({ code, name })),
        labels: {
          states: STATE_LABELS,
          types: TYPE_LABELS,
          priorities: PRIORITY_LABELS,
          redListTiers: REDLIST_TIER_LABELS,
          satisfaction: SATISFACTION_LABELS,
          actions: ACTION_LABELS,
          roles: ROLE_LABELS,
        },
      });
    }),
  );

  server.get(
    '/api/desk/tickets',
    handle(async (req, res, user) => {
      const q = parse(ListQuery, req.query ?? {});
      const page = await tickets.queries.list({
        filter: scope(user, filterOf(q), q.assigned),
        sort: q.sort,
        order: q.order,
        page: q.page,
        pageSize: q.pageSize,
        now: now(),
      });
      const assignees = work ? await work.assignments.ofMany(page.items.map((i) => i.number)) : new Map();
      res.send(200, { ...page, items: page.items.map((i) => ({ ...i, assignee: assignees.get(i.number) ?? null })) });
    }),
  );

  server.get(
    '/api/desk/tickets/counts',
    handle(async (req, res, user) => {
      const filter = filterOf(parse(FilterQuery, req.query ?? {}));
      if (work) res.send(200, await work.queue.counts(user, filter, now()));
      else res.send(200, await tickets.queries.counts(scope(user, filter), now()));
    }),
  );

  server.get(
    '/api/desk/tickets/:number',
    handle(async (req, res, user) => {
      const detail = await visible(user, String(req.params.number));
      const { catalog } = tickets;
      res.send(200, {
        ...detail,
        // Where the channel delivers is the server's business; the desk shows who and on which channel.
        requesters: detail.requesters.map(({ conversationRef: _ref, ...r }) => r),
        allowedActions: detail.allowedActions.filter((a) => mayAct(user, a)),
        assignee: (await work?.assignments.of(detail.ticket.number)) ?? null,
        categoryLabel: catalog.categoryLabel(detail.ticket.category),
        departmentName: catalog.departmentName(detail.ticket.department),
      });
    }),
  );

  server.post(
    '/api/desk/tickets',
    handle(
      async (req, res, user) => {
        const body = parse(CreateBody, req.body ?? {});
        // Taken by phone or at a counter: the caller is reached by the mobile number, if any.
        const requester = { channelId: 'phone', userId: body.contactMobile ?? `desk-${randomUUID()}`, conversationRef: { takenBy: user.id } };
        const ticket = await tickets.service.create({ ...body, requester }, actorOf(user));
        if (work && user.via === 'session' && (await work.assignments.claimIfFree(ticket.number, user.id))) work.assigned?.(ticket.number, null);
        res.send(201, { ticket });
      },
      { capability: 'tickets.create' },
    ),
  );

  server.post(
    '/api/desk/tickets/:number/actions/:action',
    handle(async (req, res, user) => {
      const action = String(req.params.action);
      const schema = Object.hasOwn(ACTION_BODIES, action) ? ACTION_BODIES[action as keyof typeof ACTION_BODIES] : undefined;
      if (!schema) throw notFound(`no action "${action}" (one of ${Object.keys(ACTION_BODIES).join(', ')})`);
      const number = String(req.params.number);
      await visible(user, number);
      if (!mayAct(user, action as TicketCommand['action'])) throw forbidden(NOT_ALLOWED);
      const { expectedVersion, ...fields } = parse(schema as z.ZodType<{ expectedVersion: number }>, req.body ?? {});
      const command = { action, ...fields } as TicketCommand;
      const ticket = await tickets.service.act(number, command, { actor: actorOf(user), expectedVersion });
      // The first person at the hotline to work an unassigned ticket takes it.
      if (work && user.via === 'session' && can(user, 'assign.self') && (await work.assignments.claimIfFree(number, user.id)))
        work.assigned?.(number, ticket.department);
      res.send(200, { ticket });
    }),
  );

  /** 认领 / 分配: to oneself (agents), to anyone or nobody (supervisors). */
  server.post(
    '/api/desk/tickets/:number/assign',
    handle(
      async (req, res, user) => {
        if (!work) throw notFound('desk: assignments are not enabled');
        const number = String(req.params.number);
        const { to } = parse(AssignBody, req.body ?? {});
        const target = to === 'me' ? user.id : to;
        if (target !== user.id && !can(user, 'assign.others')) throw forbidden(NOT_ALLOWED);
        const detail = await visible(user, number);
        if (!(await work.assignments.assign(number, target, user.id))) throw notFound(`desk: no active account ${target}`);
        work.assigned?.(number, detail.ticket.department);
        res.send(200, { assignee: (await work.assignments.of(number)) ?? null });
      },
      { capability: 'assign.self' },
    ),
  );

  /** 按时办结率 over a period (resolved in [from, to)), optionally for one department. */
  server.get(
    '/api/desk/stats/on-time',
    handle(
      async (req, res) => {
        res.send(200, await tickets.queries.onTimeRate(parse(OnTimeQuery, req.query ?? {})));
      },
      { capability: 'dashboard' },
    ),
  );
}

function filterOf(q: z.output<typeof FilterQuery>) {
  return { states: q.state, department: q.department, category: q.category, priority: q.priority, redList: q.redList, overdue: q.overdue, q: q.q };
}
