import { EventEmitter } from 'node:events';
import type { Activity } from 'botbuilder';

export interface ActivityBatch {
  activities: Partial<Activity>[];
  watermark: number;
}

/**
 * Tells open streams that a conversation has new activities. One instance: in process. Several
 * instances behind a load balancer: through Redis, so a stream on one instance hears a reply
 * stored by another.
 */
export interface ConversationHub {
  publish(conversationId: string, batch: ActivityBatch): void;
  subscribe(conversationId: string, listener: (batch: ActivityBatch) => void): () => void;
  close(): Promise<void>;
}

export class LocalConversationHub implements ConversationHub {
  private readonly events = new EventEmitter().setMaxListeners(0);

  publish(conversationId: string, batch: ActivityBatch): void {
    this.events.emit(conversationId, batch);
  }

  subscribe(conversationId: string, listener: (batch: ActivityBatch) => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }

  async close(): Promise<void> {
    this.events.removeAllListeners();
  }
}
