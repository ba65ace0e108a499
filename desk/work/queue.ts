// The queue as a person sees it: their filter (a handler is held to its department whatever it asks for), "mine" and
// "unassigned" from the desk's assignments, and the counts on each filter chip.
import { type Kysely, sql } from 'kysely';
import { OPEN_STATES, TICKET_STATES, type TicketState } from '../../tickets/model.ts';
import type { TicketFilter } from '../../tickets/queries.ts';
import { FilterSql } from '../../tickets/store/filters.ts';
import type { TicketTables } from '../../tickets/store/schema.ts';
import { can, type DeskUser } from '../auth/roles.ts';
import type { Assignments } from './assignments.ts';

export type AssignedFilter = 'me' | 'none';

export interface QueueCounts {
  /** Every ticket under the filter, by state (the state filter itself ignored). */
  total: number;
  byState: Record<TicketState, number>;
  /** Open tickets under the filter: */
  open: number;
  overdue: number;
  mine: number;
  unassigned: number;
  redList: number;
  byCategory: Record<string, number>;
  byDepartment: Record<string, number>;
}

export class Queue {
  private readonly db: Kysely<TicketTables>;
  private readonly filters: FilterSql;

  constructor(
    db: Kysely<any>,
    private readonly assignments: Assignments,
  ) {
    this.db = db as Kysely<TicketTables>;
    this.filters = new FilterSql(db);
  }

  /** The filter a user may run: a handler always sees its own department only. */
  filterFor(user: DeskUser, filter: TicketFilter, assigned?: AssignedFilter): TicketFilter {
    const scoped: TicketFilter = can(user, 'tickets.all') ? { ...filter } : { ...filter, department: user.department ?? '\u0000none' };
    if (assigned === 'me') scoped.numbers = { in: this.assignments.mine(user.id) };
    if (assigned === 'none') scoped.numbers = { notIn: this.assignments.all() };
    return scoped;
  }

  /** The number on each chip of the queue: per state, and per quick filter among open tickets. */
  async counts(user: DeskUser, filter: TicketFilter, now: Date): Promise<QueueCounts> {
    const at = now.toISOString();
    const base = this.filterFor(user, { ...filter, states: undefined, numbers: undefined });
    const open = { ...base, states: OPEN_STATES };
    const count = async (f: TicketFilter) => {
      const row = await this.db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where((eb) => this.filters.predicate(eb, f, at))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const groups = async (column: 'state' | 'category' | 'department', f: TicketFilter) => {
      const rows = await this.db
        .selectFrom('tickets')
        .select([sql<string | null>`${sql.ref(column)}`.as('key'), (eb) => eb.fn.countAll<string | number>().as('n')])
        .where((eb) => this.filters.predicate(eb, f, at))
        .groupBy(column)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.key ?? '', Number(r.n)])) as Record<string, number>;
    };
    // One at a time: on SQLite they share one connection anyway, and on PostgreSQL they stay off the pool's other users.
    const perState = await groups('state', base);
    const byState = Object.fromEntries(TICKET_STATES.map((s) => [s, perState[s] ?? 0])) as Record<TicketState, number>;
    const overdue = await count({ ...open, overdue: true });
    const mine = can(user, 'assign.self') ? await count(this.filterFor(user, open, 'me')) : 0;
    const unassigned = can(user, 'assign.self') ? await count(this.filterFor(user, open, 'none')) : 0;
    const redList = await count({ ...open, redList: true });
    const byCategory = await groups('category', open);
    const byDepartment = await groups('department', open);
    return {
      total: Object.values(byState).reduce((a, b) => a + b, 0),
      byState,
      open: OPEN_STATES.reduce((n, s) => n + byState[s], 0),
      overdue,
      mine,
      unassigned,
      redList,
      byCategory,
      byDepartment,
    };
  }
}
