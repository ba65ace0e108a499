// The desk's filters as SQL predicates, in two formulations. Narrow: plain column predicates, so the engine picks
// the index of the most selective filter and sorts the few rows left. Broad (thousands of matches, SQLite only): the
// same predicates on expressions no index covers, so SQLite walks the index of the sort order and stops after one
// page; its planner does not weigh LIMIT and would otherwise sort tens of thousands of rows to return 20.
// PostgreSQL's planner does weigh LIMIT against its statistics and is best left the plain predicates (measured).
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, SqliteAdapter, sql } from 'kysely';
import { OPEN_STATES, type Priority, type TicketState } from '../model.ts';
import { parseTicketNumber } from '../number.ts';
import { normalizeForSearch } from './rows.ts';
import type { TicketTables } from './schema.ts';

export interface TicketFilter {
  states?: readonly TicketState[];
  department?: string;
  category?: string;
  priority?: Priority;
  /** true: only red-list enterprises; false: only others. */
  redList?: boolean;
  /** true: open and past due; false: not overdue. */
  overdue?: boolean;
  /** Words to find in the number, enterprise, credit code, contact, mobile or request text. */
  q?: string;
  /**
   * Only tickets whose number is (`in`) or is not (`notIn`) among a caller's list, given as a one-column subquery
   * (the desk's assignments: "mine", "unassigned"). tickets/ never reads the caller's table itself.
   */
  numbers?: { in: Expression<any> } | { notIn: Expression<any> };
}

type Eb = ExpressionBuilder<TicketTables, 'tickets'>;

/** Trigram indexes need three characters between wildcards. */
const MIN_INDEXED_SEARCH = 3;

export class FilterSql {
  private readonly sqlite: boolean;

  constructor(db: Kysely<any>) {
    this.sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  }

  /** Whether a broad filter should be hidden from this engine's planner. */
  get hintsSortOrder(): boolean {
    return this.sqlite;
  }

  /** The filter as one predicate; `broad` hides the columns from the planner (see above). */
  predicate(eb: Eb, f: TicketFilter, now: string, broad = false): Expression<SqlBool> {
    const text = (column: 'state' | 'department' | 'category' | 'priority' | 'due_at') =>
      broad ? sql<string>`(${sql.ref(column)} || '')` : sql.ref<string>(column);
    const all: Expression<SqlBool>[] = [];
    if (f.states && f.states.length > 0) all.push(eb(text('state'), 'in', [...f.states]));
    if (f.department) all.push(eb(text('department'), '=', f.department));
    if (f.category) all.push(eb(text('category'), '=', f.category));
    if (f.priority) all.push(eb(text('priority'), '=', f.priority));
    // urgency is odd exactly for red-list tickets (rows.ts urgencyOf), so the queue index can serve this filter.
    if (f.redList !== undefined) all.push(eb(broad ? sql<number>`(urgency + 0)` : sql.ref<number>('urgency'), 'in', f.redList ? [1, 3] : [0, 2]));
    if (f.overdue === true) all.push(eb.and([eb(text('state'), 'in', [...OPEN_STATES]), eb(text('due_at'), '<', now)]));
    if (f.overdue === false) all.push(eb.or([eb(text('state'), 'not in', [...OPEN_STATES]), eb(text('due_at'), '>=', now)]));
    if (f.numbers) all.push('in' in f.numbers ? eb('number', 'in', f.numbers.in) : eb('number', 'not in', f.numbers.notIn));
    const q = f.q?.trim();
    if (q) all.push(this.search(eb, q));
    return eb.and(all);
  }

  /** A ticket number finds that ticket; other words are a case-insensitive substring search. */
  private search(eb: Eb, q: string): Expression<SqlBool> {
    const number = parseTicketNumber(q);
    if (number) return eb('number', '=', number);
    const words = normalizeForSearch(q);
    const literal = /[\\%_]/.test(words);
    // SQLite's FTS5 trigram index answers LIKE (without ESCAPE, so only for text free of wildcard characters).
    if (this.sqlite && !literal && [...words].length >= MIN_INDEXED_SEARCH) {
      return sql<SqlBool>`rowid in (select rowid from tickets_search where search_text like ${`%${words}%`})`;
    }
    const pattern = `%${words.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return sql<SqlBool>`${sql.ref('search_text')} like ${pattern} escape '\\'`;
  }
}
