import type { ConversationState, StatePropertyAccessor } from 'botbuilder';
import type { Rating, TranscriptLine } from './ticket-port.ts';

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
  /** The entry answered last, or the first of the choices offered last: elliptical follow-ups ("能领多久？") are read against it. */
  lastEntryId?: string;
  /** Whether the user was shown lastEntryId's answer, not only offered it among choices: only then can a reply say
   *  "刚才的答复…" about it. */
  lastEntryRead?: boolean;
  /** The topic word whose list of questions was shown last (失业金): an elliptical next question is read as about it. */
  lastTopic?: string;
  /** The recorded turn of the last answer, which a 解决了 / 没解决 vote is about. */
  lastTurnId?: string;
  /** The recorded question whose choices are on offer: the entry the user picks from them labels it. */
  clarifiedTurnId?: string;
  /** The user's last question (prefills a ticket when the answer did not help). */
  lastQuestion?: string;
  /** Questions in a row the bot found nothing for: two make it offer a ticket. */
  misses?: number;
  /** The last lines of the conversation, for a ticket's transcript. */
  recent?: TranscriptLine[];
  /** A ticket number waiting for the mobile number that shows it is the user's. */
  awaitingMobileFor?: string;
  /** When this conversation last gave a ticket number and mobile that did not match (guesses are limited). */
  failedLookups?: string[];
  /** A ticket the bot offered to register: why, and for which question ("登记工单" starts it). */
  escalation?: { reason: string; request: string };
  /** A resolved ticket whose satisfaction question is open. */
  survey?: { number: string; rating?: Rating };
}

export const MEMORY_PROPERTY = 'dialog';
const RECENT_LINES = 12;
const LINE_CHARS = 500;
/** A bot answer is long and known by its entry; its opening is enough for an agent to see what was said. It is
 *  kept short because this memory is read, hashed and written back on every turn. */
const BOT_LINE_CHARS = 160;

export function memoryAccessor(state: ConversationState): StatePropertyAccessor<ConversationMemory> {
  return state.createProperty<ConversationMemory>(MEMORY_PROPERTY);
}

/** Keeps the last lines of the conversation (capped) for the transcript of a ticket raised from it. */
export function remember(memory: ConversationMemory, from: TranscriptLine['from'], text: string): void {
  if (!text) return;
  const recent = memory.recent ?? [];
  const cap = from === 'bot' ? BOT_LINE_CHARS : LINE_CHARS;
  recent.push({ from, text: text.length > cap ? `${text.slice(0, cap)}…` : text, at: new Date().toISOString() });
  memory.recent = recent.slice(-RECENT_LINES);
}
