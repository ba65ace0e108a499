import type { Activity } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { WebchatTables } from './schema.ts';
import type { ActivityBatch } from './hub.ts';

export interface Conversation {
  id: string;
  userId: string;
  lastSeq: number;
}

/** Most activities a client gets in one GET or one stream frame; it asks again with the new watermark. */
export const PAGE_SIZE = 100;

/**
 * Direct Line conversations and their activities, persisted: a restart or another instance sees
 * the same history. The watermark is the per-conversation sequence number of the last activity.
 */
export class ConversationStore {
  constructor(private readonly db: Kysely<WebchatTables>) {}

  async create(id: string, userId: string): Promise<Conversation> {
    const now = new Date().toISOString();
    await this.db.insertInto('dl_conversations').values({ id, user_id: userId, last_seq: 0, created_at: now, updated_at: now }).execute();
    return { id, userId, lastSeq: 0 };
  }

  async get(id: string): Promise<Conversation | undefined> {
    const row = await this.db.selectFrom('dl_conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { id: row.id, userId: row.user_id, lastSeq: Number(row.last_seq) };
  }

  /**
   * Stores activities in order and gives each its id (`conversationId|seq`), which the caller's
   * objects receive too; returns them with the new watermark. One transaction: the sequence and
   * the rows never disagree.
   */
  async append(conversationId: string, activities: Partial<Activity>[]): Promise<ActivityBatch> {
    if (activities.length === 0) return { activities, watermark: (await this.get(conversationId))?.lastSeq ?? 0 };
    return this.db.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      const row = await trx
        .updateTable('dl_conversations')
        .set((eb) => ({ last_seq: eb('last_seq', '+', activities.length), updated_at: now }))
        .where('id', '=', conversationId)
        .returning('last_seq')
        .executeTakeFirstOrThrow();
      const first = Number(row.last_seq) - activities.length + 1;
      const rows = activities.map((activity, i) => {
        activity.id = activityId(conversationId, first + i);
        activity.timestamp ??= new Date(now);
        return { conversation_id: conversationId, seq: first + i, activity: JSON.stringify(activity), created_at: now };
      });
      await trx.insertInto('dl_activities').values(rows).execute();
      return { activities, watermark: Number(row.last_seq) };
    });
  }

  /** Activities after the watermark, oldest first, and the watermark to ask with next. */
  async after(conversationId: string, watermark: number): Promise<ActivityBatch> {
    const rows = await this.db
      .selectFrom('dl_activities')
      .select(['seq', 'activity'])
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', watermark)
      .orderBy('seq')
      .limit(PAGE_SIZE)
      .execute();
    const last = rows.at(-1);
    return { activities: rows.map((r) => JSON.parse(r.activity) as Partial<Activity>), watermark: last ? Number(last.seq) : watermark };
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
