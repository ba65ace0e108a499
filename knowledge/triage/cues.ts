// What a message is before it is a question for the knowledge base: a request for a person, distress, a
// complaint, a personal case or personal data. Each is a handoff with a reason the bot acts on, decided from the
// words alone (vocabulary.yaml): a KB answer to these would be a wrong answer even when the topic words match
// (帮我查下我家的社保 is about 社保, but no FAQ can look it up).
import { projectVocabulary, type Cue, type Vocabulary } from './vocabulary.ts';

export type HandoffReason =
  'human_request' | 'complaint' | 'personal_case' | 'personal_data' | 'urgent' | 'out_of_scope' | 'low_confidence' | 'empty' | 'error';

/** Reasons that send the message to a person whatever the KB holds (the "human route"). */
export const HUMAN_ROUTE: ReadonlySet<HandoffReason> = new Set(['human_request', 'complaint', 'personal_case', 'personal_data', 'urgent']);

export type { Cue } from './vocabulary.ts';

/** A whole-message request for a person ("人工", "客服") or one inside a sentence ("我要找真人客服"). */
export function asksForPerson(compact: string, vocabulary: Vocabulary = projectVocabulary()): boolean {
  return vocabulary.humanWhole.has(compact) || vocabulary.human.test(compact);
}

/**
 * The first cue the compact normalized text shows, in priority order: urgent distress before anything else, then
 * a request for a person, a complaint, a personal case, personal data.
 */
export function findCue(compact: string, vocabulary: Vocabulary = projectVocabulary()): Cue | undefined {
  const urgent = vocabulary.cues.find((c) => c.reason === 'urgent');
  if (urgent && fires(urgent, compact)) return urgent;
  if (vocabulary.humanWhole.has(compact)) return vocabulary.cues[0];
  return vocabulary.cues.find((c) => fires(c, compact));
}

function fires(cue: Cue, compact: string): boolean {
  if (!cue.pattern.test(compact)) return false;
  return !(cue.unless?.test(compact) ?? false) || (cue.evenSo?.test(compact) ?? false);
}
