// One immutable version of the index: entries, phrasings, both channels and the analyzer that built them.
// KnowledgeBase swaps whole snapshots, so a request that started on one version finishes on it.
import type { Entry } from '../content/schema.ts';
import type { QueryAnalysis, Analyzer } from '../text/analyzer.ts';
import type { DenseChannel } from './dense.ts';
import { fuse, FusionSlots, type ChannelHit, type EntryCandidate, type FusionSettings } from './fusion.ts';
import type { LexicalIndex } from './lexical.ts';

export interface SnapshotInfo {
  hash: string;
  builtAt: string;
  /** True when this snapshot was read from disk rather than built in this process. */
  reused: boolean;
  /** Time to build (or to load, when reused), in ms. */
  millis: number;
  /** Build time per stage, in ms (absent when loaded). */
  stages?: Record<string, number>;
}

export interface RetrievalOptions {
  fusion: FusionSettings;
  lexicalCandidates: number;
  entryCandidates: number;
  denseCandidates: number;
  /** An entry that cannot be the answer (see fuse). */
  exclude?: number;
}

export interface Retrieval {
  analysis: QueryAnalysis;
  candidates: EntryCandidate[];
  knownShare: number;
}

export class IndexSnapshot {
  /** Entry by id or by a merged entry's old id (its aliases). */
  readonly byId: ReadonlyMap<string, Entry>;
  /** Entry position by id or alias. */
  readonly positionOf: ReadonlyMap<string, number>;

  constructor(
    readonly entries: readonly Entry[],
    /** Text of every indexed phrasing; the position is the document number in both channels. */
    readonly phrasings: readonly string[],
    /** Document number → entry position. */
    readonly docEntry: Int32Array,
    readonly analyzer: Analyzer,
    readonly lexical: LexicalIndex,
    /** BM25 over whole entries (all phrasings of an entry as one document). */
    readonly entryLexical: LexicalIndex,
    readonly dense: DenseChannel | undefined,
    readonly info: SnapshotInfo,
    /** The KB's own words (its phrasings, not the labelled user questions): what it knows about (build.ts). */
    readonly known: ReadonlySet<string>,
  ) {
    const positions = new Map<string, number>();
    entries.forEach((e, i) => {
      for (const alias of e.aliases ?? []) positions.set(alias, i);
    });
    entries.forEach((e, i) => positions.set(e.id, i)); // an id always wins over an alias
    this.positionOf = positions;
    this.byId = new Map([...positions].map(([id, i]) => [id, entries[i] as Entry]));
    this.knows = (term) => known.has(term);
    this.slots = new FusionSlots(entries.length);
  }

  /** Fusion's scratch: searches fuse one at a time (fuse is synchronous). */
  private readonly slots: FusionSlots;

  private readonly knows: (term: string) => boolean;

  async retrieve(text: string, options: RetrievalOptions): Promise<Retrieval> {
    return this.retrieveAnalyzed(this.analyzer.query(text), text, options);
  }

  /** Retrieval for a query already analyzed (the caller looked at its words first). */
  async retrieveAnalyzed(analysis: QueryAnalysis, text: string, options: RetrievalOptions): Promise<Retrieval> {
    if (analysis.terms.size === 0) return { analysis, candidates: [], knownShare: 0 };
    const mode = options.fusion.mode;
    const lex = this.lexical.channel(analysis.terms, options.lexicalCandidates, 'overlap', this.knows);
    const phrasing = mode === 'dense' ? [] : lex.hits;
    const entry = mode === 'dense' ? [] : this.entryLexical.channel(analysis.terms, options.entryCandidates, 'bm25Norm').hits;
    let dense: ChannelHit[] = [];
    if (this.dense && mode !== 'lexical') {
      const vector = await this.dense.queryVector(analysis, text);
      if (vector) dense = this.dense.search(vector, options.denseCandidates);
    }
    const candidates = fuse({ phrasing, entry, dense }, this.docEntry, options.fusion, lex.knownShare, options.exclude, this.slots);
    return { analysis, candidates, knownShare: lex.knownShare };
  }
}
