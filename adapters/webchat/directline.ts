import { randomBytes } from 'node:crypto';
import type { Activity, ChannelAccount, TurnContext } from 'botbuilder';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from '../../log/logger.ts';
import { badRequest, forbidden, invalidInput, notFound, unauthorized } from '../../http/errors.ts';
import { bearerToken, logRejection, route } from '../../http/route.ts';
import { ChannelAdapter } from '../channel-adapter.ts';
import type { ConversationHub } from './hub.ts';
import { botActivity, conversationStarted, type Envelope, userActivity } from './mapping.ts';
import { incomingActivity, startConversationBody, watermarkQuery } from './payloads.ts';
import { type Conversation, ConversationNotFoundError, type ConversationStore } from './store.ts';
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
  /** New conversations (and tokens) one client address may start per minute. */
  startsPerMinute: number;
  /** Behind a reverse proxy: take the client address from X-Forwarded-For. */
  trustProxy: boolean;
  publicUrl?: string;
  /** Runs one bot turn; errors are the caller's onTurnError's business. */
  bot: (context: TurnContext) => Promise<void>;
  onTurnError: (context: TurnContext, error: Error) => Promise<void>;
  /** Counts in-flight turns so a shutdown can wait for them. */
  track: <T>(work: Promise<T>) => Promise<T>;
}

type Caller = { kind: 'anonymous' } | { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

/** Direct Line 3.0 as Microsoft's Web Chat speaks it, hosted by Line One itself. */
export class DirectLineChannel {
  readonly adapter: ChannelAdapter;
  private readonly turns: DirectLineTurns;

  constructor(private readonly o: DirectLineOptions) {
    this.turns = new DirectLineTurns(o.store, o.hub, o.commit);
    this.adapter = new ChannelAdapter((activities) => this.deliver(activities));
    this.adapter.onTurnError = o.onTurnError;
  }

  register(server: Server): void {
    const onError = logRejection(this.o.log, 'directline');
    const r = (h: (req: Request, res: Response) => Promise<unknown>) => route(h, onError);
    // Starting conversations is open to anonymous visitors: cap it per address so one client
    // cannot fill the database.
    const perMinute = this.o.startsPerMinute;
    const byAddress = this.o.trustProxy ? { xff: true } : { ip: true };
    const limitStarts = restify.plugins.throttle({ burst: perMinute, rate: perMinute / 60, ...byAddress, maxKeys: 100_000 });
    server.post(`${BASE}/tokens/generate`, limitStarts, r((req, res) => this.generateToken(req, res)));
    server.post(`${BASE}/tokens/refresh`, r((req, res) => this.refreshToken(req, res)));
    server.post(`${BASE}/conversations`, limitStarts, r((req, res) => this.startConversation(req, res)));
    server.get(`${BASE}/conversations/:id`, r((req, res) => this.resumeConversation(req, res)));
    server.get(`${BASE}/conversations/:id/activities`, r((req, res) => this.getActivities(req, res)));
    server.post(`${BASE}/conversations/:id/activities`, r((req, res) => this.postActivity(req, res)));
    server.post(`${BASE}/conversations/:id/upload`, r(async () => {
      throw badRequest('file upload is not supported on this channel');
    }));
  }

  private async generateToken(req: Request, res: Response) {
    const caller = this.authenticate(req);
    if (caller.kind === 'token') throw forbidden('a token cannot generate tokens');
    const body = this.parseStartBody(req);
    const userId = caller.kind === 'secret' && body?.user?.id ? userIdFrom(body.user.id) : newUserId();
    const conversationId = newConversationId();
    res.send(200, { conversationId, ...this.o.tokens.issue(conversationId, userId) });
  }

  private async refreshToken(req: Request, res: Response) {
    const claims = this.requireToken(req);
    res.send(200, { conversationId: claims.conversationId, ...this.o.tokens.issue(claims.conversationId, claims.userId) });
  }

  private async startConversation(req: Request, res: Response) {
    const caller = this.authenticate(req);
    if (caller.kind === 'token') {
      const existing = await this.o.store.get(caller.claims.conversationId);
      if (existing) return res.send(200, this.describe(req, existing, 0));
      const created = await this.o.store.create(caller.claims.conversationId, caller.claims.userId);
      await this.welcome(req, created);
      return res.send(201, this.describe(req, created, 0));
    }
    const body = this.parseStartBody(req);
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
    if (incoming.type === 'typing') return res.send(200, { id: '' });
    if (incoming.type === 'message' && !incoming.text?.trim() && !incoming.value && !incoming.attachments?.length) {
      throw badRequest('a message needs text, value or attachments');
    }
    const activity = userActivity(incoming, conversation, this.envelope(req));
    await this.turn(conversation.id, [activity], activity);
    res.send(200, { id: activity.id });
  }

  /** One bot turn: the stored activities, the replies and the state commit together before we answer. */
  private async turn(conversationId: string, first: Partial<Activity>[], incoming: Partial<Activity>): Promise<void> {
    try {
      await this.o.track(this.turns.run(new UnitOfWork(), conversationId, first, () => this.adapter.processActivity(incoming, this.o.bot)));
    } catch (err) {
      if (err instanceof ConversationNotFoundError) throw notFound(`conversation ${conversationId} not found`);
      throw err;
    }
  }

  /** The bot's replies, as this channel stores them. */
  private async deliver(activities: Partial<Activity>[]) {
    const conversationId = activities[0]?.conversation?.id;
    if (!conversationId) throw new Error('directline: reply without a conversation');
    return this.turns.deliver(conversationId, activities.map((a) => botActivity(a, this.o.botAccount)));
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
    const proto = String(req.header('x-forwarded-proto') || 'http').split(',')[0];
    return `${proto}://${req.header('host') ?? 'localhost'}`;
  }

}

const newConversationId = () => randomBytes(12).toString('base64url');
const newUserId = () => `dl_${randomBytes(9).toString('base64url')}`;
/** Server-side callers name their user; the prefix keeps those ids apart from generated ones. */
const userIdFrom = (id: string) => (id.startsWith('dl_') ? id : `dl_${id}`);
