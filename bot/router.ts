import type { TurnContext } from 'botbuilder';
import type { ConversationMemory } from './memory.ts';

/** One user message on its way through the bot. */
export interface Turn {
  context: TurnContext;
  /** The user's words, cleaned; a step may rewrite it (a digit becomes the option it picks). */
  text: string;
  memory: ConversationMemory;
}

/** Handles the turn and returns true, or returns false to let the next step try. */
export type Step = (turn: Turn) => Promise<boolean>;

/**
 * The one ordered pipeline every message goes through: who owns the conversation, then intents, then the
 * knowledge base. The first step that handles the turn ends it.
 */
export async function routeTurn(steps: readonly Step[], turn: Turn): Promise<void> {
  for (const step of steps) if (await step(turn)) return;
}
