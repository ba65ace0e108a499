import { describe, expect, it } from 'vitest';
import { TermMatrixBuilder } from '../../knowledge/index/term-matrix.ts';
import { DEFAULT_DENSE_OPTIONS, trainDenseModel } from '../../knowledge/index/train-dense.ts';
import type { Terms } from '../../knowledge/text/analyzer.ts';
import { hashedOrder, mulberry32 } from '../../lib/random.ts';

// A knowledge base's phrasings as the trainer sees them: 40 entries, 6 phrasings each, every phrasing a few of its
// entry's own words and a few words many entries share.
function phrasings(seed: number): Array<{ terms: Terms; label: number }> {
  const rand = mulberry32(seed);
  const rows: Array<{ terms: Terms; label: number }> = [];
  for (let label = 0; label < 40; label++) {
    for (let n = 0; n < 6; n++) {
      const terms: Terms = new Map();
      for (let i = 0; i < 3; i++) terms.set(`e${label}-${Math.floor(rand() * 5)}`, 1);
      for (let i = 0; i < 2; i++) terms.set(`common${Math.floor(rand() * 12)}`, 1);
      rows.push({ terms, label });
    }
  }
  return rows;
}

function train(rows: Array<{ terms: Terms; label: number }>, seed = DEFAULT_DENSE_OPTIONS.seed) {
  const builder = new TermMatrixBuilder();
  for (const row of rows) builder.add(row.terms);
  return trainDenseModel(
    builder.build(),
    Int32Array.from(rows, (r) => r.label),
    40,
    { ...DEFAULT_DENSE_OPTIONS, seed, epochs: 40 },
  );
}

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

describe('dense model training', () => {
  it('is the same model for the same phrasings', () => {
    const rows = phrasings(1);
    expect(train(rows).vectors).toEqual(train(rows).vectors);
  });

  it('moves little when one phrasing is added: the other phrasings keep their vectors, unlike with another seed', () => {
    const rows = phrasings(2);
    const before = train(rows);
    // Added at the front, so every other phrasing's position moves: positions must not decide the random draws.
    const after = train([
      {
        terms: new Map([
          ['e7-0', 1],
          ['common3', 1],
          ['new-word', 1],
        ]),
        label: 7,
      },
      ...rows,
    ]);
    const reseeded = train(rows, DEFAULT_DENSE_OPTIONS.seed + 1);
    const meanCosine = (other: typeof before) => rows.reduce((s, r) => s + cosine(before.embed(r.terms), other.embed(r.terms)), 0) / rows.length;
    expect(meanCosine(after)).toBeGreaterThan(0.95);
    expect(meanCosine(reseeded)).toBeLessThan(0.5); // the yardstick: what a retrain changes when everything moves
  });
});

describe('hashedOrder', () => {
  it('keeps the others in the same relative order when an example is added or removed', () => {
    const hashes = Array.from({ length: 200 }, (_, i) => (i * 2654435761) >>> 0);
    const order = [...hashedOrder(hashes, 99)].map((i) => hashes[i]);
    const fewer = hashes.filter((_, i) => i !== 17);
    const orderFewer = [...hashedOrder(fewer, 99)].map((i) => fewer[i]);
    expect(orderFewer).toEqual(order.filter((h) => h !== hashes[17]));
    expect(new Set(order).size).toBe(200);
    expect(hashedOrder(hashes, 100)).not.toEqual(hashedOrder(hashes, 99)); // each pass has its own order
  });
});
