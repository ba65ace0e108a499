import type { Logger } from '../../log/logger.ts';
import { RedisBroadcast } from '../../lib/redis-broadcast.ts';
import { type DeskEvent, type DeskHub, LocalDeskHub } from './hub.ts';

/**
 * The desk's events across instances: local listeners hear at once; other instances hear through one Redis pub/sub
 * channel. A lost event only delays a screen: each screen also refetches when its stream reconnects.
 */
export class RedisDeskHub implements DeskHub {
  private constructor(
    private readonly local: LocalDeskHub,
    private readonly remote: RedisBroadcast<DeskEvent>,
  ) {}

  static async connect(url: string, log: Pick<Logger, 'warn'>): Promise<RedisDeskHub> {
    const local = new LocalDeskHub();
    return new RedisDeskHub(local, await RedisBroadcast.connect<DeskEvent>(url, 'lineone:desk', log, (event) => local.publish(event)));
  }

  publish(event: DeskEvent): void {
    this.local.publish(event);
    this.remote.send(event, { type: event.type }, 'other instances catch up when their screens refetch');
  }

  subscribe(listener: (event: DeskEvent) => void): () => void {
    return this.local.subscribe(listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.remote.close();
  }
}
