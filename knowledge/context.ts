// Reading an elliptical follow-up against the last answer: the message is searched together with the words that
// name the last entry's topic ("能领多久" after 失业保险金怎么申领 → "能领多久 失业保险金 申领"), or the last question
// is searched about the new subject ("那灵活就业人员呢" → "灵活就业人员 …养老保险怎么缴…"); entries close to the
// last one (related, same category) are preferred among near-equal candidates.
import type { Entry } from './content/schema.ts';
import type { EntryProfile } from './decision/profiles.ts';
import { descending, type EntryCandidate } from './index/fusion.ts';
import type { IndexSnapshot } from './index/snapshot.ts';
import { outsideFamiliesOf, type Ellipsis, type FollowupVocabulary } from './triage/followup.ts';

/** A follow-up and what it was read as. */
export interface Followup {
  ellipsis: Ellipsis;
  /** Position of the last answered entry. */
  last: number;
  resolvedAs: string;
  /** A bare follow-up: the lines of the last entry's answer that speak to it (passages.ts), often none. */
  lastPassages?: readonly string[];
}

/**
 * Score added to candidates related to the last entry / in its category: a tie-breaker, not a verdict. On a bare
 * follow-up the last entry itself gains when some lines of its answer speak to the follow-up (难产呢 after 产假多少天:
 * the entry says how many more days), and loses a little when none does: the user has just read it and asks for
 * something it did not make clear ("可以在网上办吗" after 社保卡挂失补办 wants the entry about doing it online).
 * Measured on the tuning and retired follow-up sets (499 in context): 330 → 341 answered right, wrong entries 42 → 44,
 * answers to follow-ups the KB cannot answer 31 → 32 of 100, against a flat −0.05.
 * A swap ("那医保呢") keeps the last entry in play at a larger cost: one entry often covers both subjects
 * (女职工多大退休 → 男的呢), but when another entry is about the new subject it should win.
 */
export const CONTEXT_BONUS = { related: 0.06, category: 0.03, lastSpeaks: 0.1, lastSilent: -0.05, swappedLast: -0.15 } as const;

/** An amount of time, money or age: 5年, 三个月, 8000块, 55岁. */
const QUANTITY = /[0-9０-９一二两三四五六七八九十半几]+ *(?:个)?(?:年|月|天|岁|周|万|千|块|元)/;

/** A figure not reached (没交满一年, 不到15年): a condition to qualify, which is a question of its own. */
const SHORT_OF = /[没未不][交缴]?[满够到足]?[0-9０-９一二两三四五六七八九十半几]/;

/** Whether a text gives an amount of time, money or age (one not short of a condition). */
export const isQuantity = (text: string): boolean => QUANTITY.test(text) && !SHORT_OF.test(text);

/** How many topic words of the last question a bare follow-up borrows. */
const TOPIC_WORDS = 3;

/**
 * What a follow-up is searched as. A swap asks the last question again about the new subject: the subject (twice:
 * it is what the question is now about) and the last question's words, less those of the subject's family
 * ("那医保呢" after 养老保险最少交多少年 drops 养老保险). A bare follow-up borrows the last question's topic words.
 * @param asks the message asks something of its own (能领多久, 要带什么): the last question's ask is not carried over
 */
export function rewriteFollowup(
  ellipsis: Ellipsis,
  message: string,
  last: Entry,
  profile: EntryProfile,
  vocabulary: FollowupVocabulary,
  wordsOf: (text: string) => string[],
  asks = true,
): string {
  if (ellipsis.kind === 'swap') {
    const kept = outsideFamiliesOf(wordsOf(ellipsis.subject), wordsOf(last.question), vocabulary.families);
    return `${ellipsis.subject} ${ellipsis.subject} ${kept.join(' ')}`;
  }
  // A new figure that asks nothing itself ("交满5年呢", "我只交了8个月" after 失业金能领多久) is the same question
  // about other numbers: the whole last question is asked again with it, not only its topic.
  const topic = profile.topic.slice(0, TOPIC_WORDS);
  const sameQuestion = !asks && isQuantity(message);
  return topic.length > 0 && !sameQuestion ? `${topic.join(' ')} ${message}` : `${last.question} ${message}`;
}

/** Entries close to the last one win near-ties (a swap has already left the last entry out of retrieval). */
export function preferContext(candidates: readonly EntryCandidate[], followup: Followup, snapshot: IndexSnapshot): EntryCandidate[] {
  const lastEntry = snapshot.entries[followup.last] as Entry;
  const related = new Set(lastEntry.related.map((id) => snapshot.positionOf.get(id)));
  const out: EntryCandidate[] = [];
  for (const c of candidates) {
    const entry = snapshot.entries[c.entry] as Entry;
    const bonus =
      c.entry === followup.last
        ? followup.ellipsis.kind === 'swap'
          ? CONTEXT_BONUS.swappedLast
          : followup.lastPassages?.length
            ? CONTEXT_BONUS.lastSpeaks
            : CONTEXT_BONUS.lastSilent
        : related.has(c.entry) || entry.related.includes(lastEntry.id)
          ? CONTEXT_BONUS.related
          : entry.category === lastEntry.category
            ? CONTEXT_BONUS.category
            : 0;
    out.push(bonus !== 0 ? { ...c, score: c.score + bonus } : c);
  }
  return out.sort((a, b) => descending(a.score, b.score));
}
