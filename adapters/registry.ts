import type { ConversationReference, TurnContext } from 'botbuilder';

/** What any channel adapter offers for messages outside a turn (a BotAdapter's continueConversation). */
export interface ProactiveChannel {
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export class UnknownChannelError extends Error {
  override name = 'UnknownChannelError';
}

/**
 * Every channel adapter by channel id, so later code (an agent's reply, a ticket update) can send into any
 * stored conversation reference without knowing the channel. Channels Line One does not host itself (Teams,
 * Azure's Web Chat …) go to the Bot Framework adapter, the fallback.
 */
export class ChannelRegistry implements ProactiveChannel {
  private readonly channels = new Map<string, ProactiveChannel>();
  private fallback: ProactiveChannel | undefined;

  register(channelId: string, channel: ProactiveChannel): this {
    if (this.channels.has(channelId)) throw new Error(`channels: "${channelId}" is registered twice`);
    this.channels.set(channelId, channel);
    return this;
  }

  /** The adapter for every channel id not registered by name. */
  registerFallback(channel: ProactiveChannel): this {
    this.fallback = channel;
    return this;
  }

  /** True for the channels Line One hosts itself (their ids must never be accepted from /api/messages). */
  hosts(channelId: string): boolean {
    return this.channels.has(channelId);
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const channelId = reference.channelId ?? '';
    const channel = this.channels.get(channelId) ?? this.fallback;
    if (!channel) throw new UnknownChannelError(`channels: no adapter for channel "${channelId}"`);
    await channel.continueConversation(reference, logic);
  }
}
