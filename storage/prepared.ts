import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

const SENTINEL = '\u0000lineone:param:';
const hotStatements = new Set<string>();

/** SQL texts of prepared queries: PostgreSQL runs these as named (server-side prepared) statements. */
export function isHotStatement(sqlText: string): boolean {
  return hotStatements.has(sqlText);
}

/**
 * A query compiled once for the database's dialect and run many times with new parameters: no query building or
 * compiling per call, and the driver reuses its prepared statement (SQLite: the statement cache in
 * database.ts; PostgreSQL: a named statement per connection). For the few statements every turn runs.
 *
 * Build it with `p('name')` where a parameter goes; run it with `{ name: value }`.
 */
export class PreparedQuery<Row> {
  private readonly sql: string;
  /** Per parameter: the argument name to take it from, or a constant compiled into the query (e.g. a limit). */
  private readonly slots: ReadonlyArray<{ name: string } | { value: unknown }>;

  constructor(db: Kysely<any>, build: (p: (name: string) => any) => Compilable<Row>) {
    const compiled = build((name) => `${SENTINEL}${name}`).compile();
    this.sql = compiled.sql;
    this.slots = compiled.parameters.map((value) =>
      typeof value === 'string' && value.startsWith(SENTINEL) ? { name: value.slice(SENTINEL.length) } : { value },
    );
    hotStatements.add(this.sql);
  }

  /** Runs on the database or inside a transaction (`trx`). */
  execute(executor: Kysely<any>, args: Record<string, unknown>): Promise<QueryResult<Row>> {
    const parameters = this.slots.map((slot) => ('name' in slot ? args[slot.name] : slot.value));
    return executor.executeQuery<Row>(CompiledQuery.raw(this.sql, parameters));
  }
}
