// The desk's read side: the filtered, sorted, paginated queue, counts per state, a ticket's full detail, the
// on-time rate. Reads only; every change goes through the service.
import { type ExpressionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';
import type { CommandAction } from './commands.ts';
import { OPEN_STATES, TICKET_STATES, type Priority, type RedListTier, type Requester, type Ticket, type TicketEvent, type TicketState, type TicketType } from './model.ts';
import { parseTicketNumber } from './number.ts';
import { allowedActions } from './state-machine.ts';
import { toTicket } from './store/rows.ts';
import type { TicketTables } from './store/schema.ts';
import { findTicket, listEvents, listRequesters } from './store/ticket-store.ts';

export interface TicketFilter {
  states?: readonly TicketState[];
  department?: string;
  category?: string;
  priority?: Priority;
  /** true: only red-list enterprises; false: only others. */
  redList?: boolean;
  /** true: open and past due; false: not overdue. */
  overdue?: boolean;
  /** Words to find in the number, enterprise, credit code, mobile or request text. */
  q?: string;
}

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

type Eb = ExpressionBuilder<TicketTables, 'tickets'>;
const EXCERPT_LENGTH = 120;

export class TicketQueries {
  private readonly db: Kysely<TicketTables>;
  private readonly postgres: boolean;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<TicketTables>;
    this.postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  }

  async list(options: ListOptions = {}): Promise<TicketPage> {
    const now = (options.now ?? new Date()).toISOString();
    const page = Math.max(1, Math.floor(options.page ?? 1));
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(options.pageSize ?? 20)));
    const where = (eb: Eb) => this.conditions(eb, options.filter ?? {}, now);
    const order = options.order ?? (options.sort === 'created' || options.sort === 'updated' ? 'desc' : 'asc');
    let query = this.db.selectFrom('tickets').selectAll().where(where);
    switch (options.sort ?? 'urgency') {
      case 'urgency': query = query.orderBy('urgency', order === 'asc' ? 'desc' : 'asc').orderBy('due_at', order); break;
      case 'due': query = query.orderBy('due_at', order); break;
      case 'created': query = query.orderBy('created_at', order); break;
      case 'updated': query = query.orderBy('updated_at', order); break;
    }
    const [rows, count] = await Promise.all([
      query.orderBy('number', order).limit(pageSize).offset((page - 1) * pageSize).execute(),
      this.db.selectFrom('tickets').select((eb) => eb.fn.countAll<string | number>().as('n')).where(where).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map((r) => summary(toTicket(r), now)), total: Number(count.n), page, pageSize };
  }

  /** Tickets per state under a filter (its own states ignored), and how many of them are overdue. */
  async counts(filter: TicketFilter = {}, at: Date = new Date()): Promise<{ total: number; byState: Record<TicketState, number>; overdue: number }> {
    const now = at.toISOString();
    const rest = { ...filter, states: undefined };
    const rows = await this.db
      .selectFrom('tickets')
      .select((eb) => ['state', eb.fn.countAll<string | number>().as('n')])
      .where((eb) => this.conditions(eb, rest, now))
      .groupBy('state')
      .execute();
    const byState = Object.fromEntries(TICKET_STATES.map((s) => [s, 0])) as Record<TicketState, number>;
    for (const r of rows) byState[r.state as TicketState] = Number(r.n);
    const overdue = await this.db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where((eb) => this.conditions(eb, { ...rest, overdue: true }, now))
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

  private conditions(eb: Eb, f: TicketFilter, now: string) {
    const all = [];
    if (f.states && f.states.length > 0) all.push(eb('state', 'in', [...f.states]));
    if (f.department) all.push(eb('department', '=', f.department));
    if (f.category) all.push(eb('category', '=', f.category));
    if (f.priority) all.push(eb('priority', '=', f.priority));
    if (f.redList !== undefined) all.push(eb('redlist_tier', f.redList ? 'is not' : 'is', null));
    if (f.overdue === true) all.push(eb.and([eb('state', 'in', [...OPEN_STATES]), eb('due_at', '<', now)]));
    if (f.overdue === false) all.push(eb.or([eb('state', 'not in', [...OPEN_STATES]), eb('due_at', '>=', now)]));
    const q = f.q?.trim();
    if (q) all.push(this.textMatch(eb, q));
    return eb.and(all);
  }

  /** A ticket number finds that ticket; other words search the text fields (case-insensitive on both engines). */
  private textMatch(eb: Eb, q: string) {
    const number = parseTicketNumber(q);
    if (number) return eb('number', '=', number);
    const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const like = this.postgres ? sql.raw('ilike') : sql.raw('like');
    const columns = ['number', 'enterprise_name', 'credit_code', 'contact_mobile', 'contact_name', 'request_text'] as const;
    return eb.or(columns.map((c) => sql<boolean>`${sql.ref(c)} ${like} ${pattern} escape '\\'`));
  }
}

const isOverdue = (t: Pick<Ticket, 'state' | 'dueAt'>, now: string) => OPEN_STATES.includes(t.state) && t.dueAt < now;

function summary(t: Ticket, now: string): TicketSummary {
  return {
    number: t.number, state: t.state, type: t.type, category: t.category, department: t.department,
    priority: t.priority, redListTier: t.redListTier, enterpriseName: t.enterpriseName,
    contactName: t.contactName, contactMobile: t.contactMobile,
    excerpt: [...t.requestText].slice(0, EXCERPT_LENGTH).join(''),
    dueAt: t.dueAt, overdue: isOverdue(t, now), supervised: t.supervised, extensionPending: t.pendingExtension !== null,
    createdAt: t.createdAt, updatedAt: t.updatedAt, version: t.version,
  };
}
