// The desk, assembled: accounts and sessions, the ticket API with roles, live conversations (接管), live updates,
// the dashboard and the page. The composition root calls startDesk once and wires what it returns: the bot's
// ConversationOwnership, the chat's "a person was asked for", Direct Line's typing, and the tickets' changes.
import type { Kysely } from 'kysely';
import type { Server } from 'restify';
import type { ProxyTrust } from '../http/client-address.ts';
import type { Limiter, LimitRule } from '../http/rate-limit.ts';
import type { Logger } from '../log/logger.ts';
import type { Tickets, TicketChange } from '../tickets/index.ts';
import { registerAdminRoutes } from './api/admin-routes.ts';
import { deskAuth } from './api/auth.ts';
import { registerCannedRoutes } from './api/canned-routes.ts';
import { registerDashboardRoutes } from './api/dashboard-routes.ts';
import { registerEventRoutes } from './api/event-routes.ts';
import { registerLiveRoutes } from './api/live-routes.ts';
import { registerSessionRoutes } from './api/session-routes.ts';
import { registerTicketRoutes } from './api/ticket-routes.ts';
import { AccountStore } from './auth/accounts.ts';
import { ensureFirstAdmin, type FirstAdmin } from './auth/bootstrap.ts';
import { readSessionCookie } from './auth/cookies.ts';
import { LoginService } from './auth/login.ts';
import { SessionStore } from './auth/sessions.ts';
import { type DeskHub, LocalDeskHub } from './events/hub.ts';
import { Presence } from './events/presence.ts';
import { RedisDeskHub } from './events/redis-hub.ts';
import { DeskStreams } from './events/stream.ts';
import { type ConversationRef, LiveDesk, type TellUser } from './live/live-desk.ts';
import { LiveStore } from './live/live-store.ts';
import { OpenSessionIndex } from './live/open-sessions.ts';
import { registerDeskPage } from './web/page.ts';
import { Assignments } from './work/assignments.ts';
import { CannedReplies } from './work/canned.ts';
import { Queue } from './work/queue.ts';

export interface DeskSettings {
  /** DESK_ADMIN_TOKEN: a machine credential with the administrator's rights (scripts). */
  adminToken?: string;
  /** DESK_ADMIN_USERNAME / DESK_ADMIN_PASSWORD: the first administrator, created when there is none. */
  firstAdmin?: FirstAdmin;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Sign-in attempts per client address per 15 minutes. */
  loginAttemptsPerAddress: number;
  liveWaitSeconds: number;
  liveIdleMinutes: number;
  /** Secure cookie (https only). */
  cookieSecure: boolean;
}

export interface DeskDeps {
  db: Kysely<any>;
  engine: 'sqlite' | 'postgres';
  tickets: Tickets;
  log: Logger;
  settings: DeskSettings;
  limiter: (rule: LimitRule) => Limiter;
  trust: ProxyTrust;
  /** Writes a notice for a user (agent joined, an agent's message …) inside the caller's transaction: the outbox. */
  tellUser: TellUser;
  /** Tells the outbox sender to look now (an agent's message should arrive within a second). */
  wakeOutbox: () => void;
  redisUrl?: string;
  /** Where the built page is (web/dist/desk). */
  distDir: string;
  clock?: () => Date;
}

/** A user on a chat channel asked for a person, and a ticket was taken for them. */
export interface LiveRequest {
  channelId: string;
  userId: string;
  reference: ConversationRef;
  ticketNumber?: string;
}

export interface Desk {
  /** The bot's ConversationOwnership: while an agent owns a conversation, the bot relays and stays silent. */
  ownership: { ownerOf(reference: ConversationRef): Promise<'bot' | 'person'>; relay(reference: ConversationRef, text: string): Promise<void> };
  requestLive(request: LiveRequest): Promise<void>;
  userTyping(channelId: string, conversationId: string): void;
  ticketChanged(change: TicketChange): void;
  live: LiveDesk;
  hub: DeskHub;
  close(): Promise<void>;
}

const STREAM_HEARTBEAT_MS = 20_000;
const STREAM_MAX_BUFFER = 1024 * 1024;
const PURGE_EVERY_MS = 60 * 60_000;

