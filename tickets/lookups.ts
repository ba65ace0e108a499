// Status look-ups for the chat. A user sees a ticket only if it was raised (or merged in) from the same channel
// identity, or when they give the mobile number on it; anything else reads exactly like a number that does not
// exist. Rate-limiting guesses is the chat side's job.
import type { Kysely } from 'kysely';
import { checkMobile } from './mobile.ts';
import { type ChannelIdentity, OPEN_STATES, type SatisfactionLevel, type Ticket, type TicketState, type TicketType } from './model.ts';
import { parseTicketNumber } from './number.ts';
import type { Catalog } from './routing/catalog.ts';
import { toTicket } from './store/rows.ts';
import type { TicketTables } from './store/schema.ts';

/** What a requester may know about their ticket: no internal notes, no other requesters, no events. */
export interface TicketStatus {
  number: string;
  state: TicketState;
  type: TicketType;
  category: string;
  categoryLabel: string;
  departmentName: string | null;
  createdAt: string;
  updatedAt: string;
  /** The due time the user was told (after any approved extension). */
  dueAt: string;
  reply: { text: string; at: string } | null;
  /** A duplicate merged into another ticket: look that one up for the answer. */
  mergedInto: string | null;
  satisfaction: SatisfactionLevel | null;
  /** 已办结 and not yet rated: the chat may offer the survey. */
  awaitingRating: boolean;
  /** What the chat passes as expectedVersion when the user rates the answer (service.act 'rate'). */
  version: number;
}

export const MAX_RECENT = 20;

export class TicketLookups {
  private readonly db: Kysely<TicketTables>;

  constructor(
    db: Kysely<any>,
    private readonly catalog: Catalog,
  ) {
    this.db = db as Kysely<TicketTables>;
  }

  /** The ticket if this channel identity raised it or was merged into it; the number may be typed loosely. */
  async forRequester(number: string, who: ChannelIdentity): Promise<TicketStatus | undefined> {
    const canonical = parseTicketNumber(number);
    if (!canonical) return undefined;
    const row = await this.visible(canonical).where('r.channel_id', '=', who.channelId).where('r.user_id', '=', who.userId).executeTakeFirst();
    return row ? this.status(toTicket(row)) : undefined;
  }

  /** The ticket if `mobile` is a requester's number on it (for a user on another channel or device). */
  async forMobile(number: string, mobile: string): Promise<TicketStatus | undefined> {
    const canonical = parseTicketNumber(number);
    const check = checkMobile(mobile);
    if (!canonical || !check.ok) return undefined;
    const row = await this.visible(canonical).where('r.mobile', '=', check.mobile).executeTakeFirst();
    return row ? this.status(toTicket(row)) : undefined;
  }

  /** A requester's tickets, newest first (merged-in tickets by when they joined). */
  async recent(who: ChannelIdentity, limit = 5): Promise<TicketStatus[]> {
    const rows = await this.db
      .selectFrom('ticket_requesters as r')
      .innerJoin('tickets as t', 't.number', 'r.ticket_number')
      .selectAll('t')
      .where('r.channel_id', '=', who.channelId)
      .where('r.user_id', '=', who.userId)
      .orderBy('r.joined_at', 'desc')
      .orderBy('t.number', 'desc')
      .limit(Math.min(Math.max(1, Math.floor(limit)), MAX_RECENT))
      .execute();
    return rows.map((r) => this.status(toTicket(r)));
  }

  /** Of these conversations on a channel, those that wait for an open ticket (retention keeps their transcripts). */
  async conversationsWithOpenTickets(channelId: string, conversationIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (conversationIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('ticket_requesters as r')
      .innerJoin('tickets as t', 't.number', 'r.ticket_number')
      .select('r.conversation_id')
      .where('r.channel_id', '=', channelId)
      .where('r.conversation_id', 'in', conversationIds)
      .where('t.state', 'in', OPEN_STATES)
      .execute();
    return new Set(rows.flatMap((r) => (r.conversation_id ? [r.conversation_id] : [])));
  }

  /** The mobile number this channel identity gave on its latest ticket (the intake offers it again). */
  async lastMobile(who: ChannelIdentity): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('ticket_requesters')
      .select('mobile')
      .where('channel_id', '=', who.channelId)
      .where('user_id', '=', who.userId)
      .where('mobile', 'is not', null)
      .orderBy('joined_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.mobile ?? undefined;
  }

  private visible(number: string) {
    return this.db
      .selectFrom('ticket_requesters as r')
      .innerJoin('tickets as t', 't.number', 'r.ticket_number')
      .selectAll('t')
      .where('r.ticket_number', '=', number)
      .limit(1);
  }

  private status(t: Ticket): TicketStatus {
    return {
      number: t.number,
      state: t.state,
      type: t.type,
      category: t.category,
      categoryLabel: this.catalog.categoryLabel(t.category),
      departmentName: this.catalog.departmentName(t.department),
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      dueAt: t.dueAt,
      reply: t.reply ? { text: t.reply.text, at: t.reply.at } : null,
      mergedInto: t.mergedInto,
      satisfaction: t.satisfaction?.level ?? null,
      awaitingRating: t.state === 'resolved' && t.satisfaction === null,
      version: t.version,
    };
  }
}
