import {
  type ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type TurnContext,
} from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { invalidInput } from '../../http/errors.ts';
import { logRejection, route } from '../../http/route.ts';
import type { Logger } from '../../log/logger.ts';
import { activityText } from '../activity-text.ts';

/** The minimum an activity must be before the SDK sees it; the SDK checks the rest. */
const activityEnvelope = z
  .object({
    type: z.string().min(1).max(64),
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

export function registerMessagesEndpoint(
  server: Server,
  adapter: CloudAdapter,
  bot: ActivityHandler,
  log: Logger,
  track: <T>(work: Promise<T>) => Promise<T>,
): void {
  const logic = (context: TurnContext) => bot.run(context);
  server.post(
    '/api/messages',
    route(
      async (req: Request, res: Response) => {
        const parsed = activityEnvelope.safeParse(req.body);
        if (!parsed.success) throw invalidInput(parsed.error);
        await track(adapter.process(req, res, logic));
      },
      logRejection(log, 'botframework'),
    ),
  );
}
