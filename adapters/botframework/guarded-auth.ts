import { type Activity, CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { ServiceUrlPolicy } from './service-url.ts';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
type AuthenticateResult = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** The parts of @azure/core-rest-pipeline the guard touches (not a dependency of Line One's own). */
interface PipelineRequest {
  url: string;
  agent?: unknown;
}
interface Pipeline {
  addPolicy(
    policy: { name: string; sendRequest(request: PipelineRequest, next: (r: PipelineRequest) => Promise<unknown>): Promise<unknown> },
    options?: { afterPhase?: string },
  ): void;
}

/**
 * botbuilder's authentication with every outbound Bot Connector client guarded: each request (and
 * each redirect hop) is checked against the serviceUrl policy and connects through an agent that
 * re-checks the addresses it connects to. Covers replies in a turn and proactive messages alike.
 */
export class GuardedBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(
    options: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    private readonly policy: ServiceUrlPolicy,
  ) {
    super(options);
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: result.connectorFactory && this.guard(result.connectorFactory) };
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateResult> {
    const result = await super.authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...result, connectorFactory: result.connectorFactory && this.guard(result.connectorFactory) };
  }

  override createConnectorFactory(claimsIdentity: Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0]): ConnectorFactory {
    return this.guard(super.createConnectorFactory(claimsIdentity));
  }

  private guard(inner: ConnectorFactory): ConnectorFactory {
    const policy = this.policy;
    return {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const client = await inner.create(serviceUrl, audience);
        pipelineOf(client).addPolicy(
          {
            name: 'lineone-serviceurl-guard',
            async sendRequest(request, next) {
              await policy.check(request.url);
              request.agent = policy.agentFor(request.url);
              return next(request);
            },
          },
          { afterPhase: 'Sign' }, // last: it sees every redirect hop too
        );
        return client;
      },
    };
  }
}

/** The connector client's HTTP pipeline; fails closed (no client at all) if the SDK ever hides it. */
function pipelineOf(client: ConnectorClient): Pipeline {
  const pipeline = (client as unknown as { client?: { pipeline?: Pipeline } }).client?.pipeline;
  if (!pipeline || typeof pipeline.addPolicy !== 'function') {
    throw new Error('botframework: cannot guard the Bot Connector client (botbuilder changed its internals); refusing to send');
  }
  return pipeline;
}

/** CloudAdapter with its authenticated entry point opened up, so the endpoint controls the HTTP answer. */
export class LineOneCloudAdapter extends CloudAdapter {
  constructor(private readonly auth: GuardedBotFrameworkAuthentication) {
    super(auth);
  }

  authenticate(activity: Activity, authHeader: string): Promise<AuthenticateResult> {
    return this.auth.authenticateRequest(activity, authHeader);
  }

  runAuthenticated(result: AuthenticateResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(result, activity, logic);
  }
}
