import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { StorageTables } from './schema.ts';

/**
 * Returns the named secret, creating a random one on first use. Kept in the database so every
 * instance behind a load balancer, and every restart, signs and checks with the same key.
 */
export async function getOrCreateSecret(db: Kysely<StorageTables>, name: string): Promise<string> {
  const candidate = randomBytes(32).toString('base64url');
  await db
    .insertInto('app_secrets')
    .values({ name, value: candidate, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
