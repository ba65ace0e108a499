import type { Kysely } from 'kysely';
import type { KeepConversations, RetentionTask } from '../../storage/retention.ts';
import { CHANNEL_ID } from './mapping.ts';
import type { WebchatTables } from './schema.ts';

/**
 * Direct Line transcripts: a conversation untouched since the cutoff goes with all its activities,
 * unless the keep hook holds on to it. Keyset-paged on (updated_at, id), so kept conversations are
 * passed over rather than read again in every batch.
 */
export function directLineRetention(db: Kysely<WebchatTables>, keep: KeepConversations): RetentionTask {
  return {
    name: 'directline transcripts',
    async purge(cutoff, batchSize) {
      const before = cutoff.toISOString();
      let deleted = 0;
      let after: { updated_at: string; id: string } | undefined;
      for (;;) {
        const rows = await db
          .selectFrom('dl_conversations')
          .select(['id', 'updated_at'])
          .where('updated_at', '<', before)
          .$if(after !== undefined, (q) =>
            q.where((eb) => eb.or([eb('updated_at', '>', after!.updated_at), eb.and([eb('updated_at', '=', after!.updated_at), eb('id', '>', after!.id)])])),
          )
          .orderBy('updated_at')
          .orderBy('id')
          .limit(batchSize)
          .execute();
        if (rows.length === 0) return deleted;
        after = rows.at(-1);
        const kept = await keep(
          CHANNEL_ID,
          rows.map((r) => r.id),
        );
        const doomed = rows.map((r) => r.id).filter((id) => !kept.has(id));
        if (doomed.length > 0) {
          deleted += await db.transaction().execute(async (trx) => {
            // Re-checked inside the transaction: a conversation written to since the select stays.
            const still = await trx.selectFrom('dl_conversations').select('id').where('id', 'in', doomed).where('updated_at', '<', before).execute();
            const ids = still.map((r) => r.id);
            if (ids.length === 0) return 0;
            await trx.deleteFrom('dl_activities').where('conversation_id', 'in', ids).execute();
            await trx.deleteFrom('dl_conversations').where('id', 'in', ids).execute();
            return ids.length;
          });
        }
        if (rows.length < batchSize) return deleted;
      }
    },
  };
}
