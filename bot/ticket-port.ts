import type { ConversationReference } from 'botbuilder';

/**
 * What the bot needs from the ticket domain (tickets/ provides it, app/ adapts it). Shapes are the bot's: what
 * it asks and what it tells the user, nothing about states or storage.
 */

/** Who asks, as the channel knows them, and where to reach them later. */
export interface Requester {
  channelId: string;
  userId: string;
  reference: Partial<ConversationReference>;
}

export type Checked = { ok: true; value: string } | { ok: false; problem: string };

export interface TranscriptLine {
  from: 'user' | 'bot';
  text: string;
  at: string;
}

export interface TicketDraft {
  /** Absent for an individual. */
  enterpriseName?: string;
  creditCode?: string;
  /** A code that failed the check digit twice the same way is taken as given, for an agent to verify. */
  creditCodeUnverified?: boolean;
  contactName: string;
  mobile: string;
  request: string;
  transcript: TranscriptLine[];
  /** Why the bot escalated (human_request, complaint, not_resolved …), for the agent. */
  reason: string;
}

/** What the user is told will happen, before and after registering. */
export interface TicketOutlook {
  department: string;
  /** The promised reply time in plain words: "12月2日（周三）18:00". */
  due: string;
}

export interface TicketReceipt extends TicketOutlook {
  number: string;
  category: string;
  /** The red-list tier when the enterprise is a key enterprise (served first). */
  redListTier?: string;
}

export interface TicketView {
  number: string;
  /** In the user's words: 已受理, 办理中, 已答复 … */
  state: string;
  department: string;
  updated: string;
  due: string;
  /** The department's answer, when there is one. */
  reply?: string;
}

export type Rating = '满意' | '基本满意' | '不满意';

export interface TicketPort {
  checkCreditCode(code: string): Checked;
  checkMobile(mobile: string): Checked;
  outlook(request: string): Promise<TicketOutlook>;
  create(requester: Requester, draft: TicketDraft): Promise<TicketReceipt>;
  /** A ticket by number, only if it was raised from this requester's channel identity, or with its mobile. */
  find(requester: Requester, number: string, mobile?: string): Promise<TicketView | undefined>;
  recent(requester: Requester): Promise<TicketView[]>;
  /** The mobile number this requester gave last, to offer it again. */
  lastMobile(requester: Requester): Promise<string | undefined>;
  /** Stores the satisfaction rating; 不满意 reopens the ticket. False when the ticket is not theirs or not resolved. */
  rate(requester: Requester, number: string, rating: Rating, comment?: string): Promise<boolean>;
}
