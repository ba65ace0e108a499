import type { ConversationOwnership } from '../ownership.ts';
import type { Step } from '../router.ts';
import { TurnContext } from 'botbuilder';

/** While a person owns the conversation, the user's words go to them and the bot says nothing. */
export function ownershipStep(ownership: ConversationOwnership): Step {
  return async (turn) => {
    const reference = TurnContext.getConversationReference(turn.context.activity);
    if ((await ownership.ownerOf(reference)) === 'bot') return false;
    await ownership.relay(reference, turn.text);
    return true;
  };
}
