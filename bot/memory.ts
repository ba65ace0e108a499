import type { ConversationState, StatePropertyAccessor } from 'botbuilder';

/** One button the bot last offered: a digit N picks the N-th, on channels with or without buttons. */
export interface Offer {
  title: string;
  /** What pressing it sends. */
  value: string;
  /** Set when the offer is a knowledge entry: picking it answers that entry directly. */
  entryId?: string;
}

/** What the bot remembers between turns of one conversation (persisted in ConversationState). */
export interface ConversationMemory {
  offered?: Offer[];
  /** The entry answered last: elliptical follow-ups ("能领多久？") are read against it. */
  lastEntryId?: string;
}

export const MEMORY_PROPERTY = 'dialog';

export function memoryAccessor(state: ConversationState): StatePropertyAccessor<ConversationMemory> {
  return state.createProperty<ConversationMemory>(MEMORY_PROPERTY);
}
