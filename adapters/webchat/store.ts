import type { Activity } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Logger } from '../../log/logger.ts';
import { PreparedQuery } from '../../storage/prepared.ts';
import { RecentTouches, TouchingStatement } from '../../storage/touches.ts';
import { decodeStoredActivity } from './decode.ts';
import type { ActivityBatch } from './hub.ts';
import type { DirectLineActivityTable, WebchatTables } from './schema.ts';

export interface Conversation {
  id: string;
  userId: string;
}

/** Most activities a client gets in one GET or one stream frame; it asks again with the new watermark. */
export const PAGE_SIZE = 100;
/** Rows per prepared multi-row insert; a larger batch is written in chunks. */
const INSERT_CHUNK = 8;

export class ConversationNotFoundError extends Error {
  override name = 'ConversationNotFoundError';
}

/** A conversation holds at most `maxActivities` activities: a runaway client cannot fill the disk. */
export class ConversationFullError extends Error {
  override name = 'ConversationFullError';
}

/**
 * Direct Line conversations and their activities, persisted: a restart or another instance sees the same
 * history. The watermark is the per-conversation sequence number of the last activity. The statements every
 * turn runs are prepared once.
 */
export class ConversationStore {
  private readonly getOne: PreparedQuery<{ id: string; user_id: string }>;
  /** Takes the conversation's next sequence numbers; sets `updated_at` once in a while (see touches.ts). */
  private readonly bump: TouchingStatement<PreparedQuery<{ last_seq: number }>>;
  private readonly page: PreparedQuery<Pick<DirectLineActivityTable, 'seq' | 'activity' | 'created_at'>>;
  private readonly inserts = new Map<number, PreparedQuery<unknown>>();

  /** Rows already reported as unservable (logged once each; bounded). */
  private readonly reported = new Set<string>();

  constructor(
    private readonly db: Kysely<WebchatTables>,
    private readonly log?: Logger,
    // Fits a 32-bit integer column on both engines.
    private readonly maxActivities = 2_000_000_000,
    touches = new RecentTouches(),
  ) {
    this.getOne = new PreparedQuery(db, (p) => db.selectFrom('dl_conversations').select(['id', 'user_id']).where('id', '=', p('id')));
    this.bump = new TouchingStatement(
      touches,
      (touch) =>
        new PreparedQuery(db, (p) =>
          db
            .updateTable('dl_conversations')
            .set((eb) => ({ last_seq: eb('last_seq', '+', p('n')), ...(touch ? { updated_at: p('at') } : {}) }))
            .where('id', '=', p('id'))
            .where('last_seq', '<=', p('room'))
            .returning('last_seq'),
        ),
    );
    this.page = new PreparedQuery(db, (p) =>
      db
        .selectFrom('dl_activities')
        .select(['seq', 'activity', 'created_at'])
        .where('conversation_id', '=', p('id'))
        .where('seq', '>', p('watermark'))
        .orderBy('seq')
        .limit(PAGE_SIZE),
    );
  }

  async create(id: string, userId: string): Promise<Conversation> {
    const now = new Date().toISOString();
    await this.db.insertInto('dl_conversations').values({ id, user_id: userId, last_seq: 0, created_at: now, updated_at: now }).execute();
    return { id, userId };
  }

  async get(id: string): Promise<Conversation | undefined> {
    const row = (await this.getOne.execute(this.db, { id })).rows[0];
    return row && { id: row.id, userId: row.user_id };
  }

  /** Stores activities in their own transaction (messages sent outside a turn). */
  async append(conversationId: string, activities: Partial<Activity>[]): Promise<ActivityBatch> {
    return this.db.transaction().execute((trx) => this.appendIn(trx, conversationId, activities));
  }

  /**
   * Stores activities in order inside the caller's transaction and gives each its id, which the caller's objects
   * receive too; returns them with the new watermark. Throws ConversationNotFoundError for an unknown
   * conversation (so a token for a conversation that was never started cannot write).
   */
  async appendIn(trx: Kysely<any>, conversationId: string, activities: Partial<Activity>[]): Promise<ActivityBatch> {
    const now = new Date();
    const at = now.toISOString();
    const room = this.maxActivities - activities.length;
    const row = (await this.bump.for(conversationId).execute(trx, { n: activities.length, at, id: conversationId, room })).rows[0];
    if (!row) {
      const exists = (await this.getOne.execute(trx, { id: conversationId })).rows.length > 0;
      if (exists) throw new ConversationFullError(`directline: conversation ${conversationId} is full (${this.maxActivities} activities)`);
      throw new ConversationNotFoundError(`directline: conversation ${conversationId} not found`);
    }
    const watermark = Number(row.last_seq);
    const first = watermark - activities.length + 1;
    const rows = activities.map((activity, i) => {
      activity.id = activityId(conversationId, first + i);
      activity.timestamp ??= now;
      return { conversation_id: conversationId, seq: first + i, activity: JSON.stringify(activity), created_at: at };
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await this.insertRows(trx, rows.slice(i, i + INSERT_CHUNK));
    return { activities, watermark };
  }

  /** Activities after the watermark, oldest first, and the watermark to ask with next. */
  async after(conversationId: string, watermark: number): Promise<ActivityBatch> {
    const { rows } = await this.page.execute(this.db, { id: conversationId, watermark });
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

  private async insertRows(trx: Kysely<any>, rows: DirectLineActivityTable[]): Promise<void> {
    let insert = this.inserts.get(rows.length);
    if (!insert) {
      const count = rows.length;
      insert = new PreparedQuery(this.db, (p) =>
        this.db
          .insertInto('dl_activities')
          .values(Array.from({ length: count }, (_, i) => ({ conversation_id: p(`c${i}`), seq: p(`s${i}`), activity: p(`a${i}`), created_at: p(`t${i}`) }))),
      );
      this.inserts.set(count, insert);
    }
    const args: Record<string, unknown> = {};
    rows.forEach((r, i) => Object.assign(args, { [`c${i}`]: r.conversation_id, [`s${i}`]: r.seq, [`a${i}`]: r.activity, [`t${i}`]: r.created_at }));
    await insert.execute(trx, args);
  }
}

export function activityId(conversationId: string, seq: number): string {
  return `${conversationId}|${String(seq).padStart(7, '0')}`;
}
