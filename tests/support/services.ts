import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** CI sets this: a missing PostgreSQL, Redis or Chromium then fails the run instead of skipping. */
export const REQUIRE_SERVICES = process.env.LINEONE_REQUIRE_SERVICES === '1';
const PG_ADMIN_URL = process.env.LINEONE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

/** A fresh SQLite file in a temp dir. */
export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'lineone-test-'));
  return { engine: 'sqlite', url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A fresh PostgreSQL database on the local server, or undefined (with the reason printed) when the
 * server is not there. With LINEONE_REQUIRE_SERVICES=1 its absence is an error.
 */
export async function postgresDatabase(): Promise<TestDatabase | undefined> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    const reason = `PostgreSQL not reachable at ${PG_ADMIN_URL} (${(err as Error).message})`;
    if (REQUIRE_SERVICES) throw new Error(`${reason}; LINEONE_REQUIRE_SERVICES=1 forbids skipping`);
    console.warn(`skipping PostgreSQL tests: ${reason}`);
    return undefined;
  }
  const name = `lineone_test_${randomBytes(6).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const REDIS_URL = process.env.LINEONE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The local Redis URL, or undefined (reason printed) when it does not answer. */
export async function redisUrl(): Promise<string | undefined> {
  const { Redis } = await import('ioredis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return REDIS_URL;
  } catch (err) {
    const reason = `Redis not reachable at ${REDIS_URL} (${(err as Error).message})`;
    if (REQUIRE_SERVICES) throw new Error(`${reason}; LINEONE_REQUIRE_SERVICES=1 forbids skipping`);
    console.warn(`skipping Redis tests: ${reason}`);
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** Both engines where available: the contract suites run once per entry. */
export async function allDatabases(): Promise<TestDatabase[]> {
  const pg = await postgresDatabase();
  return pg ? [sqliteDatabase(), pg] : [sqliteDatabase()];
}