export async function startDesk(server: Server, deps: DeskDeps): Promise<Desk> {
  const { db, tickets, log, settings } = deps;
  const clock = deps.clock ?? (() => new Date());
  const cookie = { secure: settings.cookieSecure };
  const accounts = new AccountStore(db, clock);
  const sessions = new SessionStore(db, { idleMs: settings.sessionIdleMinutes * 60_000, maxMs: settings.sessionMaxHours * 3_600_000 }, clock);
  await ensureFirstAdmin(accounts, settings.firstAdmin, log);
  const auth = deskAuth({ sessions, accounts, cookie, adminToken: settings.adminToken });
  const login = new LoginService({
    accounts,
    sessions,
    log,
    clock,
    perAddress: deps.limiter({ name: 'desk-login-address', points: settings.loginAttemptsPerAddress, durationSeconds: 15 * 60 }),
    policy: { maxFailures: settings.loginMaxFailures, lockMs: settings.loginLockMinutes * 60_000 },
  });

  const hub: DeskHub = deps.redisUrl ? await RedisDeskHub.connect(deps.redisUrl, log) : new LocalDeskHub();
  const presence = new Presence(hub);
  const streams = new DeskStreams(hub, presence, log, { heartbeatMs: STREAM_HEARTBEAT_MS, maxBufferedBytes: STREAM_MAX_BUFFER });
  const assignments = new Assignments(db, clock);
  const live = new LiveDesk({
    db,
    // One instance (no Redis) opens every session itself: the bot's turns need not ask the database who owns them.
    openSessions: deps.redisUrl ? undefined : await OpenSessionIndex.load(new LiveStore(db)),
    hub,
    log,
    clock,
    tellUser: deps.tellUser,
    wakeOutbox: deps.wakeOutbox,
    waitMs: settings.liveWaitSeconds * 1000,
    idleMs: settings.liveIdleMinutes * 60_000,
    conversationOfTicket: async (number) => {
      const detail = await tickets.queries.detail(number);
      const chat = detail?.requesters.find((r) => r.channelId !== 'phone' && (r.conversationRef as ConversationRef).conversation?.id);
      return chat && { channelId: chat.channelId, userId: chat.userId, reference: { channelId: chat.channelId, ...chat.conversationRef } as ConversationRef };
    },
  });
  live.start();

  registerSessionRoutes(server, { auth, login, accounts, sessions, cookie, trust: deps.trust, log, clock });
  // Who works a ticket changed: screens refresh their lists (the ticket's own version did not move).
  const assigned = (number: string, department: string | null) =>
    hub.publish({ type: 'ticket', number, version: 0, state: '', department, action: 'assign', actor: '', at: clock().toISOString() });
  registerTicketRoutes(server, { tickets, log, auth, clock, work: { assignments, queue: new Queue(db, assignments), assigned } });
  registerLiveRoutes(server, { auth, live, log });
  registerEventRoutes(server, {
    auth,
    streams,
    presence,
    db,
    log,
    stillSignedIn: async (req) => {
      if (req.header('authorization')) return true; // the machine token does not expire
      const token = readSessionCookie(req, cookie);
      return token !== undefined && (await sessions.find(token, false)) !== undefined;
    },
  });
  registerCannedRoutes(server, { auth, canned: new CannedReplies(db, clock), log });
  registerDashboardRoutes(server, { auth, db, engine: deps.engine, tickets, log, clock });
  registerAdminRoutes(server, { auth, accounts, sessions, tickets, log });
  registerDeskPage(server, deps.distDir);

  const purge = setInterval(() => void sessions.purge().catch((err: unknown) => log.warn({ err }, 'desk: session purge failed')), PURGE_EVERY_MS);
  purge.unref();

  return {
    ownership: { ownerOf: (reference) => live.ownerOf(reference), relay: (reference, text) => live.relay(reference, text) },
    async requestLive(request) {
      try {
        await live.request(request);
      } catch (err) {
        // The ticket stands either way; the user is followed up through it.
        log.error({ err, ticket: request.ticketNumber }, 'desk: could not open the live request');
      }
    },
    userTyping: (channelId, conversationId) => live.typing(channelId, conversationId),
    ticketChanged(change) {
      hub.publish({
        type: 'ticket',
        number: change.number,
        version: change.version,
        state: change.state,
        department: change.department,
        previousDepartment: change.previousDepartment,
        action: change.action,
        actor: change.actor.name ?? change.actor.id,
        at: change.at,
      });
    },
    live,
    hub,
    async close() {
      clearInterval(purge);
      live.stop();
      streams.closeAll();
      presence.close();
      await hub.close();
    },
  };
}
