// The desk's read side: the filtered, sorted, paginated queue, counts per state, a ticket's full detail, the
// on-time rate. Reads only; every change goes through the service.
import { type Kysely, sql } from 'kysely';
import type { CommandAction } from './commands.ts';
import {
  OPEN_STATES,
  TICKET_STATES,
  type Priority,
  type RedListTier,
  type Requester,
  type Ticket,
  type TicketEvent,
  type TicketState,
  type TicketType,
} from './model.ts';
import { allowedActions } from './state-machine.ts';
import { FilterSql, type TicketFilter } from './store/filters.ts';
import { toTicket } from './store/rows.ts';
import type { TicketRow, TicketTables } from './store/schema.ts';
import { findTicket, listEvents, listRequesters } from './store/ticket-store.ts';

export type { TicketFilter } from './store/filters.ts';

export const TICKET_SORTS = ['urgency', 'due', 'created', 'updated'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];
export const MAX_PAGE_SIZE = 100;

export interface ListOptions {
  filter?: TicketFilter;
  /** urgency (default): urgent, then red list, then due time. */
  sort?: TicketSort;
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
  now?: Date;
}

/** A queue row: enough to show and pick a ticket, without the transcript. */
export interface TicketSummary {
  number: string;
  state: TicketState;
  type: TicketType;
  category: string;
  department: string | null;
  priority: Priority;
  redListTier: RedListTier | null;
  enterpriseName: string | null;
  contactName: string | null;
  contactMobile: string | null;
  /** The first 120 characters of the request. */
  excerpt: string;
  dueAt: string;
  overdue: boolean;
  supervised: boolean;
  extensionPending: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TicketPage {
  items: TicketSummary[];
  total: number;
  page: number;
  pageSize: number;
}

export interface TicketDetail {
  ticket: Ticket;
  events: TicketEvent[];
  requesters: Requester[];
  allowedActions: CommandAction[];
  overdue: boolean;
}

export interface OnTimeRate {
  resolved: number;
  onTime: number;
  /** onTime ÷ resolved, or null when nothing was resolved. */
  rate: number | null;
}

const EXCERPT_LENGTH = 120;
/** From this many matches a filter counts as broad (store/filters.ts). */
const BROAD_FILTER = 1000;
const SUMMARY_COLUMNS = [
  'number',
  'state',
  'type',
  'category',
  'department',
  'priority',
  'redlist_tier',
  'enterprise_name',
  'contact_name',
  'contact_mobile',
  'due_at',
  'supervised',
  'ext_due_at',
  'created_at',
  'updated_at',
  'version',
] as const;
type SummaryRow = Pick<TicketRow, (typeof SUMMARY_COLUMNS)[number]> & { excerpt: string };

export class TicketQueries {
  private readonly db: Kysely<TicketTables>;
  private readonly filters: FilterSql;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<TicketTables>;
    this.filters = new FilterSql(db);
  }

