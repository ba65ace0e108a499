// What the decision needs to know about an entry beyond its scores: which asks it answers, what it mentions, and
// which words name its topic. Computed on first use per entry and kept with the index version it came from.
import type { Entry } from '../content/schema.ts';
import type { IndexSnapshot } from '../index/snapshot.ts';
import { normalize } from '../text/normalize.ts';
import { entryAsks, isAskWord, type Ask } from './ask.ts';

export interface EntryProfile {
  asks: ReadonlySet<Ask>;
  /**
   * Words of the standard question that name its topic (no ask or generic words), the KB's own terms first, then
   * the rarest: a follow-up borrows the first few.
   */
  topic: string[];
  /** The entry's defining terms: its first two topic words (流产 and 生育津贴 for 女职工流产可以休多少天假). */
  defining: string[];
}

// Answer headings that say what the answer gives, whatever the phrasings ask.
const HEADING = /\*\*([^*]{1,12})\*\*/g;
const HEADING_ASKS: ReadonlyArray<[RegExp, Ask]> = [
  [/材料|资料|证件/, 'materials'],
  [/地点|渠道|地址|哪里|网点/, 'where'],
  [/时限|期限|多久/, 'how_long'],
  [/标准|计算|比例|费率|金额|待遇/, 'how_much'],
  [/步骤|方式|流程|怎么办/, 'how'],
];

const compact = (s: string) => s.replace(/\s+/g, '');
const DEFINING_TERMS = 2;

export class EntryProfiles {
  private readonly cache: (EntryProfile | undefined)[];
  private readonly texts: (string | undefined)[];

  constructor(
    private readonly snapshot: IndexSnapshot,
    private readonly generic: ReadonlySet<string>,
    private readonly domain: ReadonlySet<string>,
  ) {
    this.cache = new Array(snapshot.entries.length);
    this.texts = new Array(snapshot.entries.length);
  }

  /**
   * Compact canonical text of an entry's phrasings, then its answer: what the entry mentions. Kept apart from the
   * profile because only another department's word needs it, and the answer is the long part.
   */
  textOf(position: number): string {
    let text = this.texts[position];
    if (text === undefined) {
      const entry = this.snapshot.entries[position] as Entry;
      const analyzer = this.snapshot.analyzer;
      const phrasings = [entry.question, ...entry.alternates].map((p) => compact(analyzer.canonical(p)));
      text = phrasings.join('|') + '|' + compact(analyzer.synonyms.apply(normalize(entry.answer, { maxLength: 10_000 })));
      this.texts[position] = text;
    }
    return text;
  }

  /** Builds an entry's profile and text ahead of use (KnowledgeBase.warmUp). */
  warm(position: number): void {
    this.of(position);
    this.textOf(position);
  }

  of(position: number): EntryProfile {
    let profile = this.cache[position];
    if (!profile) {
      profile = this.build(this.snapshot.entries[position] as Entry);
      this.cache[position] = profile;
    }
    return profile;
  }

  private build(entry: Entry): EntryProfile {
    const analyzer = this.snapshot.analyzer;
    const phrasings = [entry.question, ...entry.alternates].map((p) => analyzer.canonical(p));
    const asks = new Set(entryAsks(phrasings, entry.asks));
    if (!entry.asks)
      for (const [, heading] of entry.answer.matchAll(HEADING)) for (const [pattern, ask] of HEADING_ASKS) if (pattern.test(heading ?? '')) asks.add(ask);
    const idf = (w: string) => this.snapshot.entryLexical.idfOf(w);
    const topic = [...new Set(analyzer.words(entry.question))]
      .filter((w) => !this.generic.has(w) && !isAskWord(w) && [...w].length >= 2)
      .sort((a, b) => Number(this.domain.has(b)) - Number(this.domain.has(a)) || idf(b) - idf(a));
    return { asks, topic, defining: topic.slice(0, DEFINING_TERMS) };
  }
}

const profilesBySnapshot = new WeakMap<IndexSnapshot, EntryProfiles>();

/** The profiles of one index version (a reload gets fresh ones with the new snapshot). */
export function profilesOf(snapshot: IndexSnapshot, generic: ReadonlySet<string>, domain: ReadonlySet<string>): EntryProfiles {
  let profiles = profilesBySnapshot.get(snapshot);
  if (!profiles) {
    profiles = new EntryProfiles(snapshot, generic, domain);
    profilesBySnapshot.set(snapshot, profiles);
  }
  return profiles;
}
