import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StorageTables } from './schema.ts';

/** A stored value and the version it was written as (a fresh id on every write). */
export interface StoredValue {
  value: string;
  version: string;
}

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

/**
 * A plain key-value store with optimistic concurrency. `put` with an expected version succeeds only
 * while the stored value still has that version, or when nothing is stored yet (first write wins);
 * without one it overwrites.
 */
export interface KeyValueStore {
  get(keys: readonly string[]): Promise<Map<string, StoredValue>>;
  /** Returns the new version; throws VersionConflictError when someone else wrote in between. */
  put(key: string, value: string, expected?: string): Promise<string>;
  delete(keys: readonly string[]): Promise<void>;
}

const conflict = (key: string) => new VersionConflictError(`storage: eTag conflict writing "${key}": it was changed by another turn`);

export class MemoryKeyValueStore implements KeyValueStore {
  private readonly items = new Map<string, StoredValue>();

  async get(keys: readonly string[]): Promise<Map<string, StoredValue>> {
    const found = new Map<string, StoredValue>();
    for (const key of keys) {
      const item = this.items.get(key);
      if (item) found.set(key, { ...item });
    }
    return found;
  }

  async put(key: string, value: string, expected?: string): Promise<string> {
    const current = this.items.get(key);
    if (expected !== undefined && current && current.version !== expected) throw conflict(key);
    const version = randomUUID();
    this.items.set(key, { value, version });
    return version;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.items.delete(key);
  }
}

export class SqlKeyValueStore implements KeyValueStore {
  constructor(private readonly db: Kysely<StorageTables>) {}

  async get(keys: readonly string[]): Promise<Map<string, StoredValue>> {
    const found = new Map<string, StoredValue>();
    if (keys.length === 0) return found;
    const rows = await this.db.selectFrom('kv_items').select(['key', 'data', 'etag']).where('key', 'in', keys).execute();
    for (const row of rows) found.set(row.key, { value: row.data, version: row.etag });
    return found;
  }

  async put(key: string, value: string, expected?: string): Promise<string> {
    const etag = randomUUID();
    const updated_at = new Date().toISOString();
    const row = { key, data: value, etag, updated_at };
    if (expected === undefined) {
      await this.db
        .insertInto('kv_items')
        .values(row)
        .onConflict((oc) => oc.column('key').doUpdateSet({ data: value, etag, updated_at }))
        .execute();
      return etag;
    }
    const updated = await this.db
      .updateTable('kv_items')
      .set({ data: value, etag, updated_at })
      .where('key', '=', key)
      .where('etag', '=', expected)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return etag;
    // Not updated: either someone changed it (conflict) or it never existed (first write wins).
    const inserted = await this.db.insertInto('kv_items').values(row).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) throw conflict(key);
    return etag;
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom('kv_items').where('key', 'in', keys).execute();
  }
}
