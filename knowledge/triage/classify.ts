// The bot's intent step asks this before anything else (through the knowledge port's `classify`): small talk gets
// a courteous reply, a request for a person goes to the human route, anything else is a question. Search applies
// the other cues (complaints, distress, other departments' matters), which need the same vocabulary.
import { compactKey } from '../text/normalize.ts';
import { asksForPerson, urgentReading } from './cues.ts';
import type { TriageModel } from './model.ts';
import { MAX_SMALL_TALK_CHARS, smallTalkIn, smallTalkOf } from './small-talk.ts';
import { projectVocabulary, type SmallTalkAct, type Vocabulary } from './vocabulary.ts';

/**
 * The port's small-talk acts (an acknowledgement, "好的", "收到", is answered as thanks), and `chat`: small talk the
 * learned triage recognizes in none of the phrase list's words, mostly about the conversation itself (我先撤了 晚点再聊,
 * 刚刚网断了 你还在吧, 第一次用这个 不太会, 等我一下): answered with "still here" and the menu, which suits them all.
 */
export type SmallTalk = SmallTalkAct | 'chat';

const THANKING_EMOJI = /[\u{1F44D}\u{1F44C}\u{1F64F}\u{1F4AF}\u{2764}\u{1F495}\u{1F339}]/u;

export type Triage = { kind: 'small_talk'; act: SmallTalk } | { kind: 'human' } | { kind: 'question' };

/** How sure the learned triage must be that a message the phrase list cannot cut is small talk ("你们服务真不错"). */
export const LEARNED_SMALL_TALK = 0.8;

/**
 * @param asksTheKb whether a message the learned triage reads as small talk asks something in the KB's words
 *   (app叫什么): then it is a question, however chatty it reads. Asked only when the learned reading would decide.
 */
export function classify(text: string, vocabulary: Vocabulary = projectVocabulary(), model?: TriageModel, asksTheKb?: (text: string) => boolean): Triage {
  const compact = compactKey(typeof text === 'string' ? text : '');
  // Only emoji, symbols or punctuation: a thumbs-up or folded hands (👍, 🙏🙏) thanks; anything else (😊, ？, ……) is
  // a greeting or a pause, and the menu answers it. Never a request: an empty text is a run of no items of any list.
  if (compact === '' && typeof text === 'string' && text.trim() !== '') return { kind: 'small_talk', act: THANKING_EMOJI.test(text) ? 'thanks' : 'greeting' };
  // An emergency that also asks for someone (快派人来 有人晕倒了) is searched, where it is handled as urgent.
  if (asksForPerson(compact, vocabulary) && !urgentReading(compact, text, vocabulary, model)) return { kind: 'human' };
  const act: SmallTalkAct | undefined = smallTalkOf(compact, vocabulary);
  if (act) return { kind: 'small_talk', act };
  if (model && compact.length <= MAX_SMALL_TALK_CHARS) {
    const learned = model.predict(text);
    // Which act: the strongest small-talk phrase inside it ("晚上好 你们还在吗" greets, "你们服务真不错" thanks), else
    // chat: thanking someone who says they are back or off to a meeting (不客气) reads as not listening.
    if (learned.kind === 'small_talk' && learned.probability >= LEARNED_SMALL_TALK && !asksTheKb?.(text))
      return { kind: 'small_talk', act: smallTalkIn(compact, vocabulary) ?? 'chat' };
  }
  return { kind: 'question' };
}
