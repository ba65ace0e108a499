import { type ConversationState, MessageFactory, type TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger.ts';
import { HUMAN, messages } from './messages.ts';

/**
 * The last line of defence for a turn: log what broke (with the conversation, masked), tell the
 * user in Chinese, offer a human, and clear the conversation state so a bad state can't repeat.
 */
export function createTurnErrorHandler(log: Logger, conversationState: ConversationState) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const { activity } = context;
    log.error({ err: error, channelId: activity.channelId, conversationId: activity.conversation?.id }, 'bot: turn failed');
    try {
      await context.sendActivity(MessageFactory.suggestedActions([HUMAN], messages.turnError));
      await conversationState.delete(context);
    } catch (err) {
      log.error({ err, conversationId: activity.conversation?.id }, 'bot: could not report the failure to the user');
    }
  };
}
