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
  /**
   * The user picked `entryId` from the choices offered for a recorded question: a person's own label for it, which
   * the KB team can review into content/asked/ (`npm run kb:asked`).
   */
  picked(turnId: string, entryId: string, unit?: UnitOfWork): Promise<void>;
}

export const recordNothing: TurnRecorder = { record: async () => '', vote: async () => undefined, picked: async () => undefined };
