// The lexical channel's index: BM25 over documents (phrasings, or whole entries), plus two scores in [0, 1] that
// fusion and confidence can use, because raw BM25 has no fixed scale: BM25 over its upper bound for this query,
// and the overlap, how much of the query the document explains (and vice versa).
// Own implementation rather than minisearch 7.2, measured with the same tokens: entry-level top-1 on the 4-fold dev
// set 67.4 % vs 64.7 % (minisearch's BM25+ and field normalization), and at 10,000 entries a query p50/p99 of
// 0.39/2.3 ms vs 41/166 ms (our queries carry words + bigrams + sound features, which minisearch handles term by
// term). Typed-array postings also give the overlap mass in the same pass and save/load without JSON.
import type { Terms } from '../text/analyzer.ts';
import { need, pack, unpack } from '../../lib/binary.ts';
import type { ChannelHit } from './fusion.ts';
import { documentFrequencies, rowCount, type TermMatrix } from './term-matrix.ts';

export interface LexicalParams {
  k1: number;
  b: number;
  /** Weight of query coverage against phrasing coverage in the overlap score (0.5 = weighted Dice). */
  queryBias: number;
}

export const DEFAULT_LEXICAL_PARAMS: LexicalParams = { k1: 1.2, b: 0.5, queryBias: 0.6 };

export interface LexicalHit {
  doc: number;
  bm25: number;
  /** BM25 divided by its upper bound for this query (every query term matched with saturated tf). */
  bm25Norm: number;
  /** Shared IDF mass / (queryBias · query mass + (1 − queryBias) · phrasing mass), in [0, 1]. */
  overlap: number;
}

export interface LexicalResult {
  hits: LexicalHit[];
  /** Share of the query's IDF mass made of terms the KB knows at all (0 for 今天天气怎么样-like chat). */
  knownShare: number;
}

/** One query's accumulation: the best documents by BM25 and the masses their scores are read against. */
interface Top {
  heap: TopK;
  queryMass: number;
  /** BM25's upper bound for this query (every term matched with saturated tf). */
  upper: number;
  touchedCount: number;
  knownShare: number;
}

export class LexicalIndex {
  // Scratch accumulators reused by every query: search is synchronous, so no two queries share them at once.
  private readonly scoreAcc: Float32Array;
  private readonly sharedAcc: Float32Array;
  private readonly touched: Int32Array;
  private readonly postBm25: Float64Array;

  private constructor(
    private readonly termIds: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly offsets: Int32Array,
    private readonly postDocs: Int32Array,
    private readonly postTf: Float32Array,
    private readonly docLen: Float32Array,
    private readonly docMass: Float32Array,
    readonly params: LexicalParams,
  ) {
    this.scoreAcc = new Float32Array(docLen.length);
    this.sharedAcc = new Float32Array(docLen.length);
    this.touched = new Int32Array(docLen.length);
    // Each posting's BM25 term-frequency factor, once per index rather than per query: the hot loop then reads
    // postings in order instead of each document's length at random. Doubles: the same figures as computing it there.
    const avgLen = docLen.reduce((s, v) => s + v, 0) / Math.max(1, docLen.length);
    const lengthNorm = Float64Array.from(docLen, (len) => params.k1 * (1 - params.b + (params.b * len) / avgLen));
    this.postBm25 = new Float64Array(postTf.length);
    for (let p = 0; p < postTf.length; p++) {
      const tf = postTf[p] as number;
      this.postBm25[p] = (tf * (params.k1 + 1)) / (tf + (lengthNorm[postDocs[p] as number] as number));
    }
  }

  get size(): number {
    return this.docLen.length;
  }

  get maxIdf(): number {
    return Math.log(1 + (this.size + 0.5) / 0.5);
  }

