// What can be done to an existing ticket. Role-neutral: whether an agent, a department clerk or the user may do
// it is the caller's business (the desk's auth, the bot's dialogs); the state machine only says when.
import type { SatisfactionLevel } from './model.ts';

export type TicketCommand =
  /** 派单: hand the ticket to a department (default: the category's department). */
  | { action: 'dispatch'; department?: string; note?: string }
  /** 签收: the department confirms it has the ticket. */
  | { action: 'accept'; note?: string }
  /** 退回: the department says it is not theirs, within the return window; back to the hotline. */
  | { action: 'return'; reason: string }
  /** 办理: the department starts working on it. */
  | { action: 'start'; note?: string }
  /** 答复: the reply the user will read, stored on the ticket and sent to every requester. */
  | { action: 'reply'; text: string }
  /** 申请延期: before the due time, ask for this many more working days. */
  | { action: 'request_extension'; workingDays: number; reason: string }
  | { action: 'approve_extension'; note?: string }
  | { action: 'refuse_extension'; reason: string }
  /** 催办. `overdueKey` is the overdue watcher's: which overdue period this reminder is for. */
  | { action: 'remind'; note: string; overdueKey?: string }
  /** 督办 */
  | { action: 'supervise'; note: string }
  /** 办结: needs a reply, given here or earlier. */
  | { action: 'resolve'; reply?: string; note?: string }
  /** 回访 / 评价 */
  | { action: 'rate'; satisfaction: SatisfactionLevel; comment?: string }
  | { action: 'close'; reason: string }
  /** 重办: back to the department (or the hotline when it never had one) with a fresh time limit. */
  | { action: 'reopen'; reason: string }
  /** 并单: this ticket duplicates `into`, an open ticket; its requesters will hear the answer of `into`. */
  | { action: 'merge'; into: string; note?: string }
  /** 内部备注: seen by agents only. */
  | { action: 'note'; text: string }
  /** 改类: the agent corrects the category (the department follows on the next dispatch). */
  | { action: 'recategorize'; category: string; note?: string };

export type CommandAction = TicketCommand['action'];

/** Every event's action: the commands, plus creation and the other side of a merge. */
export type EventAction = CommandAction | 'create' | 'absorb';

export const COMMAND_ACTIONS = [
  'dispatch',
  'accept',
  'return',
  'start',
  'reply',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'remind',
  'supervise',
  'resolve',
  'rate',
  'close',
  'reopen',
  'merge',
  'note',
  'recategorize',
] as const satisfies readonly CommandAction[];

// Fails to compile when a command is added to the union but not to the list above.
const everyCommandListed: [Exclude<CommandAction, (typeof COMMAND_ACTIONS)[number]>] extends [never] ? true : false = true;
void everyCommandListed;
