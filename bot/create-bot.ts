import { ConversationState, type TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import type { KnowledgePort } from './knowledge-port.ts';
import { LineOneBot } from './line-one-bot.ts';
import type { ConversationOwnership } from './ownership.ts';
import { KeyValueBotStorage } from './state-storage.ts';
import { createTurnErrorHandler } from './turn-error.ts';

export interface BotDependencies {
  /** Where conversation state is kept (the SQL key-value store in production). */
  store: KeyValueStore;
  knowledge: KnowledgePort;
  log: Logger;
  ownership?: ConversationOwnership;
}

export interface Bot {
  /** Runs one turn: what every channel adapter calls. */
  run(context: TurnContext): Promise<void>;
  /** The adapters' last line of defence for a turn that throws. */
  onTurnError(context: TurnContext, error: Error): Promise<void>;
}

/** Wires the bot as BotBuilder-Samples' index.ts does: storage → state → bot → error handler. */
export function createBot(deps: BotDependencies): Bot {
  const conversationState = new ConversationState(new KeyValueBotStorage(deps.store));
  const bot = new LineOneBot({ conversationState, knowledge: deps.knowledge, ownership: deps.ownership });
  return { run: (context) => bot.run(context), onTurnError: createTurnErrorHandler(deps.log, conversationState) };
}
