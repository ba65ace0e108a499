// Fusion of the channels, per ENTRY. An entry has many phrasings: in the phrasing channels (lexical overlap,
// dense cosine) its best-matching phrasing speaks for it. The entry channel (BM25 over all of an entry's phrasings
// together) adds the evidence that a question's words are spread over several phrasings of one entry.
// Weighted fusion keeps an absolute scale (needed for answer/clarify/handoff); reciprocal-rank fusion is kept for
// comparison in the eval.

export interface ChannelHit {
  /** A phrasing (document) number, or an entry number for the entry channel. */
  doc: number;
  /** In [0, 1]. */
  score: number;
}

export interface EntryCandidate {
  entry: number;
  score: number;
  /** Best phrasing overlap. */
  lexical: number;
  /** Entry-level BM25, normalized. */
  entryLexical: number;
  /** Best phrasing cosine, rescaled and gated. */
  dense: number;
  /** The phrasing that matched best: the lexical one unless the dense channel carried the entry. */
  doc: number;
  /**
   * Share of the channels (that returned anything) ranking this entry first. Channels that agree are right far
   * more often (dev set: 84 % top-1 when all agree, 49 % when they split), so confidence uses it.
   */
  agreement: number;
}

export type FusionMode = 'weighted' | 'rrf' | 'lexical' | 'dense';

export interface FusionSettings {
  mode: FusionMode;
  /** Weights of phrasing overlap, entry BM25 and dense cosine (they need not sum to 1; calibration follows). */
  phrasingWeight: number;
  entryWeight: number;
  denseWeight: number;
  /** RRF's k (60 in the original paper). */
  rrfK: number;
  /**
   * Cosine that counts as zero. Phrase vectors of one small domain are all somewhat alike, so the dense score is
   * rescaled from [denseFloor, 1] to [0, 1] to share the scale of the lexical scores.
   */
  denseFloor: number;
}

/**
 * Measured on the 4-fold dev set (top-1): entry BM25 + dense 0.5/0.5 → 79.4 %; adding phrasing overlap at 0.1 →
 * 77.0 %; 0.3/0.3/0.4 → ~76 %; RRF → 72 %. Phrasing overlap therefore only names the matched phrasing and feeds
 * confidence (where it separates literal matches), not the ranking.
 */
export const DEFAULT_FUSION: FusionSettings = { mode: 'weighted', phrasingWeight: 0, entryWeight: 0.5, denseWeight: 0.5, rrfK: 60, denseFloor: 0.5 };

export interface ChannelInputs {
  phrasing: ChannelHit[];
  entry: ChannelHit[];
  dense: ChannelHit[];
}

/**
 * Scratch for one fusion at a time, one slot per entry, kept by the snapshot: fuse runs on every question, and
 * Maps of per-entry objects were a fifth of a query's allocation. Every slot it sets is cleared before it returns.
 */
export class FusionSlots {
  /** Per channel (phrasing, entry, dense): the entry's rank in it (0 = not found), best score and phrasing. */
  private readonly rank: Int32Array[];
  private readonly score: Float64Array[];
  private readonly doc: Int32Array[];
  /** Entries any channel found, in the order found. */
  private readonly found: Int32Array;
  private foundCount = 0;
  /** How many entries each channel ranked. */
  private readonly ranked = [0, 0, 0];

  constructor(entries: number) {
    this.rank = [0, 1, 2].map(() => new Int32Array(entries));
    this.score = [0, 1, 2].map(() => new Float64Array(entries));
    this.doc = [0, 1, 2].map(() => new Int32Array(entries));
    this.found = new Int32Array(entries);
  }

  /** Each entry's best hit in one channel, ranked in order of score (an excluded entry takes no rank). */
  fill(channel: number, hits: readonly ChannelHit[], docEntry: Int32Array | undefined, exclude: number | undefined): void {
    const rank = this.rank[channel] as Int32Array;
    const score = this.score[channel] as Float64Array;
    const doc = this.doc[channel] as Int32Array;
    let count = 0;
    for (const hit of byScoreDescending(hits)) {
      const entry = docEntry ? (docEntry[hit.doc] as number) : hit.doc;
      if (entry === exclude || rank[entry] !== 0) continue;
      if (!this.isFound(entry)) this.found[this.foundCount++] = entry;
      rank[entry] = ++count;
      score[entry] = hit.score;
      doc[entry] = hit.doc;
    }
    this.ranked[channel] = count;
  }

  private isFound(entry: number): boolean {
    return (this.rank[0] as Int32Array)[entry] !== 0 || (this.rank[1] as Int32Array)[entry] !== 0 || (this.rank[2] as Int32Array)[entry] !== 0;
  }

  get count(): number {
    return this.foundCount;
  }

  entryAt(i: number): number {
    return this.found[i] as number;
  }

  rankOf(channel: number, entry: number): number {
    return (this.rank[channel] as Int32Array)[entry] as number;
  }

  scoreOf(channel: number, entry: number): number {
    return (this.score[channel] as Float64Array)[entry] as number;
  }

  docOf(channel: number, entry: number): number {
    return (this.doc[channel] as Int32Array)[entry] as number;
  }

