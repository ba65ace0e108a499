// The live-session table (接管): who owns which conversation, and what was said while they did. Reads and single-row
// writes only; the service composes them into transactions with the outbox.
import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely } from 'kysely';
import type { DeskTables, LiveMessageRow, LiveSessionRow } from '../schema.ts';

export const OPEN_STATUSES = ['waiting', 'live'] as const;
export type LiveStatus = 'waiting' | 'live' | 'ended' | 'missed';

export interface LiveSession {
  id: string;
  channelId: string;
  conversationId: string;
  userId: string;
  reference: Record<string, unknown>;
  ticketNumber: string | null;
  status: LiveStatus;
  agentId: string | null;
  agentName: string | null;
  requestedAt: string;
  waitUntil: string | null;
  joinedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  lastActivityAt: string;
}

export interface LiveMessage {
  id: string;
  sender: 'user' | 'agent';
  authorName: string | null;
  text: string;
  at: string;
}

export const toSession = (r: LiveSessionRow): LiveSession => ({
  id: r.id,
  channelId: r.channel_id,
  conversationId: r.conversation_id,
  userId: r.user_id,
  reference: JSON.parse(r.reference) as Record<string, unknown>,
  ticketNumber: r.ticket_number,
  status: r.status as LiveStatus,
  agentId: r.agent_id,
  agentName: r.agent_name,
  requestedAt: r.requested_at,
  waitUntil: r.wait_until,
  joinedAt: r.joined_at,
  endedAt: r.ended_at,
  endReason: r.end_reason,
  lastActivityAt: r.last_activity_at,
});

export const toMessage = (r: LiveMessageRow): LiveMessage => ({
  id: r.id,
  sender: r.sender as 'user' | 'agent',
  authorName: r.author_name,
  text: r.text,
  at: r.at,
});

export class LiveStore {
  readonly db: Kysely<DeskTables>;
  /**
   * Asked on every turn of every conversation: the SQL is compiled once and run with new parameters (the driver's
   * statement cache then reuses the prepared statement; the partial unique index answers it).
   */
  private readonly openForSql: string;

  constructor(db: Kysely<any>) {
    this.db = db as Kysely<DeskTables>;
    this.openForSql = this.db
      .selectFrom('desk_live_sessions')
      .select(['id', 'status'])
      .where('channel_id', '=', '')
      .where('conversation_id', '=', '')
      .where('status', 'in', [...OPEN_STATUSES])
      .limit(1)
      .compile().sql;
  }

  /** The waiting or live session of a conversation, if any (id and status only). */
  async open(channelId: string, conversationId: string): Promise<{ id: string; status: LiveStatus } | undefined> {
    const query = CompiledQuery.raw(this.openForSql, [channelId, conversationId, ...OPEN_STATUSES, 1]);
    const row = (await this.db.executeQuery<Pick<LiveSessionRow, 'id' | 'status'>>(query)).rows[0];
    return row && { id: row.id, status: row.status as LiveStatus };
  }

  async get(id: string, db: Kysely<any> = this.db): Promise<LiveSession | undefined> {
    const row = await (db as Kysely<DeskTables>).selectFrom('desk_live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  async openSessions(): Promise<LiveSession[]> {
    const rows = await this.db
      .selectFrom('desk_live_sessions')
      .selectAll()
      .where('status', 'in', [...OPEN_STATUSES])
      .orderBy('requested_at')
      .limit(500)
      .execute();
    return rows.map(toSession);
  }

  /** Every conversation with an open session (start-up only; no limit). */
  async openConversations(): Promise<Array<{ channelId: string; conversationId: string }>> {
    const rows = await this.db
      .selectFrom('desk_live_sessions')
      .select(['channel_id', 'conversation_id'])
      .where('status', 'in', [...OPEN_STATUSES])
      .execute();
    return rows.map((r) => ({ channelId: r.channel_id, conversationId: r.conversation_id }));
  }

  async ofTicket(number: string): Promise<LiveSession[]> {
    const rows = await this.db
      .selectFrom('desk_live_sessions')
      .selectAll()
      .where('ticket_number', '=', number)
      .orderBy('requested_at', 'desc')
      .limit(20)
      .execute();
    return rows.map(toSession);
  }

  async messages(sessionId: string, limit = 500): Promise<LiveMessage[]> {
    const rows = await this.db
      .selectFrom('desk_live_messages')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  async insertSession(db: Kysely<any>, row: LiveSessionRow): Promise<void> {
    await (db as Kysely<DeskTables>).insertInto('desk_live_sessions').values(row).execute();
  }

  async addMessage(db: Kysely<any>, sessionId: string, message: Omit<LiveMessage, 'id'>): Promise<LiveMessage> {
    const id = randomUUID();
    await (db as Kysely<DeskTables>)
      .insertInto('desk_live_messages')
      .values({ id, session_id: sessionId, sender: message.sender, author_name: message.authorName, text: message.text, at: message.at })
      .execute();
    await (db as Kysely<DeskTables>).updateTable('desk_live_sessions').set({ last_activity_at: message.at }).where('id', '=', sessionId).execute();
    return { id, ...message };
  }

  /** Moves a session from one status to another if it is still in `from`; false when someone else moved it first. */
  async transition(db: Kysely<any>, id: string, from: LiveStatus, set: Partial<LiveSessionRow>): Promise<boolean> {
    const result = await (db as Kysely<DeskTables>)
      .updateTable('desk_live_sessions')
      .set(set)
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Waiting requests whose time ran out, and live sessions idle since `idleBefore`. */
  async due(now: string, idleBefore: string): Promise<LiveSession[]> {
    const rows = await this.db
      .selectFrom('desk_live_sessions')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'waiting'), eb('wait_until', '<=', now)]),
          eb.and([eb('status', '=', 'live'), eb('last_activity_at', '<=', idleBefore)]),
        ]),
      )
      .limit(100)
      .execute();
    return rows.map(toSession);
  }
}

export const newSessionId = () => randomUUID();
