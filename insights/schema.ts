import type { Kysely } from 'kysely';
import type { ModuleSchema } from '../storage/migrate.ts';

/**
 * One row per question the bot handled: what it did with it, and what the user said of the answer. The desk's
 * dashboard reads the direct-answer rate, the escalation rate and the hotspots from here. Questions are stored
 * with phone, ID and credit-code numbers masked.
 */
export interface BotTurnTable {
  id: string;
  at: string;
  channel_id: string;
  conversation_id: string;
  question: string;
  /** answered | clarified | handed_over | needs_context */
  outcome: string;
  /** Why it was handed over (complaint, out_of_scope, low_confidence …). */
  reason: string | null;
  /** answered: the entry answered; clarified: the entry the user picked from the choices, if any. */
  entry_id: string | null;
  /** The KB category of the answered entry, or the department named for an out-of-scope matter. */
  topic: string | null;
  /** resolved | not_resolved, from the 解决了 / 没解决 buttons. */
  vote: string | null;
}

export interface InsightsTables {
  bot_turns: BotTurnTable;
}

export const insightsSchema: ModuleSchema = {
  module: 'insights',
  migrations: {
    '2026-11-30-020-insights-bot-turns': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('bot_turns')
          .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
          .addColumn('at', 'varchar(32)', (c) => c.notNull())
          .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('conversation_id', 'varchar(256)', (c) => c.notNull())
          .addColumn('question', 'text', (c) => c.notNull())
          .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
          .addColumn('reason', 'varchar(32)')
          .addColumn('entry_id', 'varchar(128)')
          .addColumn('topic', 'varchar(64)')
          .addColumn('vote', 'varchar(16)')
          .execute();
        await db.schema.createIndex('bot_turns_at').on('bot_turns').columns(['at']).execute();
      },
    },
  },
};
