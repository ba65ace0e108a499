import type { Logger } from '../../log/logger.ts';
import { RedisBroadcast } from '../../lib/redis-broadcast.ts';
import { type ActivityBatch, type ConversationHub, LocalConversationHub } from './hub.ts';

interface Published {
  conversationId: string;
  batch: ActivityBatch;
}

/**
 * The hub across instances: local listeners hear at once; other instances hear through one Redis
 * pub/sub channel. A lost message only delays a stream: it reads any gap from the store.
 */
export class RedisConversationHub implements ConversationHub {
  private constructor(
    private readonly local: LocalConversationHub,
    private readonly remote: RedisBroadcast<Published>,
  ) {}

  static async connect(url: string, log: Logger): Promise<RedisConversationHub> {
    const local = new LocalConversationHub();
    const remote = await RedisBroadcast.connect<Published>(url, 'lineone:directline', log, (m) => local.publish(m.conversationId, m.batch));
    return new RedisConversationHub(local, remote);
  }

  publish(conversationId: string, batch: ActivityBatch): void {
    this.local.publish(conversationId, batch);
    this.remote.send({ conversationId, batch }, { conversationId }, 'remote streams catch up on their next read');
  }

  subscribe(conversationId: string, listener: (batch: ActivityBatch) => void): () => void {
    return this.local.subscribe(conversationId, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
    await this.remote.close();
  }
}
