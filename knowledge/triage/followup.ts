// Elliptical follow-ups: a short message that says what it asks but not about what ("能领多久？", "需要带什么材料？",
// "可以在网上办吗？"), or that asks the last question again about something else ("那灵活就业人员呢？",
// "租房的话呢？"). Read alone they would match whatever entry shares their few words; the KB reads them against
// the last answer instead, or asks what they are about.

export type Ellipsis =
  /** Only generic words: borrow the last answer's topic. */
  | { kind: 'bare' }
  /** The last question, about another subject. */
  | { kind: 'swap'; subject: string };

export interface FollowupVocabulary {
  /** Canonical generic words (ask words, generic verbs and nouns). */
  generic: ReadonlySet<string>;
  swap: readonly RegExp[];
  /** Swaps read as such only when there is a last answer to read them against. */
  swapInContext?: readonly RegExp[];
  /** Canonical word → the families (slots) it fills. */
  families: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The words of `words` that fill another slot than every subject word: what a swapped question keeps. */
export function outsideFamiliesOf(subject: readonly string[], words: readonly string[], families: FollowupVocabulary['families']): string[] {
  const taken = new Set(subject.flatMap((w) => [...(families.get(w) ?? [])]));
  return words.filter((w) => ![...(families.get(w) ?? [])].some((f) => taken.has(f)));
}

/** Longer messages carry their own context. */
const MAX_FOLLOWUP_CHARS = 16;
/** A question that names no topic at all is elliptical up to this length. */
const MAX_TOPICLESS_CHARS = 10;

/**
 * @param compact the canonical text without spaces
 * @param words its content words (stopwords removed)
 * @param wordsOf cuts a piece of canonical text into content words
 */
/**
 * @param topical what the caller knows of the message as a whole: whether it names any of the KB's key terms,
 *   whether the KB knows most of its words, and whether it asks something. A short question in the KB's words
 *   that asks something but names no topic ("需要本人到场吗", "能干什么用") is a follow-up too, whatever its verbs.
 */
export function ellipsisOf(
  compact: string,
  words: readonly string[],
  vocabulary: FollowupVocabulary,
  wordsOf: (text: string) => string[],
  topical?: { namesKeyTerm: boolean; mostlyKnown: boolean; asks: boolean },
  inConversation = false,
): Ellipsis | undefined {
  if (compact === '' || [...compact].length > MAX_FOLLOWUP_CHARS) return undefined;
  // Nothing but pointers and particles (然后呢, 那我呢, 这个呢): it goes on from the last answer, or asks what about.
  if (words.length === 0) return { kind: 'bare' };
  const generic = (w: string) => vocabulary.generic.has(w) || /^\d+$/.test(w);
  if (words.every(generic)) return { kind: 'bare' };
  if (topical && !topical.namesKeyTerm && topical.mostlyKnown && topical.asks && [...compact].length <= MAX_TOPICLESS_CHARS) return { kind: 'bare' };
  for (const pattern of inConversation ? [...vocabulary.swap, ...(vocabulary.swapInContext ?? [])] : vocabulary.swap) {
    const subject = pattern.exec(compact)?.groups?.subject?.replace(/^是/, '');
    if (!subject) continue;
    const own = wordsOf(subject);
    if (own.length === 0) continue;
    // A subject with its own question in it ("社保断缴有什么影响呢") is a whole question that ends in 呢.
    if (own.some((w) => ASK_WORD.test(w))) continue;
    if (own.every(generic)) return { kind: 'bare' };
    return { kind: 'swap', subject };
  }
  return undefined;
}

const ASK_WORD = /^(怎么|怎么办|什么|多少|多久|哪|哪些|哪个|能否|是否|为什么|如何|几|几个|谁)$/;
