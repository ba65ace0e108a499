import { type Activity, ActivityTypes, BotAdapter, type ConversationReference, type ResourceResponse, TurnContext } from 'botbuilder';

/** Writes a turn's outgoing activities to the channel; returns their ids in order. */
export type Deliver = (activities: Partial<Activity>[], context: TurnContext) => Promise<ResourceResponse[]>;

/**
 * Runs the bot in process for the channels Line One hosts itself (Direct Line, WeChat): the same
 * ActivityHandler as /api/messages, without the Bot Connector HTTP round trip per reply.
 */
export class ChannelAdapter extends BotAdapter {
  constructor(private readonly deliver: Deliver) {
    super();
  }

  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    let batch: Partial<Activity>[] = [];
    const flush = async () => {
      if (batch.length > 0) responses.push(...(await this.deliver(batch, context)));
      batch = [];
    };
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await flush();
        await new Promise((resolve) => setTimeout(resolve, typeof activity.value === 'number' ? activity.value : 1000));
        responses.push({ id: '' });
      } else if (activity.type === ActivityTypes.InvokeResponse) {
        responses.push({ id: '' });
      } else {
        batch.push(activity);
      }
    }
    await flush();
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('channel: updating a sent activity is not supported on this channel');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('channel: deleting a sent activity is not supported on this channel');
  }

  /** Proactive messages (an agent's reply, a ticket update) into an existing conversation. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.processActivity(activity, logic);
  }
}
