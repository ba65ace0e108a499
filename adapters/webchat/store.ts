import type { Activity } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Logger } from '../../log/logger.ts';
import { decodeStoredActivity } from './decode.ts';
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
  /** Rows already reported as unservable (logged once each; bounded). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly db: Kysely<WebchatTables>,
    private readonly log?: Logger,
  ) {}

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
      .select(['seq', 'activity', 'created_at'])
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', watermark)
      .orderBy('seq')
      .limit(PAGE_SIZE)
      .execute();
    const last = rows.at(-1);
    const unservable = (seq: number, reason: string) => this.reportOnce(conversationId, seq, reason);
    const activities = rows.map((r) => decodeStoredActivity(activityId(conversationId, Number(r.seq)), Number(r.seq), r.activity, r.created_at, unservable));
    return { activities, watermark: last ? Number(last.seq) : watermark };
  }

  private reportOnce(conversationId: string, seq: number, reason: string): void {
    const key = `${conversationId}|${seq}`;
    if (this.reported.has(key)) return;
    if (this.reported.size >= 10_000) this.reported.clear();
    this.reported.add(key);
    this.log?.warn({ conversationId, seq, reason }, 'directline: a stored activity cannot be served; sending a placeholder');
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
