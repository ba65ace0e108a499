// What a message is before it is a question for the knowledge base: a request for a person, distress, a
// complaint, a personal case or personal data. Each is a handoff with a reason the bot acts on, decided from the
// words alone (vocabulary.yaml): a KB answer to these would be a wrong answer even when the topic words match
// (帮我查下我家的社保 is about 社保, but no FAQ can look it up).
import type { TriageModel } from './model.ts';
import { eachCharReadsAs, isAllHan, projectVocabulary, soundOf, type Cue, type Vocabulary } from './vocabulary.ts';

export type HandoffReason =
  'human_request' | 'complaint' | 'personal_case' | 'personal_data' | 'urgent' | 'out_of_scope' | 'low_confidence' | 'empty' | 'error';

/** Reasons that send the message to a person whatever the KB holds (the "human route"). */
export const HUMAN_ROUTE: ReadonlySet<HandoffReason> = new Set(['human_request', 'complaint', 'personal_case', 'personal_data', 'urgent']);

export type { Cue } from './vocabulary.ts';

/** A whole-message request for a person ("人工", "客服") or one inside a sentence ("我要找真人客服"). */
export function asksForPerson(compact: string, vocabulary: Vocabulary = projectVocabulary()): boolean {
  return wholeRequest(compact, vocabulary) || vocabulary.human.test(compact);
}

/** Longer messages are sentences, which the patterns read. */
const MAX_WHOLE_REQUEST_CHARS = 12;

/**
 * The message is nothing but a request for a person: one of the list, said again and again or run together
 * (真人真人真人, 转人工人工), or typed with the wrong characters for the same syllables (人公客服, 转仁工).
 */
function wholeRequest(compact: string, vocabulary: Vocabulary): boolean {
  if (compact === '') return false; // a run of no items at all: punctuation (……) is not a request
  if (vocabulary.humanWhole.has(compact)) return true;
  if (compact.length > MAX_WHOLE_REQUEST_CHARS) return false;
  if (madeOf(compact, vocabulary.humanWhole)) return true;
  return isAllHan(compact) && eachCharReadsAs(compact, vocabulary.humanWholeSyllables) && vocabulary.humanWholeSounds.has(soundOf(compact));
}

/** The text is a run of the set's items, back to back. */
function madeOf(text: string, items: ReadonlySet<string>): boolean {
  const reach = new Array<boolean>(text.length + 1).fill(false);
  reach[0] = true;
  for (let i = 0; i < text.length; i++) {
    if (!reach[i]) continue;
    for (let end = i + 1; end <= text.length; end++) if (items.has(text.slice(i, end))) reach[end] = true;
  }
  return reach[text.length] === true;
}

/**
 * The first cue the compact normalized text shows, in priority order: urgent distress before anything else, then
 * a request for a person, a complaint, a personal case, personal data.
 */
export function findCue(compact: string, vocabulary: Vocabulary = projectVocabulary()): Cue | undefined {
  const urgent = urgentCue(compact, vocabulary);
  if (urgent) return urgent;
  if (wholeRequest(compact, vocabulary)) return vocabulary.cues[0];
  return vocabulary.cues.find((c) => fires(c, compact));
}

/** Distress or danger (有人晕倒了 快派人来): it outranks everything else the message says, a request for a person too. */
export function urgentCue(compact: string, vocabulary: Vocabulary = projectVocabulary()): Cue | undefined {
  const urgent = vocabulary.cues.find((c) => c.reason === 'urgent');
  return urgent && fires(urgent, compact) ? urgent : undefined;
}

/**
 * How sure the learned triage must be that a message asking for a person (or complaining) is an emergency in words
 * the urgent cue lacks (快派人来 我们这出大事了): the same bar as its other readings that send a message to a person.
 */
export const LEARNED_URGENT = 0.7;

/**
 * The urgent cue for a message that goes to a person anyway, when the cue's words fire or the learned triage reads
 * it as an emergency; undefined otherwise.
 */
export function urgentReading(compact: string, text: string, vocabulary: Vocabulary, model?: TriageModel): Cue | undefined {
  const urgent = vocabulary.cues.find((c) => c.reason === 'urgent');
  if (!urgent || fires(urgent, compact)) return urgent;
  const learned = model?.predict(text);
  return learned?.kind === 'urgent' && learned.probability >= LEARNED_URGENT ? urgent : undefined;
}

function fires(cue: Cue, compact: string): boolean {
  if (!cue.pattern.test(compact)) return false;
  return !(cue.unless?.test(compact) ?? false) || (cue.evenSo?.test(compact) ?? false);
}
