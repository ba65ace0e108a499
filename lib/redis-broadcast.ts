import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';

interface Envelope<T> {
  origin: string;
  message: T;
}

/**
 * One Redis pub/sub channel shared by every instance: what one instance sends, the others receive (never the
 * sender itself, which delivers locally at once). Delivery is best effort; callers say how a lost message heals.
 */
export class RedisBroadcast<T> {
  private readonly origin = randomUUID();

  private constructor(
    private readonly channel: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: Pick<Logger, 'warn'>,
  ) {}

  /** Connects a publisher and a subscriber; `receive` hears the other instances' messages. */
  static async connect<T>(url: string, channel: string, log: Pick<Logger, 'warn'>, receive: (message: T) => void): Promise<RedisBroadcast<T>> {
    // The default export: the same class from source and from the server bundle (whose lazy chunks export CommonJS as default only).
    const { default: Redis } = await import('ioredis');
    const options = { lazyConnect: true, maxRetriesPerRequest: 3 };
    const broadcast = new RedisBroadcast<T>(channel, new Redis(url, options), new Redis(url, options), log);
    for (const client of [broadcast.publisher, broadcast.subscriber]) client.on('error', (err: Error) => log.warn({ err, channel }, 'redis: connection error'));
    await Promise.all([broadcast.publisher.connect(), broadcast.subscriber.connect()]);
    broadcast.subscriber.on('message', (_channel: string, raw: string) => {
      try {
        const envelope = JSON.parse(raw) as Envelope<T>;
        if (envelope.origin !== broadcast.origin) receive(envelope.message);
      } catch (err) {
        log.warn({ err, channel }, 'redis: ignoring a malformed message');
      }
    });
    await broadcast.subscriber.subscribe(channel);
    return broadcast;
  }

  /** Sends to the other instances; a failure is logged with `context` and `lost`, what the loss means. */
  send(message: T, context: Record<string, unknown>, lost: string): void {
    const envelope: Envelope<T> = { origin: this.origin, message };
    this.publisher
      .publish(this.channel, JSON.stringify(envelope))
      .catch((err: unknown) => this.log.warn({ err, ...context }, `redis: publish failed; ${lost}`));
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => undefined);
  }
}
