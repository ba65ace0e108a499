import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../app/schemas.ts';
import { openDatabase } from '../../storage/database.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('SQLite file modes', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('creates the data directory 0700 and the database, its WAL and shared-memory files 0600', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lineone-modes-'));
    dirs.push(root);
    const dir = join(root, 'data');
    const file = join(dir, 'lineone.db');
    const db = await openDatabase(`sqlite:${file}`, SCHEMAS);
    try {
      await db.kysely.insertInto('kv_items').values({ key: 'k', data: '{}', etag: 'e', updated_at: new Date().toISOString() }).execute();
      expect(mode(dir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    } finally {
      await db.close();
    }
  });

  it('narrows a database file left world-readable by an earlier version', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lineone-modes-'));
    dirs.push(root);
    const file = join(root, 'old.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const db = await openDatabase(`sqlite:${file}`, SCHEMAS);
    await db.close();
    expect(mode(file)).toBe(0o600);
  });
});
