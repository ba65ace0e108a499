import type { TicketDraft, TranscriptLine } from '../ticket-port.ts';

export const INTAKE_DIALOG = 'intake';

/** What the intake starts with, and what it has gathered so far (kept across 修改). */
export interface IntakeOptions {
  request: string;
  reason: string;
  /** The conversation up to the moment the intake began (the ticket's transcript). */
  transcript?: TranscriptLine[];
  /** A credit code the channel already knows (e.g. from a 微信客服 entry link). */
  knownCreditCode?: string;
  draft?: Partial<TicketDraft>;
}