  /** Channels that ranked anything. */
  channelsUsed(): number {
    return this.ranked.filter((n) => n > 0).length;
  }

  clear(): void {
    for (let i = 0; i < this.foundCount; i++) {
      const entry = this.found[i] as number;
      for (const rank of this.rank) rank[entry] = 0;
    }
    this.foundCount = 0;
    this.ranked.fill(0);
  }
}

/** The hits in order of score, highest first (a channel's usually are already: then no copy is made). */
function byScoreDescending(hits: readonly ChannelHit[]): readonly ChannelHit[] {
  for (let i = 1; i < hits.length; i++) {
    if ((hits[i] as ChannelHit).score > (hits[i - 1] as ChannelHit).score) return hits.slice().sort((a, b) => descending(a.score, b.score));
  }
  return hits;
}

const PHRASING = 0;
const ENTRY = 1;
const DENSE = 2;

/**
 * @param denseGate multiplies the dense channel: the share of the query the KB's vocabulary knows. A question
 *   made of words the KB never uses still lands near *some* entry in vector space; the gate stops that.
 * @param exclude an entry that cannot be the answer (a follow-up about another subject than the last answer): it
 *   takes no place in any channel, so the others' ranks and agreement read as if it were not there.
 * @param slots scratch with a slot per entry (the snapshot keeps one).
 */
export function fuse(
  inputs: ChannelInputs,
  docEntry: Int32Array,
  settings: FusionSettings,
  denseGate: number,
  exclude: number | undefined,
  slots: FusionSlots,
): EntryCandidate[] {
  const useLexical = settings.mode !== 'dense';
  const useDense = settings.mode !== 'lexical';
  try {
    slots.fill(PHRASING, useLexical ? inputs.phrasing : [], docEntry, exclude);
    slots.fill(ENTRY, useLexical ? inputs.entry : [], undefined, exclude);
    slots.fill(DENSE, useDense ? inputs.dense : [], docEntry, exclude);
    return candidatesIn(slots, settings, denseGate);
  } finally {
    slots.clear(); // a throw half-way must not leave the next question with this one's ranks
  }
}

/** Every entry the channels found, scored from its best hit in each, best first. */
function candidatesIn(slots: FusionSlots, settings: FusionSettings, denseGate: number): EntryCandidate[] {
  const useLexical = settings.mode !== 'dense';
  const useDense = settings.mode !== 'lexical';
  const rrf = (channel: number, entry: number) => {
    const rank = slots.rankOf(channel, entry);
    return rank > 0 ? 1 / (settings.rrfK + rank) : 0;
  };
  const channels = slots.channelsUsed();
  const wp = useLexical ? settings.phrasingWeight : 0;
  const we = useLexical ? settings.entryWeight : 0;
  const wd = useDense ? settings.denseWeight : 0;
  const out = new Array<EntryCandidate>(slots.count);
  for (let i = 0; i < slots.count; i++) {
    const entry = slots.entryAt(i);
    const inPhrasing = slots.rankOf(PHRASING, entry) > 0;
    const inDense = slots.rankOf(DENSE, entry) > 0;
    const lexical = inPhrasing ? slots.scoreOf(PHRASING, entry) : 0;
    const entryLexical = slots.rankOf(ENTRY, entry) > 0 ? slots.scoreOf(ENTRY, entry) : 0;
    const dense = Math.max(0, ((inDense ? slots.scoreOf(DENSE, entry) : 0) - settings.denseFloor) / (1 - settings.denseFloor)) * denseGate;
    const score =
      settings.mode === 'rrf' ? rrf(PHRASING, entry) + rrf(ENTRY, entry) + rrf(DENSE, entry) : (wp * lexical + we * entryLexical + wd * dense) / (wp + we + wd);
    // The matched phrasing: the lexical one when it matches about as well as the dense one (it is the literal match).
    const lexicalCarries = inPhrasing && (!inDense || lexical >= dense);
    const doc = lexicalCarries ? slots.docOf(PHRASING, entry) : inDense ? slots.docOf(DENSE, entry) : -1;
    const firsts = (slots.rankOf(PHRASING, entry) === 1 ? 1 : 0) + (slots.rankOf(ENTRY, entry) === 1 ? 1 : 0) + (slots.rankOf(DENSE, entry) === 1 ? 1 : 0);
    out[i] = { entry, score, lexical, entryLexical, dense, doc, agreement: channels > 0 ? firsts / channels : 0 };
  }
  return out.sort(byScore);
}

/**
 * Highest score first, then best phrasing overlap, then entry order. It returns only -1, 0 or 1: a comparator that
 * returns a difference of doubles makes V8 box each result, which was a tenth of a query's allocation.
 */
function byScore(a: EntryCandidate, b: EntryCandidate): number {
  return descending(a.score, b.score) || descending(a.lexical, b.lexical) || a.entry - b.entry;
}

/** -1 when x comes first (is larger), 1 when y does, 0 when neither (as `y - x` orders, NaN included). */
export function descending(x: number, y: number): number {
  const d = y - x;
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}
