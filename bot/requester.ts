import { TurnContext } from 'botbuilder';
import type { Requester } from './ticket-port.ts';

/** The requester of the conversation this turn belongs to: who asks, and where to reach them later. */
export function requesterOf(context: TurnContext): Requester {
  const { activity } = context;
  return { channelId: activity.channelId, userId: activity.from.id, reference: TurnContext.getConversationReference(activity) };
}
