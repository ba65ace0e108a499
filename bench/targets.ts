// The databases a bench runs on: a SQLite file always, and a fresh PostgreSQL database when the server answers.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Target {
  engine: string;
  url: string;
  drop(): Promise<void>;
}

export async function benchTargets(name: string): Promise<Target[]> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const list: Target[] = [{ engine: 'SQLite', url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }];
  const { default: pg } = await import('pg');
  const adminUrl = process.env.LINEONE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    const database = `lineone_bench_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    list.push({
      engine: 'PostgreSQL',
      url: url.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await c.end().catch(() => undefined);
      },
    });
  } catch (err) {
    process.stdout.write(`PostgreSQL skipped: ${(err as Error).message}\n`);
  }
  return list;
}
