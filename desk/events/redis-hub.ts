import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.ts';
import { type DeskEvent, type DeskHub, LocalDeskHub } from './hub.ts';

const CHANNEL = 'lineone:desk';

interface Envelope {
  origin: string;
  event: DeskEvent;
}

/**
 * The desk's events across instances: local listeners hear at once; other instances hear through one Redis pub/sub
 * channel. A lost event only delays a screen: each screen also refetches when its stream reconnects.
 */
export class RedisDeskHub implements DeskHub {
  private readonly local = new LocalDeskHub();
  private readonly origin = randomUUID();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  static async connect(url: string, log: Pick<Logger, 'warn'>): Promise<RedisDeskHub> {
    // The default export: the same class from source and from the server bundle (whose lazy chunks export CommonJS as default only).
    const { default: Redis } = await import('ioredis');
    const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
    const hub = new RedisDeskHub(new Redis(url, options), new Redis(url, options), log);
    for (const client of [hub.publisher, hub.subscriber]) client.on('error', (err: Error) => log.warn({ err }, 'desk: redis hub error'));
    await Promise.all([hub.publisher.connect(), hub.subscriber.connect()]);
    hub.subscriber.on('message', (_channel: string, message: string) => hub.receive(message));
    await hub.subscriber.subscribe(CHANNEL);
    return hub;
  }

  publish(event: DeskEvent): void {
    this.local.publish(event);
    const envelope: Envelope = { origin: this.origin, event };
    this.publisher.publish(CHANNEL, JSON.stringify(envelope)).catch((err: unknown) => {
      this.log.warn({ err, type: event.type }, 'desk: redis publish failed; other instances catch up when their screens refetch');
    });
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }

  private receive(message: string): void {
    try {
      const envelope = JSON.parse(message) as Envelope;
      if (envelope.origin !== this.origin) this.local.publish(envelope.event);
    } catch (err) {
      this.log.warn({ err }, 'desk: ignoring a malformed hub message');
    }
  }
}
