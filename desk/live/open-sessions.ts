import type { LiveStore } from './live-store.ts';

/**
 * The conversations that may have an open (waiting or live) session, known without asking the database. The bot
 * asks who owns a conversation on every turn; for a conversation not here the answer is "the bot" without a query
 * (that query was one of the eight statements of every Direct Line turn).
 *
 * Only sound when this instance is the only one that opens sessions: without Redis there is one instance (the desk's
 * events and the web chat's streams would not reach another). With Redis, sessions opened elsewhere are not seen
 * here, so the desk asks the database every time. Filled from the database at start, and by this instance before it
 * inserts a session, so a session's row never exists without its conversation here. Nothing is removed: a
 * conversation that once had a session is simply looked up as before.
 */
export class OpenSessionIndex {
  private readonly keys = new Set<string>();

  static async load(store: LiveStore): Promise<OpenSessionIndex> {
    const index = new OpenSessionIndex();
    for (const { channelId, conversationId } of await store.openConversations()) index.add(channelId, conversationId);
    return index;
  }

  add(channelId: string, conversationId: string): void {
    this.keys.add(key(channelId, conversationId));
  }

  mayBeOpen(channelId: string, conversationId: string): boolean {
    return this.keys.has(key(channelId, conversationId));
  }
}

const key = (channelId: string, conversationId: string) => `${channelId}\u0000${conversationId}`;
