// Talking to a user live (接管). While an agent owns a conversation the bot relays the user's words here and stays
// silent (this class is the bot's ConversationOwnership, structurally: desk/ does not import bot/). The user hears
// "人工坐席已接入" when an agent takes it, the agent's messages, and "已结束" when it ends; a request for a person that
// nobody takes within `waitMs` is told so and stays a ticket. Every notice to the user is written to the outbox in
// the transaction of the change that causes it, then the sender is woken.
import type { Kysely } from 'kysely';
import { conflict, HttpError, notFound } from '../../http/errors.ts';
import type { Logger } from '../../log/logger.ts';
import type { DeskUser } from '../auth/roles.ts';
import type { DeskHub } from '../events/hub.ts';
import { type LiveMessage, type LiveSession, type LiveStatus, LiveStore, newSessionId } from './live-store.ts';
import type { OpenSessionIndex } from './open-sessions.ts';

/** A conversation reference as the bot's channels store it (only these fields are read). */
export interface ConversationRef {
  channelId?: string;
  conversation?: { id?: string };
  user?: { id?: string };
  [key: string]: unknown;
}

/** What the user is told, as the bot's notices (bot/notices.ts renders them). */
export type UserNotice =
  { kind: 'agent'; text: string } | { kind: 'agent_joined'; name?: string } | { kind: 'agent_left' } | { kind: 'no_agent'; number?: string };

/** Who to tell: the user on their channel, and where the channel delivers. */
export interface UserAddress {
  channelId: string;
  userId: string;
  reference: ConversationRef;
}

/** Stores a notice for the user with `trx` (the change's own transaction); the outbox sends it afterwards. */
export type TellUser = (trx: Kysely<any>, to: UserAddress, notice: UserNotice) => Promise<void>;

export interface LiveDeskOptions {
  db: Kysely<any>;
  hub: DeskHub;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Writes a notice for the user in the given transaction (the outbox; app/ wires it). */
  tellUser: TellUser;
  /** Tells the outbox sender to look now. */
  wakeOutbox: () => void;
  /** How long a request for a person waits for an agent. */
  waitMs: number;
  /** A live conversation with no message either way for this long ends by itself. */
  idleMs: number;
  /** Finds the chat a ticket came from (the requester on a chat channel), for 接管 from a ticket. */
  conversationOfTicket: (number: string) => Promise<{ channelId: string; userId: string; reference: ConversationRef } | undefined>;
  /** Set when this is the only instance (no Redis): the conversations that may have an open session. */
  openSessions?: OpenSessionIndex;
  clock?: () => Date;
}

const TYPING_EVERY_MS = 1500;
const SWEEP_EVERY_MS = 15_000;

