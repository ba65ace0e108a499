import type { StatePropertyAccessor } from 'botbuilder';
import { DialogSet, type DialogState } from 'botbuilder-dialogs';
import type { ConversationMemory } from '../memory.ts';
import type { TicketPort } from '../ticket-port.ts';
import { IntakeDialog } from './intake.ts';

/**
 * The bot's dialog set. Loaded through a dynamic import of this module (see load.ts), never of botbuilder-dialogs
 * itself: a static import here gets its named exports the same way from source and from the server bundle.
 */
export function createDialogs(state: StatePropertyAccessor<DialogState>, tickets: TicketPort, memory: StatePropertyAccessor<ConversationMemory>): DialogSet {
  return new DialogSet(state).add(new IntakeDialog(tickets, memory));
}
