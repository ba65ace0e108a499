import type { StatePropertyAccessor } from 'botbuilder';
import type { DialogSet, DialogState } from 'botbuilder-dialogs';
import type { ConversationMemory } from '../memory.ts';
import type { TicketPort } from '../ticket-port.ts';

/** The bot's dialogs, built on first use: botbuilder-dialogs takes half a second to load, and most turns need none. */
export type LoadDialogs = () => Promise<DialogSet>;

export function lazyDialogs(state: StatePropertyAccessor<DialogState>, tickets: TicketPort, memory: StatePropertyAccessor<ConversationMemory>): LoadDialogs {
  let loading: Promise<DialogSet> | undefined;
  return () =>
    (loading ??= (async () => {
      const { createDialogs } = await import('./set.ts');
      return createDialogs(state, tickets, memory);
    })());
}