  async list(options: ListOptions = {}): Promise<TicketPage> {
    const now = (options.now ?? new Date()).toISOString();
    const page = Math.max(1, Math.floor(options.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? 20)));
    const offset = (page - 1) * pageSize;
    const filter = options.filter ?? {};
    const count = await this.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => this.filters.predicate(eb, filter, now))
      .executeTakeFirstOrThrow();
    const total = Number(count.n);
    if (offset >= total) return { items: [], total, page, pageSize };
    // Many matches and an early page: walking the sort order's index finds the page after a few rows.
    const broad = this.filters.hintsSortOrder && total >= BROAD_FILTER && (offset + pageSize) * 4 <= total;
    const order = options.order ?? (options.sort === 'created' || options.sort === 'updated' ? 'desc' : 'asc');
    let query = this.db
      .selectFrom('tickets')
      .select(SUMMARY_COLUMNS)
      .select(sql<string>`substr(request_text, 1, ${EXCERPT_LENGTH})`.as('excerpt'))
      .where((eb) => this.filters.predicate(eb, filter, now, broad));
    switch (options.sort ?? 'urgency') {
      case 'urgency':
        query = query.orderBy('urgency', order === 'asc' ? 'desc' : 'asc').orderBy('due_at', order);
        break;
      case 'due':
        query = query.orderBy('due_at', order);
        break;
      case 'created':
        query = query.orderBy('created_at', order);
        break;
      case 'updated':
        query = query.orderBy('updated_at', order);
        break;
    }
    const rows = await query.orderBy('number', order).limit(pageSize).offset(offset).execute();
    return { items: rows.map((r) => summary(r, now)), total, page, pageSize };
  }

  /** Tickets per state under a filter (its own states ignored), and how many of them are overdue. */
  async counts(filter: TicketFilter = {}, at: Date = new Date()): Promise<{ total: number; byState: Record<TicketState, number>; overdue: number }> {
    const now = at.toISOString();
    const rest = { ...filter, states: undefined };
    const rows = await this.db
      .selectFrom('tickets')
      .select((eb) => ['state', eb.fn.countAll<string | number>().as('n')])
      .where((eb) => this.filters.predicate(eb, rest, now))
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(TICKET_STATES.map((s) => [s, 0])) as Record<TicketState, number>;
    for (const r of rows) byState[r.state as TicketState] = Number(r.n);
    const overdue = await this.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => this.filters.predicate(eb, { ...rest, overdue: true }, now))
      .executeTakeFirstOrThrow();
    return { total: Object.values(byState).reduce((a, b) => a + b, 0), byState, overdue: Number(overdue.n) };
  }

  async detail(number: string, at: Date = new Date()): Promise<TicketDetail | undefined> {
    const ticket = await findTicket(this.db, number);
    if (!ticket) return undefined;
    const [events, requesters] = await Promise.all([listEvents(this.db, number), listRequesters(this.db, number)]);
    return { ticket, events, requesters, allowedActions: allowedActions(ticket.state), overdue: isOverdue(ticket, at.toISOString()) };
  }

  /** 按时办结率: tickets resolved in [from, to) (and of a department), and how many before their due time. */
  async onTimeRate(options: { from?: Date; to?: Date; department?: string } = {}): Promise<OnTimeRate> {
    const row = await this.db
      .selectFrom('tickets')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('resolved'),
        eb.fn.sum<string | number | null>(eb.case().when('resolved_at', '<=', eb.ref('due_at')).then(1).else(0).end()).as('on_time'),
      ])
      .where('resolved_at', 'is not', null)
      .$if(options.from !== undefined, (q) => q.where('resolved_at', '>=', options.from!.toISOString()))
      .$if(options.to !== undefined, (q) => q.where('resolved_at', '<', options.to!.toISOString()))
      .$if(options.department !== undefined, (q) => q.where('department', '=', options.department!))
      .executeTakeFirstOrThrow();
    const resolved = Number(row.resolved);
    const onTime = Number(row.on_time ?? 0);
    return { resolved, onTime, rate: resolved === 0 ? null : onTime / resolved };
  }

  /** Open tickets past due, oldest due first: what the overdue watcher walks. */
  async overdue(at: Date, states: readonly TicketState[] = OPEN_STATES, limit = 500): Promise<Ticket[]> {
    const rows = await this.db
      .selectFrom('tickets')
      .selectAll()
      .where('state', 'in', [...states])
      .where('due_at', '<', at.toISOString())
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(toTicket);
  }
}

const isOverdue = (t: Pick<Ticket, 'state' | 'dueAt'>, now: string) => OPEN_STATES.includes(t.state) && t.dueAt < now;

function summary(r: SummaryRow, now: string): TicketSummary {
  return {
    number: r.number,
    state: r.state as TicketState,
    type: r.type as TicketType,
    category: r.category,
    department: r.department,
    priority: r.priority as Priority,
    redListTier: r.redlist_tier as RedListTier | null,
    enterpriseName: r.enterprise_name,
    contactName: r.contact_name,
    contactMobile: r.contact_mobile,
    excerpt: r.excerpt,
    dueAt: r.due_at,
    overdue: isOverdue({ state: r.state as TicketState, dueAt: r.due_at }, now),
    supervised: Number(r.supervised) === 1,
    extensionPending: r.ext_due_at !== null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: Number(r.version),
  };
}
