import type { Kysely } from 'kysely';
import type { WechatyTables } from './schema.ts';

/**
 * A lease on the WeChat login, held in the database: whoever holds an unexpired row is the one
 * instance logged in. The holder renews it (heartbeat); if it dies, the row expires and a standby
 * instance takes over. Acquire and renew are single conditional writes, so two instances can never
 * both believe they hold it.
 */
export class LoginLease {
  constructor(
    private readonly db: Kysely<WechatyTables>,
    private readonly name: string,
    readonly holder: string,
    private readonly leaseMs: number,
  ) {}

  /** True when this instance now holds the lease (taken fresh, or renewed). */
  async acquire(): Promise<boolean> {
    const now = new Date();
    const expires_at = new Date(now.getTime() + this.leaseMs).toISOString();
    const updated_at = now.toISOString();
    await this.db
      .insertInto('wechaty_lease')
      .values({ name: this.name, holder: this.holder, expires_at, updated_at })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const taken = await this.db
      .updateTable('wechaty_lease')
      .set({ holder: this.holder, expires_at, updated_at })
      .where('name', '=', this.name)
      .where((eb) => eb.or([eb('holder', '=', this.holder), eb('expires_at', '<', updated_at)]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  /** Extends the lease; false means another instance took it (we must log out). */
  async renew(): Promise<boolean> {
    const now = new Date();
    const renewed = await this.db
      .updateTable('wechaty_lease')
      .set({ expires_at: new Date(now.getTime() + this.leaseMs).toISOString(), updated_at: now.toISOString() })
      .where('name', '=', this.name)
      .where('holder', '=', this.holder)
      .executeTakeFirst();
    return Number(renewed.numUpdatedRows) === 1;
  }

  /** Gives the lease up at once so a standby instance need not wait for it to expire. */
  async release(): Promise<void> {
    await this.db.deleteFrom('wechaty_lease').where('name', '=', this.name).where('holder', '=', this.holder).execute();
  }
}
