import { randomUUID } from 'node:crypto';
import { type Activity, ActivityTypes, BotAdapter, type ConversationReference, type ResourceResponse, TurnContext } from 'botbuilder';

/**
 * The in-process BotAdapter behind the WeChat channels (Official Account, 微信客服, Wechaty): the
 * same ActivityHandler as every other channel, with replies handed to the channel together with
 * their TurnContext, so the channel knows whether a reply belongs to a user's turn (and can go
 * back passively) or is a proactive push.
 *
 * Unlike inbound turns, a proactive `continueConversation` does not pass errors to onTurnError:
 * a DeliveryDeferred/DeliveryFailed must reach the caller (the delivery outbox) to be retried.
 */
export const PROACTIVE = Symbol('wechat.proactive');

export type TurnDeliver = (context: TurnContext, activities: Partial<Activity>[]) => Promise<void>;

export class TextChannelAdapter extends BotAdapter {
  /** Channels either pass their deliver function or override `deliver` (a subclass). */
  constructor(private readonly deliverTo?: TurnDeliver) {
    super();
  }

  protected async deliver(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
    if (!this.deliverTo) throw new Error('wechat: this adapter has no way to deliver replies');
    await this.deliverTo(context, activities);
  }

  /** Runs one inbound turn; `state` is put on the context's turnState for the channel's deliver. */
  async processActivity(activity: Partial<Activity>, logic: (context: TurnContext) => Promise<void>, state: Record<symbol, unknown> = {}): Promise<void> {
    const context = new TurnContext(this, activity);
    for (const key of Object.getOwnPropertySymbols(state)) context.turnState.set(key, state[key]);
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    let batch: Partial<Activity>[] = [];
    const flush = async () => {
      if (batch.length > 0) await this.deliver(context, batch);
      batch = [];
    };
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await flush();
        await new Promise((resolve) => setTimeout(resolve, typeof activity.value === 'number' ? activity.value : 1000));
      } else if (activity.type === ActivityTypes.Message) {
        batch.push(activity);
      }
      // typing, trace, invokeResponse, handoff events: nothing a WeChat user can see.
      responses.push({ id: activity.type === ActivityTypes.Message ? randomUUID() : '' });
    }
    await flush();
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('wechat: a sent message cannot be edited');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('wechat: a sent message cannot be deleted');
  }

  /** Pushes into a stored conversation; DeliveryDeferred/DeliveryFailed reach the caller. */
  override async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    const context = new TurnContext(this, activity);
    context.turnState.set(PROACTIVE, true);
    await this.middleware.run(context, () => logic(context));
  }
}
