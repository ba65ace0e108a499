// 快捷回复: short texts supervisors keep for agents to insert into a reply with one key.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DeskTables } from '../schema.ts';

export interface CannedReply {
  id: string;
  title: string;
  text: string;
  updatedAt: string;
}

export const MAX_CANNED_REPLIES = 500;

export class CannedReplies {
  private readonly db: Kysely<DeskTables>;

  constructor(
    db: Kysely<any>,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.db = db as Kysely<DeskTables>;
  }

  async list(): Promise<CannedReply[]> {
    const rows = await this.db
      .selectFrom('desk_canned_replies')
      .select(['id', 'title', 'text', 'updated_at'])
      .orderBy('title')
      .limit(MAX_CANNED_REPLIES)
      .execute();
    return rows.map((r) => ({ id: r.id, title: r.title, text: r.text, updatedAt: r.updated_at }));
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('desk_canned_replies')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async create(title: string, text: string, by: string): Promise<CannedReply> {
    const at = this.clock().toISOString();
    const id = randomUUID();
    await this.db.insertInto('desk_canned_replies').values({ id, title, text, created_by: by, created_at: at, updated_at: at }).execute();
    return { id, title, text, updatedAt: at };
  }

  /** False when there is no such reply. */
  async update(id: string, title: string, text: string): Promise<boolean> {
    const result = await this.db
      .updateTable('desk_canned_replies')
      .set({ title, text, updated_at: this.clock().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('desk_canned_replies').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }
}
