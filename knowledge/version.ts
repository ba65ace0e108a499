// One version of everything a search reads: the index snapshot, the menu, the triage vocabulary compiled through
// that snapshot's synonyms, and the entry profiles. The KB swaps whole versions on reload, and a search pins the
// version it started with, so no request ever mixes an old index with new content.
import type { Topics } from './content/topics.ts';
import { isAskWord } from './decision/ask.ts';
import { profilesOf, type EntryProfiles } from './decision/profiles.ts';
import type { IndexSnapshot } from './index/snapshot.ts';
import { DepartmentMatcher } from './triage/departments.ts';
import type { FollowupVocabulary } from './triage/followup.ts';
import type { TriageModel } from './triage/model.ts';
import type { Vocabulary } from './triage/vocabulary.ts';

export interface Version {
  readonly snapshot: IndexSnapshot;
  readonly topics: Topics;
  readonly vocabulary: Vocabulary;
  readonly departments: DepartmentMatcher;
  readonly followup: FollowupVocabulary;
  readonly profiles: EntryProfiles;
  /** The KB's own terms (domain dictionary, menu words): what marks a question as ours. */
  readonly domain: ReadonlySet<string>;
  /**
   * Words that name what a question is about: the domain terms and every word of an entry's standard question
   * (questions are written with the formal key terms: 复发, 流产, 租房, 缴费基数), less generic, ask, one-character
   * and common words.
   * Coverage is measured on these, so an incidental word of a long story (架子, 省钱) does not count as missing.
   */
  readonly keyTerms: ReadonlySet<string>;
  /** The learned second opinion on what a message is, where the vocabulary's rules found nothing. */
  readonly triage: TriageModel;
  /** Whether a compact normalized message names one of the KB's own terms (then it is no small talk). */
  readonly namesDomainTerm: (compact: string) => boolean;
}

/** A question word used by this large a share of entries (IDF below this) is common, not a key term (单位, 员工). */
const COMMON_WORD_IDF = 1.5;

export function makeVersion(snapshot: IndexSnapshot, topics: Topics, vocabulary: Vocabulary, dictWords: Iterable<string>, triage: TriageModel): Version {
  const analyzer = snapshot.analyzer;
  const canonical = (w: string) => snapshot.analyzer.canonical(w);
  const generic = new Set<string>();
  for (const w of vocabulary.generic) {
    generic.add(w);
    for (const c of snapshot.analyzer.words(w)) generic.add(c);
    generic.add(canonical(w).replace(/\s+/g, ''));
  }
  // Generic words (办, 补办, 单位 …) are in the dictionary too, but say nothing about the topic.
  const domain = new Set(
    [...dictWords, ...topics.topics.flatMap((t) => t.words), ...topics.broad].flatMap((w) => analyzer.words(w)).filter((w) => !generic.has(w)),
  );
  const families = new Map<string, Set<string>>();
  for (const [family, list] of vocabulary.families) {
    for (const w of list.flatMap((x) => analyzer.words(x))) families.set(w, (families.get(w) ?? new Set()).add(family));
  }
  const namesDomainTerm = substringMatcher([...domain].filter((w) => w.length > 1));
  return {
    snapshot,
    topics,
    vocabulary,
    departments: new DepartmentMatcher(vocabulary.departments, canonical, {
      qualifiers: vocabulary.qualifiers,
      kbQualifiers: vocabulary.kbQualifiers,
      aboutTheKb: namesDomainTerm,
      workers: vocabulary.workers,
    }),
    followup: { generic, swap: vocabulary.swap, swapInContext: vocabulary.swapInContext, families },
    profiles: profilesOf(snapshot, generic, domain),
    domain,
    triage,
    namesDomainTerm,
    keyTerms: new Set(
      [
        ...domain,
        ...snapshot.entries.flatMap((e) => analyzer.words(e.question)).filter((w) => [...w].length > 1 && snapshot.entryLexical.idfOf(w) >= COMMON_WORD_IDF),
      ].filter((w) => !generic.has(w) && !isAskWord(w)),
    ),
  };
}

/** A test for whether a text contains one of the words: a set lookup per position and length, no regex. */
function substringMatcher(words: readonly string[]): (text: string) => boolean {
  const set = new Set(words);
  const longest = Math.max(0, ...words.map((w) => w.length));
  return (text) => {
    for (let i = 0; i < text.length; i++) for (let len = 2; len <= longest && i + len <= text.length; len++) if (set.has(text.slice(i, i + len))) return true;
    return false;
  };
}
