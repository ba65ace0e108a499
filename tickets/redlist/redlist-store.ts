// 重点企业名单: enterprises served first, by 统一社会信用代码. Imports replace or update the list in one
// transaction, so a failed import leaves the list as it was.
import type { Kysely } from 'kysely';
import { REDLIST_TIERS, type RedListTier } from '../model.ts';
import type { TicketTables } from '../store/schema.ts';

export interface RedListEntry {
  creditCode: string;
  name: string;
  tier: RedListTier;
}

/** What the ticket service asks when a ticket names an enterprise. */
export interface RedListLookup {
  tierOf(creditCode: string): Promise<RedListTier | null>;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** With `replace`: entries no longer on the list. */
  removed: number;
}

export class RedListStore implements RedListLookup {
  private readonly db: Kysely<TicketTables>;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<TicketTables>;
  }

  async tierOf(creditCode: string): Promise<RedListTier | null> {
    const row = await this.db.selectFrom('redlist_enterprises').select('tier').where('credit_code', '=', creditCode).executeTakeFirst();
    return row && (REDLIST_TIERS as readonly string[]).includes(row.tier) ? (row.tier as RedListTier) : null;
  }

  async list(): Promise<RedListEntry[]> {
    const rows = await this.db.selectFrom('redlist_enterprises').select(['credit_code', 'name', 'tier']).orderBy('credit_code').execute();
    return rows.map((r) => ({ creditCode: r.credit_code, name: r.name, tier: r.tier as RedListTier }));
  }

  /** Adds new entries and updates changed ones; with `replace`, also removes every entry not in `entries`. */
  async import(entries: readonly RedListEntry[], options: { replace?: boolean; now?: Date } = {}): Promise<ImportResult> {
    const at = (options.now ?? new Date()).toISOString();
    return this.db.transaction().execute(async (trx) => {
      const existing = new Map((await trx.selectFrom('redlist_enterprises').select(['credit_code', 'name', 'tier']).execute()).map((r) => [r.credit_code, r]));
      const result: ImportResult = { added: 0, updated: 0, unchanged: 0, removed: 0 };
      for (const e of entries) {
        const old = existing.get(e.creditCode);
        existing.delete(e.creditCode);
        if (!old) {
          await trx
            .insertInto('redlist_enterprises')
            .values({ credit_code: e.creditCode, name: e.name, tier: e.tier, created_at: at, updated_at: at })
            .execute();
          result.added++;
        } else if (old.name !== e.name || old.tier !== e.tier) {
          await trx.updateTable('redlist_enterprises').set({ name: e.name, tier: e.tier, updated_at: at }).where('credit_code', '=', e.creditCode).execute();
          result.updated++;
        } else result.unchanged++;
      }
      if (options.replace && existing.size > 0) {
        const gone = [...existing.keys()];
        for (let i = 0; i < gone.length; i += 500)
          await trx
            .deleteFrom('redlist_enterprises')
            .where('credit_code', 'in', gone.slice(i, i + 500))
            .execute();
        result.removed = gone.length;
      }
      return result;
    });
  }
}
