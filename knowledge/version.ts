// One version of everything a search reads: the index snapshot, the menu, the triage vocabulary compiled through
// that snapshot's synonyms, and the entry profiles. The KB swaps whole versions on reload, and a search pins the
// version it started with, so no request ever mixes an old index with new content.
import type { Topics } from './content/topics.ts';
import { profilesOf, type EntryProfiles } from './decision/profiles.ts';
import type { IndexSnapshot } from './index/snapshot.ts';
import { DepartmentMatcher } from './triage/departments.ts';
import type { FollowupVocabulary } from './triage/followup.ts';
import type { Vocabulary } from './triage/vocabulary.ts';

export interface Version {
  readonly snapshot: IndexSnapshot;
  readonly topics: Topics;
  readonly vocabulary: Vocabulary;
  readonly departments: DepartmentMatcher;
  readonly followup: FollowupVocabulary;
  readonly profiles: EntryProfiles;
  /** The KB's own terms (domain dictionary, canonical synonym forms, menu words): what marks a question as ours. */
  readonly domain: ReadonlySet<string>;
}

export function makeVersion(snapshot: IndexSnapshot, topics: Topics, vocabulary: Vocabulary, domainWords: Iterable<string>): Version {
  const canonical = (w: string) => snapshot.analyzer.canonical(w);
  const generic = new Set<string>();
  for (const w of vocabulary.generic) {
    generic.add(w);
    for (const c of snapshot.analyzer.words(w)) generic.add(c);
    generic.add(canonical(w).replace(/\s+/g, ''));
  }
  return {
    snapshot,
    topics,
    vocabulary,
    departments: new DepartmentMatcher(vocabulary.departments, canonical),
    followup: { generic, swap: vocabulary.swap },
    profiles: profilesOf(snapshot, generic),
    domain: new Set([...domainWords, ...topics.topics.flatMap((t) => t.words), ...topics.broad].flatMap((w) => snapshot.analyzer.words(w))),
  };
}
