import { describe, expect, it } from 'vitest';
import { DEFAULT_LEXICAL_PARAMS, LexicalIndex } from '../../knowledge/index/lexical.ts';
import { TermMatrixBuilder, type TermMatrix } from '../../knowledge/index/term-matrix.ts';
import type { Terms } from '../../knowledge/text/analyzer.ts';
import { mulberry32 } from '../../lib/random.ts';

// The index's search keeps typed-array accumulators, a per-posting BM25 factor and a typed top-k heap; this checks
// it against BM25 and the overlap written out plainly, on random collections with many tied scores.

const VOCABULARY = Array.from({ length: 40 }, (_, i) => `t${i}`);

function randomCollection(seed: number, docs: number): { rows: Terms[]; matrix: TermMatrix } {
  const rand = mulberry32(seed);
  const builder = new TermMatrixBuilder();
  const rows: Terms[] = [];
  for (let d = 0; d < docs; d++) {
    const row: Terms = new Map();
    const length = 1 + Math.floor(rand() * 8);
    for (let i = 0; i < length; i++) {
      // Skewed: a few terms in most documents (like 社保 or a sound bigram), most terms rare.
      const term = VOCABULARY[Math.floor(rand() ** 2 * VOCABULARY.length)] as string;
      row.set(term, (row.get(term) ?? 0) + (rand() < 0.3 ? 0.3 : 1));
    }
    rows.push(row);
    builder.add(row);
  }
  return { rows, matrix: builder.build() };
}

/** BM25 and overlap of every document for a query, as the formulas read. */
function reference(rows: Terms[], query: Terms) {
  const { k1, b, queryBias } = DEFAULT_LEXICAL_PARAMS;
  const n = rows.length;
  const df = new Map<string, number>();
  for (const row of rows) for (const term of row.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log(1 + (n - (df.get(term) as number) + 0.5) / ((df.get(term) as number) + 0.5));
  const maxIdf = Math.log(1 + (n + 0.5) / 0.5);
  const length = (row: Terms) => [...row.values()].reduce((s, w) => s + w, 0);
  const avgLen = rows.reduce((s, row) => s + length(row), 0) / n;
  let queryMass = 0;
  for (const [term, qw] of query) queryMass += qw * (df.has(term) ? idf(term) : maxIdf);
  return rows.map((row, doc) => {
    let bm25 = 0;
    let shared = 0;
    let mass = 0;
    for (const [term, tf] of row) mass += tf * idf(term);
    for (const [term, qw] of query) {
      const tf = row.get(term);
      if (tf === undefined) continue;
      bm25 += qw * idf(term) * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length(row)) / avgLen)));
      shared += Math.min(qw, tf) * idf(term);
    }
    return { doc, bm25, overlap: Math.min(1, shared / (queryBias * queryMass + (1 - queryBias) * mass)) };
  });
}

describe('LexicalIndex.search', () => {
  it.each([
    [1, 50, 10],
    [2, 300, 100],
    [3, 1000, 30],
    [4, 20, 100],
  ])('returns the k best documents by BM25, best first, with their overlap (seed %i, %i documents, k %i)', (seed, docs, k) => {
    const { rows, matrix } = randomCollection(seed, docs);
    const index = LexicalIndex.build(matrix);
    const rand = mulberry32(seed * 7919);
    for (let q = 0; q < 25; q++) {
      const query: Terms = new Map();
      for (let i = 0; i < 1 + Math.floor(rand() * 6); i++) query.set(VOCABULARY[Math.floor(rand() * VOCABULARY.length)] as string, rand() < 0.5 ? 1 : 0.3);
      query.set('never-indexed', 1);
      const expected = reference(rows, query)
        .filter((r) => r.bm25 > 0)
        .sort((x, y) => y.bm25 - x.bm25);
      const { hits } = index.search(query, k);

      expect(hits).toHaveLength(Math.min(k, expected.length));
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.bm25).toBeGreaterThanOrEqual(hits[i]!.bm25);
      // Ties at the cut may fall either way; above the k-th score every document is in, with the right figures.
      const kth = hits.at(-1)?.bm25 ?? Infinity;
      const byDoc = new Map(expected.map((r) => [r.doc, r]));
      for (const hit of hits) {
        const want = byDoc.get(hit.doc)!;
        expect(hit.bm25).toBeCloseTo(want.bm25, 4);
        expect(hit.overlap).toBeCloseTo(want.overlap, 4);
      }
      const returned = new Set(hits.map((h) => h.doc));
      for (const r of expected) if (r.bm25 > kth + 1e-4) expect(returned.has(r.doc)).toBe(true);
    }
  });

  it('gives the same hits, in the same order, after a save and load', () => {
    const { matrix } = randomCollection(5, 400);
    const index = LexicalIndex.build(matrix);
    const loaded = LexicalIndex.fromBuffer(index.toBuffer());
    const query: Terms = new Map([
      ['t0', 1],
      ['t1', 1],
      ['t7', 0.3],
    ]);
    expect(loaded.search(query, 50)).toEqual(index.search(query, 50));
  });

  it('gives fusion the same documents, in the same order, with the score it asks for (channel)', () => {
    const { matrix } = randomCollection(6, 500);
    const index = LexicalIndex.build(matrix);
    const rand = mulberry32(6);
    for (let q = 0; q < 25; q++) {
      const query: Terms = new Map();
      for (let i = 0; i < 1 + Math.floor(rand() * 6); i++) query.set(VOCABULARY[Math.floor(rand() * VOCABULARY.length)] as string, rand() < 0.5 ? 1 : 0.3);
      const full = index.search(query, 40);
      const overlap = index.channel(query, 40, 'overlap');
      const bm25Norm = index.channel(query, 40, 'bm25Norm');
      expect(overlap.hits).toEqual(full.hits.map((h) => ({ doc: h.doc, score: h.overlap })));
      expect(bm25Norm.hits).toEqual(full.hits.map((h) => ({ doc: h.doc, score: h.bm25Norm })));
      expect(overlap.knownShare).toBe(full.knownShare);
    }
  });
});
