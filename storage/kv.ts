import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PreparedQuery } from './prepared.ts';
import type { KeyValueTable, StorageTables } from './schema.ts';
import { RecentTouches, TouchingStatement } from './touches.ts';
import type { PendingWrite, UnitOfWork } from './unit-of-work.ts';

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
  /**
   * Returns the new version; throws VersionConflictError when someone else wrote in between. Within an open `unit`
   * the write joins the turn's transaction (where the store is transactional).
   */
  put(key: string, value: string, expected?: string, unit?: UnitOfWork): Promise<string>;
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

interface PendingPut extends PendingWrite {
  value: string;
  etag: string;
  expected: string | undefined;
}

/**
 * The key-value store over SQL. Conversation state is read and written on every turn, so the single-key
 * statements are prepared once; inside a turn's unit of work a write joins the turn's transaction.
 */
export class SqlKeyValueStore implements KeyValueStore {
  private readonly getOne: PreparedQuery<KeyValueTable>;
  /** The two writes of a value; they set `updated_at` once in a while (see touches.ts). */
  private readonly upsert: TouchingStatement<PreparedQuery<unknown>>;
  private readonly updateIf: TouchingStatement<PreparedQuery<unknown>>;
  private readonly insertIfAbsent: PreparedQuery<unknown>;

  constructor(
    private readonly db: Kysely<StorageTables>,
    touches = new RecentTouches(),
  ) {
    this.getOne = new PreparedQuery(db, (p) => db.selectFrom('kv_items').selectAll().where('key', '=', p('key')));
    const row = (p: (name: string) => any) => ({ key: p('key'), data: p('data'), etag: p('etag'), updated_at: p('at') });
    const stamp = (touch: boolean, p: (name: string) => any, name: string) => (touch ? { updated_at: p(name) } : {});
    this.upsert = new TouchingStatement(
      touches,
      (touch) =>
        new PreparedQuery(db, (p) =>
          db
            .insertInto('kv_items')
            .values(row(p))
            .onConflict((oc) => oc.column('key').doUpdateSet({ data: p('data2'), etag: p('etag2'), ...stamp(touch, p, 'at2') })),
        ),
    );
    this.updateIf = new TouchingStatement(
      touches,
      (touch) =>
        new PreparedQuery(db, (p) =>
          db
            .updateTable('kv_items')
            .set({ data: p('data'), etag: p('etag'), ...stamp(touch, p, 'at') })
            .where('key', '=', p('key'))
            .where('etag', '=', p('expected')),
        ),
    );
    this.insertIfAbsent = new PreparedQuery(db, (p) =>
      db
        .insertInto('kv_items')
        .values(row(p))
        .onConflict((oc) => oc.column('key').doNothing()),
    );
  }

  async get(keys: readonly string[]): Promise<Map<string, StoredValue>> {
    const found = new Map<string, StoredValue>();
    if (keys.length === 0) return found;
    const rows =
      keys.length === 1
        ? (await this.getOne.execute(this.db, { key: keys[0] })).rows
        : await this.db.selectFrom('kv_items').selectAll().where('key', 'in', keys).execute();
    for (const row of rows) found.set(row.key, { value: row.data, version: row.etag });
    return found;
  }

  async put(key: string, value: string, expected?: string, unit?: UnitOfWork): Promise<string> {
    const etag = randomUUID();
    if (!unit?.open) {
      await this.write(this.db, key, value, etag, expected);
      return etag;
    }
    // Inside a turn: the write joins the turn's transaction. A second write in the same turn replaces the value
    // and keeps the version the turn first read.
    const pending: PendingPut = unit.part(`kv:${key}`, () => ({
      value,
      etag,
      expected,
      write: (trx: Kysely<any>) => this.write(trx, key, pending.value, pending.etag, pending.expected),
    }));
    pending.value = value;
    pending.etag = etag;
    return etag;
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom('kv_items').where('key', 'in', keys).execute();
  }

  private async write(executor: Kysely<any>, key: string, data: string, etag: string, expected: string | undefined): Promise<void> {
    const at = new Date().toISOString();
    if (expected === undefined) {
      await this.upsert.for(key).execute(executor, { key, data, etag, at, data2: data, etag2: etag, at2: at });
      return;
    }
    const updated = await this.updateIf.for(key).execute(executor, { key, data, etag, at, expected });
    if (Number(updated.numAffectedRows ?? 0n) === 1) return;
    // Not updated: either someone changed it (conflict) or it never existed (first write wins).
    const inserted = await this.insertIfAbsent.execute(executor, { key, data, etag, at });
    if (Number(inserted.numAffectedRows ?? 0n) !== 1) throw conflict(key);
  }
}
