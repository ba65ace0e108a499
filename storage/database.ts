import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import { type Checkpointer, FALLBACK_PAGES, startCheckpointer } from './checkpointer.ts';
import { migrateToLatest, type ModuleSchema } from './migrate.ts';
import { isHotStatement } from './prepared.ts';

export type Engine = 'sqlite' | 'postgres';

export interface Db {
  engine: Engine;
  /** Untyped here: each module views it through its own table types (`Kysely<WebchatTables>` …). */
  kysely: Kysely<any>;
  /** True when a trivial query succeeds: what /readyz reports. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens SQLite (default, one file, zero setup) or PostgreSQL (scale-out) from one URL, and
 * brings the given modules' tables up to date. Drivers load lazily so a SQLite install never
 * touches pg.
 */
export interface DatabaseOptions {
  /**
   * SQLite durability: `normal` (default) survives a process crash (kill -9) but may lose the last commits on
   * power loss; `full` syncs every commit to disk and survives power loss too, at a cost per commit.
   */
  sync?: 'normal' | 'full';
}

export async function openDatabase(url: string, schemas: readonly ModuleSchema[], options: DatabaseOptions = {}): Promise<Db> {
  const engine: Engine = /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
  const { kysely, checkpointer }: Opened = engine === 'postgres' ? { kysely: await openPostgres(url) } : await openSqlite(url, options.sync ?? 'normal');
  try {
    await migrateToLatest(kysely, schemas);
  } catch (err) {
    await checkpointer?.stop();
    await kysely.destroy();
    throw err;
  }
  return {
    engine,
    kysely,
    async ping() {
      try {
        await sql`select 1`.execute(kysely);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await checkpointer?.stop();
      await kysely.destroy();
    },
  };
}

interface Opened {
  kysely: Kysely<any>;
  /** SQLite files only: checkpoints the log off the main thread. */
  checkpointer?: Checkpointer;
}

async function openSqlite(url: string, sync: 'normal' | 'full'): Promise<Opened> {
  const path = url.replace(/^(sqlite|file):(\/\/)?/, '') || ':memory:';
  if (path !== ':memory:') privateFile(path);
  const { default: SQLite } = await import('better-sqlite3').catch((cause: unknown) => {
    throw new Error('storage: better-sqlite3 failed to load; run `npm ci` (it builds from source on Node 20)', { cause });
  });
  const database = new SQLite(path);
  // WAL lets readers run while a turn writes; NORMAL sync is durable across process crashes, FULL across power loss.
  database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  database.pragma('busy_timeout = 5000');
  // SQLite creates -wal and -shm with the database's mode; make sure of it for files left by older versions.
  if (path !== ':memory:') for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
  const kysely = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  if (path === ':memory:') return { kysely };
  // Checkpoints run in a worker (see checkpointer.ts); this connection's own only bounds the log.
  database.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  return { kysely, checkpointer: startCheckpointer(path) };
}

/**
 * kysely prepares every statement again on every call; preparing is a tenth of a turn's CPU. This keeps the
 * most recently used statements (a turn uses a handful, always the same ones) and hands them back.
 */
function withStatementCache(database: SqliteDatabase, max = 256): SqliteDatabase {
  const cache = new Map<string, unknown>();
  const prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement) {
      cache.delete(sql); // re-insert: most recently used last
    } else {
      statement = database.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    }
    cache.set(sql, statement);
    return statement;
  };
  return { prepare: prepare as SqliteDatabase['prepare'], close: () => database.close() };
}

/**
 * The database holds conversations (personal data) and secrets: a directory this creates is 0700 and
 * the file is created 0600 before SQLite opens it (an existing file is narrowed to 0600 too). A
 * directory that already exists (perhaps shared, like /tmp) keeps its mode.
 */
function privateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

async function openPostgres(url: string): Promise<Kysely<any>> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server drops (restart, failover) is discarded by the pool and replaced on next use;
  // unhandled, its error event would end the process.
  pool.on('error', () => undefined);
  // The hot path's statements run as named statements: parsed and planned once per connection.
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) =>
      typeof text === 'string' && isHotStatement(text) ? query({ name: statementName(text), text, values }, ...rest) : query(text, values, ...rest);
  });
  return new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
}

const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `lineone_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`));
  return name;
}