export class LiveDesk {
  readonly store: LiveStore;
  private readonly now: () => Date;
  private readonly timers = new Set<NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly o: LiveDeskOptions) {
    this.store = new LiveStore(o.db);
    this.now = o.clock ?? (() => new Date());
  }

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  // ——— The bot's side (ConversationOwnership) ———

  async ownerOf(reference: ConversationRef): Promise<'bot' | 'person'> {
    const key = keyOf(reference);
    if (!key) return 'bot';
    if (this.o.openSessions && !this.o.openSessions.mayBeOpen(key.channelId, key.conversationId)) return 'bot';
    return (await this.store.open(key.channelId, key.conversationId))?.status === 'live' ? 'person' : 'bot';
  }

  /** The user's words, for the agent who owns the conversation. */
  async relay(reference: ConversationRef, text: string): Promise<void> {
    const key = keyOf(reference);
    const open = key && (await this.store.open(key.channelId, key.conversationId));
    if (!open || open.status !== 'live') return; // ended a moment ago: the message stays in the chat's transcript
    const message = await this.store.addMessage(this.o.db, open.id, {
      sender: 'user',
      authorName: null,
      text: text.slice(0, 4000),
      at: this.now().toISOString(),
    });
    const session = await this.store.get(open.id);
    this.o.hub.publish({ type: 'live_message', sessionId: open.id, ticketNumber: session?.ticketNumber ?? null, agentId: session?.agentId ?? null, message });
  }

  /** The user is typing (Direct Line typing activities): told to the agent, at most every 1.5 s per conversation. */
  typing(channelId: string, conversationId: string): void {
    const key = `${channelId}\u0000${conversationId}`;
    const now = this.now().getTime();
    if (now - (this.lastTyping.get(key) ?? 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(key, now);
    if (this.lastTyping.size > 10_000) this.lastTyping.clear();
    void this.store.open(channelId, conversationId).then(
      async (open) => {
        if (open?.status !== 'live') return;
        const session = await this.store.get(open.id);
        this.o.hub.publish({ type: 'live_typing', sessionId: open.id, agentId: session?.agentId ?? null, at: new Date(now).toISOString() });
      },
      (err: unknown) => this.o.log.warn({ err }, 'desk: typing look-up failed'),
    );
  }

  /** The user asked for a person (转人工) and a ticket was taken: wait for an agent, then tell them nobody came. */
  async request(input: { channelId: string; userId: string; reference: ConversationRef; ticketNumber?: string }): Promise<LiveSession | undefined> {
    const conversationId = keyOf(input.reference)?.conversationId;
    if (!conversationId) return undefined;
    const existing = await this.store.open(input.channelId, conversationId);
    if (existing) return this.store.get(existing.id);
    const now = this.now();
    const id = newSessionId();
    const waitUntil = new Date(now.getTime() + this.o.waitMs).toISOString();
    this.o.openSessions?.add(input.channelId, conversationId);
    try {
      await this.store.insertSession(this.o.db, {
        id,
        channel_id: input.channelId,
        conversation_id: conversationId,
        user_id: input.userId,
        reference: JSON.stringify(input.reference),
        ticket_number: input.ticketNumber ?? null,
        status: 'waiting',
        agent_id: null,
        agent_name: null,
        requested_at: now.toISOString(),
        wait_until: waitUntil,
        joined_at: null,
        ended_at: null,
        end_reason: null,
        last_activity_at: now.toISOString(),
      });
    } catch (err) {
      if (await this.store.open(input.channelId, conversationId)) return undefined; // a request raced this one
      throw err;
    }
    this.o.hub.publish({ type: 'live', kind: 'requested', sessionId: id, ticketNumber: input.ticketNumber ?? null, agentId: null, at: now.toISOString() });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.sweep();
    }, this.o.waitMs + 50);
    timer.unref();
    this.timers.add(timer);
    return this.store.get(id);
  }

  // ——— The desk's side ———

  /** Takes a waiting request. 409 when another agent was quicker or the request is over. */
  async take(sessionId: string, agent: DeskUser): Promise<LiveSession> {
    const at = this.now().toISOString();
    const session = await this.store.get(sessionId);
    if (!session) throw notFound('desk: no such live conversation');
    if (session.status === 'live' && session.agentId === agent.id) return session;
    const taken = await this.changeAndTell(
      session,
      'waiting',
      { status: 'live', agent_id: agent.id, agent_name: agent.name, joined_at: at, last_activity_at: at, wait_until: null },
      { kind: 'agent_joined', name: agent.name },
    );
    if (!taken) throw this.notTakeable(await this.store.get(sessionId));
    this.o.hub.publish({ type: 'live', kind: 'joined', sessionId, ticketNumber: session.ticketNumber, agentId: agent.id, at });
    return (await this.store.get(sessionId)) as LiveSession;
  }

  /** 接管 from a ticket: opens a live session on the chat the ticket came from. */
  async takeTicket(number: string, agent: DeskUser): Promise<LiveSession> {
    const chat = await this.o.conversationOfTicket(number);
    const conversationId = chat && keyOf(chat.reference)?.conversationId;
    if (!chat || !conversationId) throw new HttpError(409, 'NoChat', 'desk: 该工单不是从在线渠道提交的，无法接管对话（请电话联系）');
    const open = await this.store.open(chat.channelId, conversationId);
    if (open) return this.take(open.id, agent);
    const at = this.now().toISOString();
    const id = newSessionId();
    this.o.openSessions?.add(chat.channelId, conversationId);
    try {
      await this.o.db.transaction().execute(async (trx) => {
        await this.store.insertSession(trx, {
          id,
          channel_id: chat.channelId,
          conversation_id: conversationId,
          user_id: chat.userId,
          reference: JSON.stringify(chat.reference),
          ticket_number: number,
          status: 'live',
          agent_id: agent.id,
          agent_name: agent.name,
          requested_at: at,
          wait_until: null,
          joined_at: at,
          ended_at: null,
          end_reason: null,
          last_activity_at: at,
        });
        await this.tell(trx, chat.channelId, chat.userId, chat.reference, { kind: 'agent_joined', name: agent.name });
      });
    } catch (err) {
      const now = await this.store.open(chat.channelId, conversationId);
      if (now) throw this.notTakeable(await this.store.get(now.id));
      throw err;
    }
    this.o.wakeOutbox();
    this.o.hub.publish({ type: 'live', kind: 'joined', sessionId: id, ticketNumber: number, agentId: agent.id, at });
    return (await this.store.get(id)) as LiveSession;
  }

  /** The agent's message: stored, sent to the user through the outbox, shown on every screen watching. */
  async send(sessionId: string, agent: DeskUser, text: string): Promise<LiveMessage> {
    const session = await this.owned(sessionId, agent);
    const at = this.now().toISOString();
    const message = await this.o.db.transaction().execute(async (trx) => {
      const stored = await this.store.addMessage(trx, sessionId, { sender: 'agent', authorName: agent.name, text, at });
      await this.tell(trx, session.channelId, session.userId, session.reference, { kind: 'agent', text });
      return stored;
    });
    this.o.wakeOutbox();
    this.o.hub.publish({ type: 'live_message', sessionId, ticketNumber: session.ticketNumber, agentId: session.agentId, message });
    return message;
  }

  /** Ends the conversation: the user is told, the bot answers again. `reason` is for the record only. */
  async end(sessionId: string, agent: DeskUser, reason: string): Promise<LiveSession> {
    const session = await this.owned(sessionId, agent, true);
    const at = this.now().toISOString();
    if (!(await this.changeAndTell(session, 'live', { status: 'ended', ended_at: at, end_reason: reason.slice(0, 200) }, { kind: 'agent_left' }))) {
      throw conflict('desk: 该对话已结束');
    }
    this.o.log.info({ session: sessionId, agent: agent.id, reason }, 'desk: live conversation ended');
    this.o.hub.publish({ type: 'live', kind: 'ended', sessionId, ticketNumber: session.ticketNumber, agentId: session.agentId, at });
    return (await this.store.get(sessionId)) as LiveSession;
  }

  /** Requests nobody took in time are told so; live conversations idle too long end. Runs on every instance. */
  async sweep(): Promise<number> {
    const now = this.now();
    let handled = 0;
    try {
      for (const session of await this.store.due(now.toISOString(), new Date(now.getTime() - this.o.idleMs).toISOString())) {
        const at = now.toISOString();
        const missed = session.status === 'waiting';
        const changed = missed
          ? await this.changeAndTell(
              session,
              'waiting',
              { status: 'missed', ended_at: at, end_reason: 'no agent in time', wait_until: null },
              { kind: 'no_agent', number: session.ticketNumber ?? undefined },
            )
          : await this.changeAndTell(session, 'live', { status: 'ended', ended_at: at, end_reason: 'idle' }, { kind: 'agent_left' });
        if (!changed) continue; // another instance handled it
        handled++;
        this.o.log.info(
          { session: session.id, ticket: session.ticketNumber, outcome: missed ? 'missed' : 'idle' },
          'desk: live conversation closed by the timer',
        );
        this.o.hub.publish({
          type: 'live',
          kind: missed ? 'missed' : 'ended',
          sessionId: session.id,
          ticketNumber: session.ticketNumber,
          agentId: session.agentId,
          at,
        });
      }
    } catch (err) {
      this.o.log.error({ err }, 'desk: live sweep failed; it runs again shortly');
    }
    return handled;
  }

  private async owned(sessionId: string, agent: DeskUser, leadMayAct = false): Promise<LiveSession> {
    const session = await this.store.get(sessionId);
    if (!session) throw notFound('desk: no such live conversation');
    if (session.status !== 'live') throw conflict('desk: 该对话已结束');
    const lead = agent.role === 'supervisor' || agent.role === 'admin';
    if (session.agentId !== agent.id && !(leadMayAct && lead)) throw new HttpError(403, 'Forbidden', `desk: 该对话由 ${session.agentName ?? '其他坐席'} 接待`);
    return session;
  }

  /** Moves the session on and writes the user's notice in one transaction; false when it was no longer in `from`. */
  private async changeAndTell(session: LiveSession, from: LiveStatus, set: Parameters<LiveStore['transition']>[3], notice: UserNotice): Promise<boolean> {
    const changed = await this.o.db.transaction().execute(async (trx) => {
      if (!(await this.store.transition(trx, session.id, from, set))) return false;
      await this.tell(trx, session.channelId, session.userId, session.reference, notice);
      return true;
    });
    if (changed) this.o.wakeOutbox();
    return changed;
  }

  private async tell(trx: Kysely<any>, channelId: string, userId: string, reference: ConversationRef, notice: UserNotice): Promise<void> {
    await this.o.tellUser(trx, { channelId, userId, reference }, notice);
  }

  private notTakeable(session: LiveSession | undefined): HttpError {
    if (session?.status === 'live') return conflict(`desk: 该对话已由 ${session.agentName ?? '其他坐席'} 接入`);
    return conflict('desk: 该请求已结束（用户已离开或已超时）');
  }
}

function keyOf(reference: ConversationRef): { channelId: string; conversationId: string } | undefined {
  const channelId = reference.channelId;
  const conversationId = reference.conversation?.id;
  return typeof channelId === 'string' && typeof conversationId === 'string' ? { channelId, conversationId } : undefined;
}
