import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { WechatyTables } from './schema.ts';

/** The latest conversation reference per chat (contact or room), for pushes later. */
export class ConversationReferences {
  constructor(private readonly db: Kysely<WechatyTables>) {}

  async save(reference: Partial<ConversationReference>): Promise<void> {
    const id = reference.conversation?.id;
    if (!id) return;
    const row = { conversation_id: id, reference: JSON.stringify(reference), updated_at: new Date().toISOString() };
    await this.db
      .insertInto('wechaty_conversations')
      .values(row)
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ reference: row.reference, updated_at: row.updated_at }))
      .execute();
  }

  async get(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    const row = await this.db.selectFrom('wechaty_conversations').select('reference').where('conversation_id', '=', conversationId).executeTakeFirst();
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : undefined;
  }
}
