import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../storage/database.ts';
import { storageSchema } from '../../storage/schema.ts';

describe('SQLite checkpoints in the background', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copies committed pages into the database file without the writing connection checkpointing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineone-ckpt-'));
    dirs.push(dir);
    const file = join(dir, 'ckpt.db');
    const db = await openDatabase(`sqlite:${file}`, [storageSchema]);
    try {
      const before = statSync(file).size;
      // ~100 pages: far below the main connection's own checkpoint threshold, so only the worker copies them.
      const value = 'x'.repeat(4000);
      for (let i = 0; i < 100; i++)
        await db.kysely
          .insertInto('kv_items')
          .values({ key: `k${i}`, data: value, etag: 'e', updated_at: new Date().toISOString() })
          .execute();
      const deadline = Date.now() + 5_000;
      while (statSync(file).size < before + 100 * 4000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(statSync(file).size).toBeGreaterThanOrEqual(before + 100 * 4000);
      const rows = await sql<{ n: number }>`select count(*) as n from kv_items`.execute(db.kysely);
      expect(Number(rows.rows[0]?.n)).toBe(100);
    } finally {
      await db.close();
    }
  });
});
