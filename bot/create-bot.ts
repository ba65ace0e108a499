import type { TurnContext } from 'botbuilder';
import type { Logger } from '../log/logger.ts';
import type { KeyValueStore } from '../storage/kv.ts';
import { LineOneConversationState } from './conversation-state.ts';
import type { KnowledgePort } from './knowledge-port.ts';
import { LineOneBot } from './line-one-bot.ts';
import type { Notice } from './notices.ts';
import type { ConversationOwnership } from './ownership.ts';
import { KeyValueBotStorage } from './state-storage.ts';
import type { TicketPort } from './ticket-port.ts';
import { createTurnErrorHandler } from './turn-error.ts';
import type { TurnRecorder } from './turn-recorder.ts';

export interface BotDependencies {
  /** Where conversation state is kept (the SQL key-value store in production). */
  store: KeyValueStore;
  knowledge: KnowledgePort;
  tickets: TicketPort;
  log: Logger;
  ownership?: ConversationOwnership;
  /** Where each question's outcome is recorded (insights/ in production). */
  recorder?: TurnRecorder;
}

export interface Bot {
  /** Runs one turn: what every channel adapter calls. */
  run(context: TurnContext): Promise<void>;
  /** Tells the user something outside a turn (the logic a channel's continueConversation runs). */
  notify(context: TurnContext, notice: Notice): Promise<void>;
  /** The adapters' last line of defence for a turn that throws. */
  onTurnError(context: TurnContext, error: Error): Promise<void>;
}

/** Wires the bot as BotBuilder-Samples' index.ts does: storage → state → bot → error handler. */
export function createBot(deps: BotDependencies): Bot {
  const conversationState = new LineOneConversationState(new KeyValueBotStorage(deps.store));
  const bot = new LineOneBot({ conversationState, knowledge: deps.knowledge, tickets: deps.tickets, ownership: deps.ownership, recorder: deps.recorder });
  return {
    run: (context) => bot.run(context),
    notify: (context, notice) => bot.notify(context, notice),
    onTurnError: createTurnErrorHandler(deps.log, conversationState),
  };
}