  static build(m: TermMatrix, params: LexicalParams = DEFAULT_LEXICAL_PARAMS): LexicalIndex {
    const n = rowCount(m);
    const df = documentFrequencies(m);
    // Only terms that occur here get an id (the matrix may share a larger term table).
    const remap = new Int32Array(m.terms.length).fill(-1);
    const terms: string[] = [];
    df.forEach((count, t) => {
      if (count > 0) {
        remap[t] = terms.length;
        terms.push(m.terms[t] as string);
      }
    });
    const offsets = new Int32Array(terms.length + 1);
    const idf = new Float32Array(terms.length);
    df.forEach((count, t) => {
      const id = remap[t] as number;
      if (id < 0) return;
      offsets[id + 1] = count;
      idf[id] = Math.log(1 + (n - count + 0.5) / (count + 0.5));
    });
    for (let t = 0; t < terms.length; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
    const postDocs = new Int32Array(offsets[terms.length] as number);
    const postTf = new Float32Array(postDocs.length);
    const docLen = new Float32Array(n);
    const docMass = new Float32Array(n);
    const cursor = Int32Array.from(offsets.subarray(0, terms.length));
    for (let d = 0; d < n; d++) {
      for (let p = m.offsets[d] as number; p < (m.offsets[d + 1] as number); p++) {
        const t = remap[m.ids[p] as number] as number;
        const tf = m.weights[p] as number;
        const at = (cursor[t] as number)++;
        postDocs[at] = d;
        postTf[at] = tf;
        docLen[d] = (docLen[d] as number) + tf;
        docMass[d] = (docMass[d] as number) + tf * (idf[t] as number);
      }
    }
    return new LexicalIndex(new Map(terms.map((t, i) => [t, i])), idf, offsets, postDocs, postTf, docLen, docMass, params);
  }

  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /** IDF of a term here (0 when the term is unknown). */
  idfOf(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? 0 : (this.idf[t] as number);
  }

  /** Number of documents holding a term. */
  documentFrequency(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? 0 : (this.offsets[t + 1] as number) - (this.offsets[t] as number);
  }

  /** A term's weight in one document (0 when absent): a binary search in its postings, which are in doc order. */
  weightOf(term: string, doc: number): number {
    const t = this.termIds.get(term);
    if (t === undefined) return 0;
    let lo = this.offsets[t] as number;
    let hi = (this.offsets[t + 1] as number) - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = this.postDocs[mid] as number;
      if (d === doc) return this.postTf[mid] as number;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Each term with the number of phrasings that contain it. */
  *vocabulary(): Generator<[string, number]> {
    for (const [term, t] of this.termIds) yield [term, (this.offsets[t + 1] as number) - (this.offsets[t] as number)];
  }

  /**
   * The k best documents with every figure (BM25, its normalized form, the overlap): the full view, against which the
   * tests check the index; fusion reads one figure each through `channel`.
   * @param knows which indexed terms count as known for `knownShare` (default: all): an index that also holds users'
   *   questions knows only the KB's own terms.
   */
  search(query: Terms, k: number, knows?: (term: string) => boolean): LexicalResult {
    const top = this.top(query, k, knows, true);
    const hits: LexicalHit[] = [];
    for (const i of top.heap.order()) {
      const d = top.heap.docs[i] as number;
      const bm25 = top.heap.scores[i] as number;
      hits.push({ doc: d, bm25, bm25Norm: top.upper > 0 ? bm25 / top.upper : 0, overlap: this.overlapOf(d, top.queryMass) });
    }
    this.clearShared(top);
    return { hits, knownShare: top.knownShare };
  }

  /**
   * The same top k as `search`, as one fusion channel: each document with only the score fusion reads (its overlap,
   * or its normalized BM25). The hot path: no per-hit object but the one returned.
   */
  channel(query: Terms, k: number, score: 'overlap' | 'bm25Norm', knows?: (term: string) => boolean): { hits: ChannelHit[]; knownShare: number } {
    const top = this.top(query, k, knows, score === 'overlap');
    const order = top.heap.order();
    const hits = new Array<ChannelHit>(order.length);
    for (let n = 0; n < order.length; n++) {
      const i = order[n] as number;
      const d = top.heap.docs[i] as number;
      const bm25 = top.heap.scores[i] as number;
      hits[n] = { doc: d, score: score === 'overlap' ? this.overlapOf(d, top.queryMass) : top.upper > 0 ? bm25 / top.upper : 0 };
    }
    this.clearShared(top);
    return { hits, knownShare: top.knownShare };
  }

  /**
   * BM25 of every reached document into the accumulators, the best k in a heap; with `overlap`, the IDF mass each
   * shares with the query too (left in sharedAcc for the caller). Fusion's entry channel reads BM25 alone: at 10k
   * entries this loop is most of a query, and the overlap half its memory traffic (p50 1.22 → 1.01 ms without it).
   * Computing the overlap afterwards for the k returned documents only (a binary search per term) was no faster at
   * 10k and slower on the real KB.
   */
  private top(query: Terms, k: number, knows: ((term: string) => boolean) | undefined, overlap: boolean): Top {
    const { k1 } = this.params;
    const { scoreAcc, sharedAcc, touched, postDocs, postTf, postBm25 } = this;
    let queryMass = 0;
    let knownMass = 0;
    let upper = 0;
    let touchedCount = 0;
    for (const [term, qw] of query) {
      const t = this.termIds.get(term);
      if (t === undefined) {
        queryMass += qw * this.maxIdf; // unknown words count fully against the match: the KB cannot explain them
        upper += qw * this.maxIdf * (k1 + 1);
        continue;
      }
      const idf = this.idf[t] as number;
      queryMass += qw * idf;
      if (!knows || knows(term)) knownMass += qw * idf;
      upper += qw * idf * (k1 + 1);
      const weight = qw * idf; // the product qw * idf * bm25 takes first: the sums are unchanged
      for (let p = this.offsets[t] as number, end = this.offsets[t + 1] as number; p < end; p++) {
        const d = postDocs[p] as number;
        const score = scoreAcc[d] as number;
        // Every posting adds a positive score, so a zero score means the document was not reached yet.
        if (score === 0) touched[touchedCount++] = d;
        scoreAcc[d] = score + weight * (postBm25[p] as number);
        if (overlap) sharedAcc[d] = (sharedAcc[d] as number) + Math.min(qw, postTf[p] as number) * idf;
      }
    }
    // Top k by BM25 in a min-heap of document numbers: an object is made only for the k that are returned.
    const heap = new TopK(k);
    for (let i = 0; i < touchedCount; i++) {
      const d = touched[i] as number;
      heap.offer(d, scoreAcc[d] as number);
      scoreAcc[d] = 0;
    }
    return { heap, queryMass, upper, touchedCount, knownShare: queryMass > 0 ? knownMass / queryMass : 0 };
  }

  private overlapOf(doc: number, queryMass: number): number {
    const { queryBias } = this.params;
    const overlap = (this.sharedAcc[doc] as number) / (queryBias * queryMass + (1 - queryBias) * (this.docMass[doc] as number));
    return Math.min(1, overlap);
  }

  private clearShared(top: Top): void {
    for (let i = 0; i < top.touchedCount; i++) this.sharedAcc[this.touched[i] as number] = 0;
  }

  toBuffer(): Buffer {
    const terms = [...this.termIds.keys()];
    return pack(
      { terms, params: this.params },
      { idf: this.idf, offsets: this.offsets, postDocs: this.postDocs, postTf: this.postTf, docLen: this.docLen, docMass: this.docMass },
    );
  }

  static fromBuffer(buf: Buffer): LexicalIndex {
    const { header, arrays } = unpack<{ terms: string[]; params: LexicalParams }>(buf);
    const termIds = new Map(header.terms.map((t, i) => [t, i]));
    return new LexicalIndex(
      termIds,
      need(arrays, 'idf', Float32Array),
      need(arrays, 'offsets', Int32Array),
      need(arrays, 'postDocs', Int32Array),
      need(arrays, 'postTf', Float32Array),
      need(arrays, 'docLen', Float32Array),
      need(arrays, 'docMass', Float32Array),
      header.params,
    );
  }
}

const FLOAT_BITS = new Float32Array(1);
const UINT_BITS = new Uint32Array(FLOAT_BITS.buffer);

/** Min-heap on score of at most k documents, in typed arrays. */
class TopK {
  readonly docs: Int32Array;
  readonly scores: Float64Array;
  size = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /**
   * Heap slots by score, highest first, ties in slot order (what a stable sort of the slots would give). Scores are
   * float32 sums and never negative, so a score's float32 bits order like the score: each slot becomes one number,
   * (inverted bits, slot), and a typed-array sort needs no comparator calls.
   */
  order(): number[] {
    const slots = 2 ** Math.ceil(Math.log2(this.k + 1));
    const keys = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      FLOAT_BITS[0] = this.scores[i] as number;
      keys[i] = (0xffffffff - (UINT_BITS[0] as number)) * slots + i;
    }
    keys.sort();
    const order = new Array<number>(this.size);
    for (let i = 0; i < this.size; i++) order[i] = (keys[i] as number) % slots; // a loop: Array.from iterates, allocating
    return order;
  }

  offer(doc: number, score: number): void {
    const { docs, scores, k } = this;
    if (this.size < k) {
      let i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((scores[parent] as number) <= score) break;
        docs[i] = docs[parent] as number;
        scores[i] = scores[parent] as number;
        i = parent;
      }
      docs[i] = doc;
      scores[i] = score;
      return;
    }
    if (score <= (scores[0] as number)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let least = score;
      if (l < k && (scores[l] as number) < least) {
        m = l;
        least = scores[l] as number;
      }
      if (r < k && (scores[r] as number) < least) m = r;
      if (m === i) break;
      docs[i] = docs[m] as number;
      scores[i] = scores[m] as number;
      i = m;
    }
    docs[i] = doc;
    scores[i] = score;
  }
}
