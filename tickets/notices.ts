// The port through which the user hears about their ticket. Every change the user must know about is handed to
// `enqueue` INSIDE the database transaction that makes the change: if the change rolls back, so does the notice,
// and a committed change always has its notices stored. The bot's outbox implements it and renders the Chinese text;
// a notice carries data, never prose.
import type { Kysely } from 'kysely';
import type { Requester, SatisfactionLevel, TicketState } from './model.ts';

interface NoticeBase {
  ticketNumber: string;
  /** The ticket's state after the change. */
  state: TicketState;
  /** When the change happened (ISO 8601). */
  at: string;
}

export type TicketNotice =
  /** 已派单: who handles it and by when. */
  | (NoticeBase & { kind: 'dispatched'; department: string; departmentName: string; dueAt: string })
  /** 答复: the reply text to show the user. */
  | (NoticeBase & { kind: 'answered'; reply: string; departmentName: string | null })
  /** 同意延期: the new due time is what the user is told. */
  | (NoticeBase & { kind: 'extension_approved'; dueAt: string; previousDueAt: string })
  /** 已办结: the final reply, and an invitation to rate it. */
  | (NoticeBase & { kind: 'resolved'; reply: string; departmentName: string | null; survey: readonly SatisfactionLevel[] })
  /** 重办 */
  | (NoticeBase & { kind: 'reopened'; departmentName: string | null; dueAt: string })
  /** 并单: this request will be answered with ticket `into` (state and due time are those of `into`). */
  | (NoticeBase & { kind: 'merged'; into: string; dueAt: string });

export interface TicketNotices {
  /** Store the notice for delivery, using `trx` (the caller's transaction) for every write. */
  enqueue(trx: Kysely<any>, to: Requester, notice: TicketNotice): Promise<void>;
}
