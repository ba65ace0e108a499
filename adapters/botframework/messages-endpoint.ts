import type { Activity, TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { clientKey, type ProxyTrust } from '../../http/client-address.ts';
import { forbidden, HttpError, invalidInput, unauthorized } from '../../http/errors.ts';
import type { Limiter } from '../../http/rate-limit.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { activityText } from '../activity-text.ts';
import type { ProactiveChannel } from '../registry.ts';
import { GuardedBotFrameworkAuthentication, LineOneCloudAdapter } from './guarded-auth.ts';
import { type ServiceUrlPolicy, ServiceUrlRefused } from './service-url.ts';

/** The minimum an activity must be before the SDK sees it; the SDK checks the rest. */
const activityEnvelope = z
  .object({
    type: z.string().min(1).max(64),
    // Bot state is keyed by channel: without one no turn can run.
    channelId: z.string().trim().min(1).max(64),
    text: activityText.optional(),
    serviceUrl: z.string().max(2048).optional(),
    deliveryMode: z.string().max(32).optional(),
    conversation: z
      .object({ id: z.string().min(1).max(256) })
      .loose()
      .optional(),
  })
  .loose();

/**
 * POST /api/messages through botbuilder's CloudAdapter: the Bot Framework protocol for the
 * Emulator and Azure channels. With no MicrosoftAppId it runs anonymously, which is only accepted
 * on a loopback listener or when explicitly enabled (see `anonymousAllowed`).
 */
export interface BotFrameworkCredentials {
  appId?: string;
  password?: string;
  type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  /** Where the JWT signing keys are fetched (tests point it at an unreachable host). */
  openIdMetadataUrl?: string;
}

export function createCloudAdapter(credentials: BotFrameworkCredentials, policy: ServiceUrlPolicy): LineOneCloudAdapter {
  const auth = new GuardedBotFrameworkAuthentication(
    {
      MicrosoftAppId: credentials.appId ?? '',
      MicrosoftAppPassword: credentials.password ?? '',
      MicrosoftAppType: credentials.type,
      MicrosoftAppTenantId: credentials.tenantId ?? '',
      ...(credentials.openIdMetadataUrl
        ? { ToBotFromChannelOpenIdMetadataUrl: credentials.openIdMetadataUrl, ToBotFromEmulatorOpenIdMetadataUrl: credentials.openIdMetadataUrl }
        : {}),
    },
    policy,
  );
  return new LineOneCloudAdapter(auth);
}

/** Proactive messages through the Bot Connector: the reference's serviceUrl receives them (if the policy allows it). */
export function botFrameworkProactive(adapter: LineOneCloudAdapter, appId: string | undefined): ProactiveChannel {
  return { continueConversation: (reference, logic) => adapter.continueConversationAsync(appId ?? '', reference, logic) };
}

export interface MessagesEndpointOptions {
  adapter: LineOneCloudAdapter;
  logic: (context: TurnContext) => Promise<void>;
  log: Logger;
  track: <T>(work: Promise<T>) => Promise<T>;
  /** Channel ids Line One hosts itself: an outside caller must never act on their conversations or state. */
  hostedChannel: (channelId: string) => boolean;
  policy: ServiceUrlPolicy;
  /** False when no MicrosoftAppId is set and anonymous calls are not allowed: every call gets a 401. */
  acceptAnonymous: boolean;
  anonymous: boolean;
  limit: Limiter;
  trust: ProxyTrust;
}

/**
 * Anonymous /api/messages lets anyone make the bot post to a URL of their choosing: it is only
 * accepted on a loopback listener with no proxy in front, or when the operator says so.
 */
export function anonymousAllowed(host: string, proxied: boolean, explicitlyEnabled: boolean): boolean {
  if (explicitlyEnabled) return true;
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  const loopback = bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
  return loopback && !proxied;
}

export function registerMessagesEndpoint(server: Server, o: MessagesEndpointOptions): void {
  if (o.anonymous && !o.acceptAnonymous) {
    o.log.warn(
      'botframework: MicrosoftAppId is not set and the server is not loopback-only: /api/messages refuses every call (set BOTFRAMEWORK_ANONYMOUS=true to allow unauthenticated calls)',
    );
  } else if (o.anonymous) {
    o.log.warn('botframework: MicrosoftAppId is not set; /api/messages accepts unauthenticated requests (local use only)');
  }
  server.post(
    '/api/messages',
    route(
      async (req: Request, res: Response) => {
        await o.limit.consume(clientKey(req, o.trust));
        if (o.anonymous && !o.acceptAnonymous) {
          throw unauthorized('anonymous Bot Framework calls are disabled: configure MicrosoftAppId (or BOTFRAMEWORK_ANONYMOUS=true for local use)');
        }
        const parsed = activityEnvelope.safeParse(req.body);
        if (!parsed.success) throw invalidInput(parsed.error);
        // Compared as the state key would never be: trimmed and case-folded, so no near-spelling slips by.
        if (o.hostedChannel(parsed.data.channelId.toLowerCase())) {
          throw forbidden(`channelId "${parsed.data.channelId}" is served by Line One itself, not through /api/messages`);
        }
        const activity = fixActivity(req.body as Record<string, unknown>);
        const authResult = await authenticate(o, activity, String(req.header('authorization') ?? ''));
        // Replies go to serviceUrl unless the caller takes them in the response (expectReplies):
        // refuse a URL the bot may not call before the turn runs, so nothing is stored for it either.
        if (parsed.data.deliveryMode !== 'expectReplies') {
          try {
            await o.policy.check(parsed.data.serviceUrl);
          } catch (err) {
            if (err instanceof ServiceUrlRefused) throw forbidden(err.message);
            throw err;
          }
        }
        const response = await o.track(o.adapter.runAuthenticated(authResult, activity, o.logic));
        const status = response?.status ?? 200;
        if (response?.body !== undefined) res.send(status, response.body);
        else res.send(status);
      },
      logRejection(o.log, 'botframework'),
    ),
  );
}

/** Any failure to authenticate is a 401 (a forged token, an unreachable key endpoint): never a 500, never a stack trace. */
async function authenticate(o: MessagesEndpointOptions, activity: Activity, header: string) {
  try {
    return await o.adapter.authenticate(activity, header);
  } catch (err) {
    o.log.warn({ reason: err instanceof Error ? err.message : String(err) }, 'botframework: authentication failed');
    throw new HttpError(401, 'Unauthorized', 'invalid or missing Bot Framework credentials');
  }
}

/** What botbuilder's CloudAdapter does to a parsed body: ISO times become Dates. */
function fixActivity(body: Record<string, unknown>): Activity {
  const activity = body as unknown as Activity & Record<string, unknown>;
  for (const field of ['timestamp', 'expiration', 'localTimestamp'] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = value;
      (activity as Record<string, unknown>)[field] = new Date(value);
    }
  }
  return activity;
}
