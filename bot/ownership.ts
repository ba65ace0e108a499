import type { ConversationReference } from 'botbuilder';

/**
 * Who answers a conversation: the bot, or a person during a live handoff. While a person owns it the bot
 * relays the user's messages to them and stays silent (botpress HITL's ownership + router). The desk
 * provides the real implementation; until a conversation is taken, the bot owns it.
 */
export interface ConversationOwnership {
  ownerOf(reference: Partial<ConversationReference>): Promise<'bot' | 'person'>;
  /** Hands a user's message to the person who owns the conversation. */
  relay(reference: Partial<ConversationReference>, text: string): Promise<void>;
}

export const botOwnsEverything: ConversationOwnership = {
  ownerOf: async () => 'bot',
  relay: async () => {
    throw new Error('bot: relay called while the bot owns the conversation');
  },
};
