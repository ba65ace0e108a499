// Whole-message small talk in its many spoken forms: "谢谢你啊", "好的 再见", "嗯嗯好的", "你好在吗". A message is
// small talk when it can be cut entirely into small-talk phrases and fillers. Of the possible cuts the one with the
// fewest (so longest) pieces reads the message ("你好|在吗", not "你|好|在吗"); its act is the highest-priority act
// among its pieces (goodbye, identity, thanks, greeting).
import { SMALL_TALK_ACTS, type SmallTalkAct, type Vocabulary } from './vocabulary.ts';

/** Longer messages are questions, however polite. */
export const MAX_SMALL_TALK_CHARS = 24;

interface Cut {
  pieces: number;
  /** null: only fillers so far. */
  act: SmallTalkAct | null;
}

export function smallTalkOf(compact: string, vocabulary: Vocabulary): SmallTalkAct | undefined {
  if (compact === '' || compact.length > MAX_SMALL_TALK_CHARS) return undefined;
  const best: (Cut | undefined)[] = new Array(compact.length + 1).fill(undefined);
  best[0] = { pieces: 0, act: null };
  for (let i = 0; i < compact.length; i++) {
    const before = best[i];
    if (!before) continue;
    for (let len = 1; len <= vocabulary.longestSmallTalk && i + len <= compact.length; len++) {
      const piece = compact.slice(i, i + len);
      if (!vocabulary.smallTalk.has(piece)) continue;
      const cut = { pieces: before.pieces + 1, act: stronger(before.act, vocabulary.smallTalk.get(piece) ?? null) };
      const seen = best[i + len];
      if (!seen || cut.pieces < seen.pieces || (cut.pieces === seen.pieces && stronger(seen.act, cut.act) === cut.act && cut.act !== seen.act))
        best[i + len] = cut;
    }
  }
  return best[compact.length]?.act ?? undefined;
}

/** The strongest act among the small-talk phrases of two or more characters found anywhere in the text. */
export function smallTalkIn(compact: string, vocabulary: Vocabulary): SmallTalkAct | undefined {
  let act: SmallTalkAct | null = null;
  for (const [phrase, phraseAct] of vocabulary.smallTalk) if (phraseAct && phrase.length >= 2 && compact.includes(phrase)) act = stronger(act, phraseAct);
  return act ?? undefined;
}

function stronger(a: SmallTalkAct | null, b: SmallTalkAct | null): SmallTalkAct | null {
  if (a === null) return b;
  if (b === null) return a;
  return SMALL_TALK_ACTS.indexOf(a) <= SMALL_TALK_ACTS.indexOf(b) ? a : b;
}
