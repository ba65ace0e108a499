// Live conversations hold what users wrote to agents: personal data kept no longer than the transcripts
// (RETENTION_DAYS). Ended or missed sessions last active before the cutoff are deleted with their messages, unless
// the conversation is kept (it waits for an open ticket). The shape is storage/retention.ts's RetentionTask.
import type { Kysely } from 'kysely';
import type { DeskTables } from '../schema.ts';

export type KeepConversations = (channelId: string, conversationIds: readonly string[]) => Promise<ReadonlySet<string>>;

export function liveRetention(db: Kysely<any>, keep: KeepConversations) {
  const desk = db as Kysely<DeskTables>;
  return {
    name: 'desk live conversations',
    async purge(cutoff: Date, batchSize: number): Promise<number> {
      const before = cutoff.toISOString();
      let deleted = 0;
      let after = '';
      for (;;) {
        const rows = await desk
          .selectFrom('desk_live_sessions')
          .select(['id', 'channel_id', 'conversation_id'])
          .where('status', 'in', ['ended', 'missed'])
          .where('last_activity_at', '<', before)
          .where('id', '>', after)
          .orderBy('id')
          .limit(batchSize)
          .execute();
        if (rows.length === 0) return deleted;
        after = rows.at(-1)!.id;
        const doomed: string[] = [];
        for (const channel of new Set(rows.map((r) => r.channel_id))) {
          const ofChannel = rows.filter((r) => r.channel_id === channel);
          const kept = await keep(
            channel,
            ofChannel.map((r) => r.conversation_id),
          );
          doomed.push(...ofChannel.filter((r) => !kept.has(r.conversation_id)).map((r) => r.id));
        }
        if (doomed.length === 0) continue;
        await desk.transaction().execute(async (trx) => {
          await trx.deleteFrom('desk_live_messages').where('session_id', 'in', doomed).execute();
          await trx.deleteFrom('desk_live_sessions').where('id', 'in', doomed).execute();
        });
        deleted += doomed.length;
      }
    },
  };
}
