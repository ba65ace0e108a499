import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { forbidden, invalidInput } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { activityText } from '../activity-text.ts';
import type { ProactiveChannel } from '../registry.ts';

/** The minimum an activity must be before the SDK sees it; the SDK checks the rest. */
const activityEnvelope = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().max(64).optional(),
    text: activityText.optional(),
    serviceUrl: z.string().max(2048).optional(),
    conversation: z.object({ id: z.string().min(1).max(256) }).loose().optional(),
  })
  .loose();

/**
 * POST /api/messages through botbuilder's CloudAdapter: the Bot Framework protocol for the
 * Emulator and Azure channels. With no MicrosoftAppId it runs anonymously (local use only).
 */
export interface BotFrameworkCredentials {
  appId?: string;
  password?: string;
  type: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
}

export function createCloudAdapter(credentials: BotFrameworkCredentials, log: Logger): CloudAdapter {
  const anonymous = !credentials.appId;
  if (anonymous) log.warn('botframework: MicrosoftAppId is not set; /api/messages accepts unauthenticated requests (local use only)');
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: credentials.appId ?? '',
    MicrosoftAppPassword: credentials.password ?? '',
    MicrosoftAppType: credentials.type,
    MicrosoftAppTenantId: credentials.tenantId ?? '',
  });
  return new CloudAdapter(auth);
}

/** Proactive messages through the Bot Connector: the reference's serviceUrl receives them. */
export function botFrameworkProactive(adapter: CloudAdapter, appId: string | undefined): ProactiveChannel {
  return { continueConversation: (reference, logic) => adapter.continueConversationAsync(appId ?? '', reference, logic) };
}

export function registerMessagesEndpoint(
  server: Server,
  adapter: CloudAdapter,
  logic: (context: TurnContext) => Promise<void>,
  log: Logger,
  track: <T>(work: Promise<T>) => Promise<T>,
  /** Channel ids Line One hosts itself: an outside caller must never act on their conversations or state. */
  hostedChannel: (channelId: string) => boolean,
): void {
  server.post(
    '/api/messages',
    route(
      async (req: Request, res: Response) => {
        const parsed = activityEnvelope.safeParse(req.body);
        if (!parsed.success) throw invalidInput(parsed.error);
        if (parsed.data.channelId && hostedChannel(parsed.data.channelId)) {
          throw forbidden(`channelId "${parsed.data.channelId}" is served by Line One itself, not through /api/messages`);
        }
        await track(adapter.process(req, res, logic));
      },
      logRejection(log, 'botframework'),
    ),
  );
}
