import type { UnitOfWork } from '../storage/unit-of-work.ts';

/** What the bot records of each question it handles (insights/ provides it; the desk's dashboard reads it). */
export interface TurnRecord {
  channelId: string;
  conversationId: string;
  question: string;
  outcome: 'answered' | 'clarified' | 'handed_over' | 'needs_context';
  reason?: string;
  entryId?: string;
  /** The answered entry's category, or the department named for an out-of-scope matter. */
  topic?: string;
}

export interface TurnRecorder {
  /** Returns an id for the 解决了 / 没解决 vote that may follow. Within the turn's open `unit` it commits with the turn. */
  record(turn: TurnRecord, unit?: UnitOfWork): Promise<string>;
  vote(turnId: string, vote: 'resolved' | 'not_resolved', unit?: UnitOfWork): Promise<void>;
}

export const recordNothing: TurnRecorder = { record: async () => '', vote: async () => undefined };
