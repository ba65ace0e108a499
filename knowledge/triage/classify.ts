import { compactKey } from '../text/normalize.ts';
import { HUMAN_REQUEST, type SmallTalk, smallTalkOf } from './cues.ts';

/**
 * What the bot should do with a message before searching: small talk gets a courteous reply, a request for a
 * person goes to the human route, anything else is a question (search still applies the other handoff cues,
 * which need the retrieval result to decide).
 */
export type Triage = { kind: 'small_talk'; act: SmallTalk } | { kind: 'human' } | { kind: 'question' };

export function classify(text: string): Triage {
  const compact = compactKey(text);
  // A lone question mark asks for help: the menu answers it.
  if (compact === '' && /^[?？]+$/.test(text.trim())) return { kind: 'small_talk', act: 'greeting' };
  const act = smallTalkOf(compact);
  if (act) return { kind: 'small_talk', act };
  if (HUMAN_REQUEST.test(compact)) return { kind: 'human' };
  return { kind: 'question' };
}
