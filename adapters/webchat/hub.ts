import { EventEmitter } from 'node:events';
import type { Activity } from 'botbuilder';

export interface ActivityBatch {
  activities: Partial<Activity>[];
  watermark: number;
}

/**
 * Tells open streams that a conversation has new activities. In-process today; a scale-out
 * deployment swaps in a Redis-backed hub with the same two methods.
 */
export class ConversationHub {
  private readonly events = new EventEmitter().setMaxListeners(0);

  publish(conversationId: string, batch: ActivityBatch): void {
    this.events.emit(conversationId, batch);
  }

  subscribe(conversationId: string, listener: (batch: ActivityBatch) => void): () => void {
    this.events.on(conversationId, listener);
    return () => this.events.off(conversationId, listener);
  }
}
