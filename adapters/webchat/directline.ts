import { randomBytes } from 'node:crypto';
import type { Activity, ChannelAccount, TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../log/logger.ts';
import { clientKey, type ProxyTrust, requestOrigin } from '../../http/client-address.ts';
import { badRequest, forbidden, HttpError, invalidInput, notFound, unauthorized } from '../../http/errors.ts';
import type { Limiter } from '../../http/rate-limit.ts';
import { bearerToken, logRejection, route } from '../../http/route.ts';
import { ChannelAdapter } from '../channel-adapter.ts';
import type { ConversationHub } from './hub.ts';
import { botActivity, conversationStarted, type Envelope, transcriptCopy, userActivity } from './mapping.ts';
import { incomingActivity, startConversationBody, watermarkQuery } from './payloads.ts';
import { type Conversation, ConversationFullError, ConversationNotFoundError, type ConversationStore } from './store.ts';
import { type Commit, DirectLineTurns } from './turn.ts';
import { UnitOfWork } from '../../storage/unit-of-work.ts';
import type { TokenClaims, TokenService } from './token.ts';

export const BASE = '/v3/directline';

export interface DirectLineOptions {
  /** The bot's account on this channel (id and display name). */
  botAccount: ChannelAccount;
  store: ConversationStore;
  hub: ConversationHub;
  /** Commits a turn's writes (the user's message, the replies, the conversation state) together. */
  commit: Commit;
  tokens: TokenService;
  log: Logger;
  allowAnonymous: boolean;
  limits: DirectLineLimits;
  /** Most activities one conversation may hold (the user's and the bot's); beyond it the client must start anew. */
  maxActivities: number;
  /** Which proxies in front may name the client's address (X-Forwarded-For). */
  trust: ProxyTrust;
  publicUrl?: string;
  /** The configured listen host (HOST): a Host header naming it is believed without a proxy. */
  listenHost: string;
  /** Runs one bot turn; errors are the caller's onTurnError's business. */
  bot: (context: TurnContext) => Promise<void>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** Counts in-flight turns so a shutdown can wait for them. */
  track: <T>(work: Promise<T>) => Promise<T>;
  /** A conversation's token was refreshed (its open streams may live until the new expiry). */
  onTokenRefreshed?: (conversationId: string, exp: number) => void;
  /** The user is typing (a typing activity was posted): told on, nothing is stored. */
  onTyping?: (conversationId: string) => void;
}

/** Rate limits (429 with Retry-After beyond them); counted in Redis across instances when configured. */
export interface DirectLineLimits {
  /** New conversations and tokens, per client address (IPv6 by /64). */
  startsPerAddress: Limiter;
  /** New conversations and tokens, all clients together. */
  startsGlobal: Limiter;
  /** Token refreshes, per conversation. */
  refreshes: Limiter;
  /** Messages and events, per conversation (every token of it: a token is bound to one conversation). */
  messagesPerConversation: Limiter;
  /** Messages and events, per client address (IPv6 by /64). */
  messagesPerAddress: Limiter;
}

type Caller = { kind: 'anonymous' } | { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

/** Direct Line 3.0 as Microsoft's Web Chat speaks it, hosted by Line One itself. */
export class DirectLineChannel {
  readonly adapter: ChannelAdapter;
  private readonly turns: DirectLineTurns;
  private readonly lastTyping = new Map<string, number>();

  constructor(private readonly o: DirectLineOptions) {
    this.turns = new DirectLineTurns(o.store, o.hub, o.commit);
    this.adapter = new ChannelAdapter((activities, context) => this.deliver(activities, context));
    this.adapter.onTurnError = o.onTurnError;
  }

  register(server: Server): void {
    const onError = logRejection(this.o.log, 'directline');
    // Every answer may carry a token or a transcript: never kept by a browser or proxy cache.
    const r = (h: (req: Request, res: Response) => Promise<unknown>) =>
      route((req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        return h(req, res);
      }, onError);
    server.post(
      `${BASE}/tokens/generate`,
      r((req, res) => this.generateToken(req, res)),
    );
    server.post(
      `${BASE}/tokens/refresh`,
      r((req, res) => this.refreshToken(req, res)),
    );
    server.post(
      `${BASE}/conversations`,
      r((req, res) => this.startConversation(req, res)),
    );
    server.get(
      `${BASE}/conversations/:id`,
      r((req, res) => this.resumeConversation(req, res)),
    );
    server.get(
      `${BASE}/conversations/:id/activities`,
      r((req, res) => this.getActivities(req, res)),
    );
    server.post(
      `${BASE}/conversations/:id/activities`,
      r((req, res) => this.postActivity(req, res)),
    );
    server.post(
      `${BASE}/conversations/:id/upload`,
      r(async () => {
        throw badRequest('file upload is not supported on this channel');
      }),
    );
  }

  /**
   * Starting conversations is open to anonymous visitors: capped per client address and overall,
   * so neither one client nor a crowd of them can fill the database. A site back-end holding the
   * secret asks for all its visitors from one address: only the overall cap applies to it.
   */
  private async limitStarts(req: Request, caller: Caller): Promise<void> {
    if (caller.kind !== 'secret') await this.o.limits.startsPerAddress.consume(clientKey(req, this.o.trust));
    await this.o.limits.startsGlobal.consume('all');
  }

  private async generateToken(req: Request, res: Response) {
    const caller = this.authenticate(req);
    if (caller.kind === 'token') throw forbidden('a token cannot generate tokens');
    await this.limitStarts(req, caller);
    const body = this.parseStartBody(req);
    const userId = caller.kind === 'secret' && body?.user?.id ? userIdFrom(body.user.id) : newUserId();
    const conversationId = newConversationId();
    res.send(200, { conversationId, ...this.o.tokens.issue(conversationId, userId) });
  }

  private async refreshToken(req: Request, res: Response) {
    const claims = this.requireToken(req);
    await this.o.limits.refreshes.consume(claims.conversationId);
    const issued = this.o.tokens.issue(claims.conversationId, claims.userId);
    const exp = this.o.tokens.verify(issued.token)?.exp;
    if (exp) this.o.onTokenRefreshed?.(claims.conversationId, exp);
    res.send(200, { conversationId: claims.conversationId, ...issued });
  }

  private async startConversation(req: Request, res: Response) {
    const caller = this.authenticate(req);
    if (caller.kind === 'token') {
      const existing = await this.o.store.get(caller.claims.conversationId);
      if (existing) return res.send(200, this.describe(req, existing, 0));
      // Its token was counted when it was generated.
      const created = await this.o.store.create(caller.claims.conversationId, caller.claims.userId);
      await this.welcome(req, created);
      return res.send(201, this.describe(req, created, 0));
    }
    const body = this.parseStartBody(req);
    await this.limitStarts(req, caller);
    const userId = caller.kind === 'secret' && body?.user?.id ? userIdFrom(body.user.id) : newUserId();
    const created = await this.o.store.create(newConversationId(), userId);
    await this.welcome(req, created);
    res.send(201, this.describe(req, created, 0));
  }

  private async resumeConversation(req: Request, res: Response) {
    const conversation = await this.authorizedConversation(req);
    const watermark = this.parseWatermark(req);
    res.send(200, this.describe(req, conversation, watermark, this.bearer(req)));
  }

  private async getActivities(req: Request, res: Response) {
    const conversation = await this.authorizedConversation(req);
    const page = await this.o.store.after(conversation.id, this.parseWatermark(req));
    res.send(200, { activities: page.activities, watermark: String(page.watermark) });
  }

  private async postActivity(req: Request, res: Response) {
    const conversation = await this.authorizedConversation(req, true);
    const parsed = incomingActivity.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const incoming = parsed.data;
    if (incoming.type === 'typing') {
      if (this.typingNoticed(conversation.id)) this.o.onTyping?.(conversation.id);
      return res.send(200, { id: '' });
    }
    if (incoming.type === 'message' && !incoming.text?.trim() && !incoming.value && !incoming.attachments?.length) {
      throw badRequest('a message needs text, value or attachments');
    }
    await this.admit(req, conversation);
    const activity = userActivity(incoming, conversation, this.envelope(req));
    if (incoming.type === 'event') {
      // Events reach the bot but are not part of the transcript: nothing is stored for them unless the bot answers.
      activity.id = `${conversation.id}|event-${randomBytes(6).toString('base64url')}`;
      await this.turn(conversation.id, [], activity);
      return res.send(200, { id: activity.id });
    }
    // What is stored is a copy with identity and bank-card numbers masked; the bot reads the original.
    const stored = transcriptCopy(activity);
    await this.turn(conversation.id, [stored], activity);
    res.send(200, { id: stored.id });
  }

  /** Typing is passed on at most once every two seconds per conversation (a client cannot flood the desk). */
  private typingNoticed(conversationId: string): boolean {
    const now = Date.now();
    if (now - (this.lastTyping.get(conversationId) ?? 0) < 2_000) return false;
    if (this.lastTyping.size >= 10_000) this.lastTyping.clear();
    this.lastTyping.set(conversationId, now);
    return true;
  }

  /** One bot turn: the stored activities, the replies and the state commit together before we answer. */
  private async turn(conversationId: string, first: Partial<Activity>[], incoming: Partial<Activity>): Promise<void> {
    try {
      const unit = new UnitOfWork();
      await this.o.track(this.turns.run(unit, conversationId, first, () => this.adapter.processActivity(incoming, this.turns.inTurn(unit, this.o.bot))));
    } catch (err) {
      if (err instanceof ConversationNotFoundError) throw notFound(`conversation ${conversationId} not found`);
      if (err instanceof ConversationFullError)
        throw new HttpError(403, 'ConversationFull', 'this conversation has reached its size limit: start a new conversation');
      throw err;
    }
  }

  /**
   * Limits before anything is stored: a refused post leaves no trace, an admitted one is kept. A site
   * back-end (secret) posting for many users from one address is limited per conversation only. The size cap
   * is checked where the turn is stored (the conversation row is not read again).
   */
  private async admit(req: Request, conversation: Conversation): Promise<void> {
    await this.o.limits.messagesPerConversation.consume(conversation.id);
    if (!this.o.tokens.isSecret(this.bearer(req) ?? '')) await this.o.limits.messagesPerAddress.consume(clientKey(req, this.o.trust));
  }

  /** The bot's replies, as this channel stores them. */
  private async deliver(activities: Partial<Activity>[], context: TurnContext) {
    const conversationId = activities[0]?.conversation?.id;
    if (!conversationId) throw new Error('directline: reply without a conversation');
    return this.turns.deliver(
      conversationId,
      activities.map((a) => botActivity(a, this.o.botAccount)),
      context,
    );
  }

  private async welcome(req: Request, conversation: Conversation): Promise<void> {
    await this.turn(conversation.id, [], conversationStarted(conversation, this.envelope(req)));
  }

  private envelope(req: Request): Envelope {
    return { serviceUrl: this.baseUrl(req), bot: this.o.botAccount, now: new Date() };
  }

  private describe(req: Request, conversation: Conversation, watermark: number, token?: string) {
    const issued = token ? { token, expires_in: this.o.tokens.ttlSeconds } : this.o.tokens.issue(conversation.id, conversation.userId);
    const ws = this.baseUrl(req).replace(/^http/, 'ws');
    const query = `watermark=${watermark}&t=${encodeURIComponent(issued.token)}`;
    return { conversationId: conversation.id, ...issued, streamUrl: `${ws}${BASE}/conversations/${conversation.id}/stream?${query}` };
  }

  /**
   * The conversation the caller may use. `trustToken`: a token already names the conversation and its user, so
   * the row is not read (a post to a conversation that was never started fails when the turn is stored).
   */
  private async authorizedConversation(req: Request, trustToken = false): Promise<Conversation> {
    const caller = this.authenticate(req);
    const id = String(req.params.id ?? '');
    if (caller.kind === 'anonymous') throw unauthorized();
    if (caller.kind === 'token' && caller.claims.conversationId !== id) throw forbidden();
    if (caller.kind === 'token' && trustToken) return { id, userId: caller.claims.userId };
    const conversation = await this.o.store.get(id);
    if (!conversation) throw notFound(`conversation ${id} not found`);
    return conversation;
  }

  private authenticate(req: Request): Caller {
    const bearer = this.bearer(req);
    if (bearer === undefined) {
      if (this.o.allowAnonymous) return { kind: 'anonymous' };
      throw unauthorized('anonymous conversations are disabled: send a Direct Line token or secret');
    }
    if (this.o.tokens.isSecret(bearer)) return { kind: 'secret' };
    const claims = this.o.tokens.verify(bearer);
    // 403, as Azure does: directlinejs treats it as "token expired" and stops retrying.
    if (!claims) throw forbidden('token is invalid or expired');
    return { kind: 'token', claims };
  }

  private requireToken(req: Request): TokenClaims {
    const caller = this.authenticate(req);
    if (caller.kind !== 'token') throw unauthorized('a Direct Line token is required');
    return caller.claims;
  }

  private bearer(req: Request): string | undefined {
    return bearerToken(req.header('authorization'));
  }

  private parseStartBody(req: Request) {
    const parsed = startConversationBody.safeParse(req.body ?? undefined);
    if (!parsed.success) throw invalidInput(parsed.error);
    return parsed.data;
  }

  private parseWatermark(req: Request): number {
    const parsed = watermarkQuery.safeParse((req.query as Record<string, unknown> | undefined)?.watermark);
    if (!parsed.success) throw invalidInput(parsed.error);
    return parsed.data;
  }

  private baseUrl(req: Request): string {
    if (this.o.publicUrl) return this.o.publicUrl.replace(/\/$/, '');
    return requestOrigin(req, this.o.trust, this.o.listenHost);
  }
}

const newConversationId = () => randomBytes(12).toString('base64url');
const newUserId = () => `dl_${randomBytes(9).toString('base64url')}`;
/** Server-side callers name their user; the prefix keeps those ids apart from generated ones. */
const userIdFrom = (id: string) => (id.startsWith('dl_') ? id : `dl_${id}`);
