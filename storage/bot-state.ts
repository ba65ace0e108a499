import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export class ETagConflictError extends Error {
  override name = 'ETagConflictError';
}

/**
 * botbuilder's `Storage` over SQL, with the same optimistic concurrency as MemoryStorage: a write
 * carrying an eTag only succeeds if the stored item still has that eTag; no eTag or "*" overwrites.
 */
export class SqlBotStorage implements Storage {
  constructor(private readonly db: Kysely<Database>) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const rows = await this.db.selectFrom('bot_state').select(['key', 'data', 'etag']).where('key', 'in', keys).execute();
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...JSON.parse(row.data), eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) await this.writeOne(key, item ?? {});
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.db.deleteFrom('bot_state').where('key', 'in', keys).execute();
  }

  private async writeOne(key: string, item: Record<string, unknown>): Promise<void> {
    const { eTag: expected, ...rest } = item;
    const data = JSON.stringify(rest);
    const etag = randomUUID();
    const updated_at = new Date().toISOString();
    if (typeof expected !== 'string' || expected === '*' || expected === '') {
      await this.db
        .insertInto('bot_state')
        .values({ key, data, etag, updated_at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ data, etag, updated_at }))
        .execute();
      return;
    }
    const updated = await this.db
      .updateTable('bot_state')
      .set({ data, etag, updated_at })
      .where('key', '=', key)
      .where('etag', '=', expected)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return;
    // Not updated: either someone changed it (conflict) or it never existed (first write wins).
    const inserted = await this.db
      .insertInto('bot_state')
      .values({ key, data, etag, updated_at })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) {
      throw new ETagConflictError(`storage: eTag conflict writing "${key}": it was changed by another turn`);
    }
  }
}
