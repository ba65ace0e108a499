import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { maskText } from '../log/mask.ts';
import { PreparedQuery } from '../storage/prepared.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';
import type { BotTurnTable, InsightsTables } from './schema.ts';

export interface TurnOutcome {
  channelId: string;
  conversationId: string;
  question: string;
  outcome: 'answered' | 'clarified' | 'handed_over' | 'needs_context';
  reason?: string;
  entryId?: string;
  topic?: string;
}

const MAX_QUESTION_CHARS = 500;

/** Records what the bot did with each question; inside a turn the row joins the turn's transaction. */
export class TurnLog {
  private readonly insert: PreparedQuery<unknown>;
  private readonly setVote: PreparedQuery<unknown>;
  private readonly setPicked: PreparedQuery<unknown>;

  constructor(private readonly db: Kysely<InsightsTables>) {
    this.insert = new PreparedQuery(db, (p) =>
      db.insertInto('bot_turns').values({
        id: p('id'),
        at: p('at'),
        channel_id: p('channel'),
        conversation_id: p('conversation'),
        question: p('question'),
        outcome: p('outcome'),
        reason: p('reason'),
        entry_id: p('entry'),
        topic: p('topic'),
        vote: p('vote'),
      }),
    );
    this.setVote = new PreparedQuery(db, (p) =>
      db
        .updateTable('bot_turns')
        .set({ vote: p('vote') })
        .where('id', '=', p('id')),
    );
    this.setPicked = new PreparedQuery(db, (p) =>
      db
        .updateTable('bot_turns')
        .set({ entry_id: p('entry') })
        .where('id', '=', p('id'))
        .where('outcome', '=', 'clarified'),
    );
  }

  /** Returns the row's id, for the vote that may follow. Within an open `unit` the row joins the turn's transaction. */
  async record(outcome: TurnOutcome, unit?: UnitOfWork): Promise<string> {
    const id = randomUUID();
    const row: Record<string, unknown> = {
      id,
      at: new Date().toISOString(),
      channel: outcome.channelId,
      conversation: outcome.conversationId,
      question: maskText(outcome.question.slice(0, MAX_QUESTION_CHARS)),
      outcome: outcome.outcome,
      reason: outcome.reason ?? null,
      entry: outcome.entryId ?? null,
      topic: outcome.topic ?? null,
      vote: null,
    };
    await this.write((executor) => this.insert.execute(executor, row), `turnlog:${id}`, unit);
    return id;
  }

  async vote(turnId: string, vote: 'resolved' | 'not_resolved', unit?: UnitOfWork): Promise<void> {
    await this.write((executor) => this.setVote.execute(executor, { id: turnId, vote }), `turnlog-vote:${turnId}`, unit);
  }

  /** On a clarified question, `entry_id` is the entry the user picked from its choices (empty until one is). */
  async picked(turnId: string, entryId: string, unit?: UnitOfWork): Promise<void> {
    await this.write((executor) => this.setPicked.execute(executor, { id: turnId, entry: entryId }), `turnlog-picked:${turnId}`, unit);
  }

  private async write(op: (executor: Kysely<any>) => Promise<unknown>, key: string, unit: UnitOfWork | undefined): Promise<void> {
    if (!unit?.open) {
      await op(this.db);
      return;
    }
    unit.part(key, () => ({ write: async (trx: Kysely<any>) => void (await op(trx)) }));
  }
}

/** Recorded questions older than the cutoff go (the dashboard covers the retention period). */
export function turnLogRetention(db: Kysely<InsightsTables>): { name: string; purge(cutoff: Date, batchSize: number): Promise<number> } {
  return {
    name: 'bot turns',
    async purge(cutoff, batchSize) {
      let deleted = 0;
      for (;;) {
        const ids = (await db.selectFrom('bot_turns').select('id').where('at', '<', cutoff.toISOString()).limit(batchSize).execute()).map((r) => r.id);
        if (ids.length === 0) return deleted;
        deleted += Number((await db.deleteFrom('bot_turns').where('id', 'in', ids).executeTakeFirst()).numDeletedRows);
      }
    },
  };
}
