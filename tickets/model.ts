// The ticket (工单) vocabulary: stable English codes, as stored in the database and sent over the API.
// Chinese labels for every code live in labels.ts, and only there.

/** 待受理 → 已派单 → 已签收 → 办理中 → 已办结 → 已回访 / 已关闭; 已退回 waits for re-dispatch; 已并单 is final. */
export const TICKET_STATES = ['new', 'dispatched', 'accepted', 'in_progress', 'returned', 'resolved', 'visited', 'closed', 'merged'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

/** States in which the request still waits for an answer (the desk's open queue). */
export const OPEN_STATES: readonly TicketState[] = ['new', 'dispatched', 'accepted', 'in_progress', 'returned'];
/** States in which a department holds the ticket: its time limit runs and it can be reminded or extended. */
export const WITH_DEPARTMENT: readonly TicketState[] = ['dispatched', 'accepted', 'in_progress'];

/** 咨询 / 求助 / 投诉 / 举报 / 建议 */
export const TICKET_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

export const PRIORITIES = ['normal', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** 重点企业名单 tiers: 龙头骨干 / 专精特新 / 总部经济 / 高新技术. */
export const REDLIST_TIERS = ['leading', 'specialized', 'headquarters', 'high_tech'] as const;
export type RedListTier = (typeof REDLIST_TIERS)[number];

/** 统一社会信用代码 status: passes the check digit / 待核实 (given but failing) / none (an individual). */
export const CREDIT_CHECKS = ['valid', 'unverified', 'none'] as const;
export type CreditCheck = (typeof CREDIT_CHECKS)[number];

/** 满意 / 基本满意 / 不满意 */
export const SATISFACTION_LEVELS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type SatisfactionLevel = (typeof SATISFACTION_LEVELS)[number];

export const ACTOR_KINDS = ['user', 'agent', 'department', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Who did something: a citizen on a channel, a hotline agent, a department clerk or the system (timers). */
export interface Actor {
  kind: ActorKind;
  id: string;
  name?: string;
}

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'tickets' };

/** How the bot knows a user: the channel and the user's id on it. */
export interface ChannelIdentity {
  channelId: string;
  userId: string;
}

/** A person waiting for the answer to a ticket, and how to reach them later (opaque to tickets/). */
export interface Requester extends ChannelIdentity {
  conversationRef: Record<string, unknown>;
  mobile: string | null;
}

export interface TranscriptLine {
  from: 'user' | 'bot' | 'agent';
  text: string;
  /** ISO 8601 instant. */
  at: string;
}

/** An extension a department asked for and nobody has decided on yet. */
export interface PendingExtension {
  dueAt: string;
  reason: string;
  requestedAt: string;
}

export interface TicketReply {
  text: string;
  at: string;
  by: string;
}

export interface Satisfaction {
  level: SatisfactionLevel;
  comment: string | null;
}

/** A ticket as the domain sees it. Instants are ISO 8601 strings in UTC. */
export interface Ticket {
  /** Readable and unique: QY20261130-0042 (Asia/Shanghai date + that day's sequence). */
  number: string;
  state: TicketState;
  type: TicketType;
  category: string;
  /** Department code from the catalog; null until the ticket is dispatched. */
  department: string | null;
  priority: Priority;
  redListTier: RedListTier | null;
  enterpriseName: string | null;
  creditCode: string | null;
  creditCheck: CreditCheck;
  contactName: string | null;
  contactMobile: string | null;
  requestText: string;
  /** True when the request was longer than MAX_REQUEST_LENGTH and was cut (the text ends with a note). */
  requestTruncated: boolean;
  transcript: TranscriptLine[];
  dueAt: string;
  pendingExtension: PendingExtension | null;
  reply: TicketReply | null;
  satisfaction: Satisfaction | null;
  /** Set on a duplicate: the open ticket it was merged into. */
  mergedInto: string | null;
  /** 督办: a supervisor has put the ticket under supervision. */
  supervised: boolean;
  /** The overdue watcher's bookkeeping: which overdue period was last reminded (due time + period number). */
  overdueReminderKey: string | null;
  createdAt: string;
  updatedAt: string;
  dispatchedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  /** Bumped by every change; a change names the version it was based on. */
  version: number;
}

/** One line of the append-only audit trail: every change of a ticket is one event, numbered by version. */
export interface TicketEvent {
  ticketNumber: string;
  /** The ticket's version after this event (creation is 1). */
  version: number;
  action: string;
  fromState: TicketState | null;
  toState: TicketState;
  actor: Actor;
  at: string;
  note: string | null;
  data: Record<string, unknown>;
}
