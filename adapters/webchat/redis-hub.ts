import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.ts';
import { type ActivityBatch, type ConversationHub, LocalConversationHub } from './hub.ts';

const CHANNEL = 'lineone:directline';

interface Envelope {
  origin: string;
  conversationId: string;
  batch: ActivityBatch;
}

/**
 * The hub across instances: local listeners hear at once; other instances hear through one Redis
 * pub/sub channel. A lost message only delays a stream: it reads any gap from the store.
 */
export class RedisConversationHub implements ConversationHub {
  private readonly local = new LocalConversationHub();
  private readonly origin = randomUUID();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: Logger,
  ) {}

  static async connect(url: string, log: Logger): Promise<RedisConversationHub> {
    // The default export: the same class from source and from the server bundle (whose lazy chunks export CommonJS as default only).
    const { default: Redis } = await import('ioredis');
    const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
    const hub = new RedisConversationHub(new Redis(url, options), new Redis(url, options), log);
    await Promise.all([hub.publisher.connect(), hub.subscriber.connect()]);
    hub.subscriber.on('message', (_channel: string, message: string) => hub.receive(message));
    await hub.subscriber.subscribe(CHANNEL);
    return hub;
  }

  publish(conversationId: string, batch: ActivityBatch): void {
    this.local.publish(conversationId, batch);
    const envelope: Envelope = { origin: this.origin, conversationId, batch };
    this.publisher.publish(CHANNEL, JSON.stringify(envelope)).catch((err: unknown) => {
      this.log.warn({ err, conversationId }, 'directline: redis publish failed; remote streams catch up on their next read');
    });
  }

  subscribe(conversationId: string, listener: (batch: ActivityBatch) => void): () => void {
    return this.local.subscribe(conversationId, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }

  private receive(message: string): void {
    try {
      const envelope = JSON.parse(message) as Envelope;
      if (envelope.origin !== this.origin) this.local.publish(envelope.conversationId, envelope.batch);
    } catch (err) {
      this.log.warn({ err }, 'directline: ignoring a malformed hub message');
    }
  }
}
