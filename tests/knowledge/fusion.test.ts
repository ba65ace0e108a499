import { describe, expect, it } from 'vitest';
import { DEFAULT_FUSION, fuse, FusionSlots, type ChannelInputs } from '../../knowledge/index/fusion.ts';

// Five entries; phrasings 0–9, two per entry (phrasing p belongs to entry p >> 1).
const docEntry = Int32Array.from({ length: 10 }, (_, p) => p >> 1);
const inputs: ChannelInputs = {
  // Not in score order: fusion ranks by score, and an entry's best phrasing speaks for it.
  phrasing: [
    { doc: 2, score: 0.4 },
    { doc: 3, score: 0.9 },
    { doc: 0, score: 0.5 },
  ],
  entry: [
    { doc: 1, score: 0.8 },
    { doc: 0, score: 0.6 },
    { doc: 4, score: 0.1 },
  ],
  dense: [
    { doc: 8, score: 0.9 },
    { doc: 2, score: 0.8 },
  ],
};

describe('fuse', () => {
  it('scores each entry from its best phrasing per channel, with the share of channels ranking it first', () => {
    const out = fuse(inputs, docEntry, DEFAULT_FUSION, 1, undefined, new FusionSlots(5));
    expect(out.map((c) => c.entry)).toEqual([1, 4, 0]);
    const one = out[0]!;
    expect(one.lexical).toBe(0.9); // phrasing 3, not 2
    expect(one.entryLexical).toBe(0.8);
    expect(one.dense).toBeCloseTo(0.6); // cosine 0.8 rescaled from [0.5, 1]
    expect(one.score).toBeCloseTo(0.5 * 0.8 + 0.5 * 0.6);
    expect(one.doc).toBe(3); // the literal match carries it: 0.9 ≥ 0.6
    expect(one.agreement).toBeCloseTo(2 / 3); // first in phrasing and entry, second in dense
    expect(out[1]!.doc).toBe(8); // found only by the dense channel
  });

  it('leaves an excluded entry out of every channel: the next one takes its ranks', () => {
    const out = fuse(inputs, docEntry, DEFAULT_FUSION, 1, 1, new FusionSlots(5));
    expect(out.map((c) => c.entry)).toEqual([4, 0]);
    expect(out.find((c) => c.entry === 0)!.agreement).toBeCloseTo(2 / 3); // now first in phrasing and entry
  });

  it('gives the same result on reused slots as on fresh ones, whatever came before', () => {
    const slots = new FusionSlots(5);
    const other: ChannelInputs = { phrasing: [{ doc: 9, score: 0.3 }], entry: [{ doc: 3, score: 0.2 }], dense: [] };
    fuse(other, docEntry, DEFAULT_FUSION, 1, undefined, slots);
    expect(fuse(inputs, docEntry, DEFAULT_FUSION, 0.5, 4, slots)).toEqual(fuse(inputs, docEntry, DEFAULT_FUSION, 0.5, 4, new FusionSlots(5)));
    expect(fuse(other, docEntry, DEFAULT_FUSION, 1, undefined, slots)).toEqual(fuse(other, docEntry, DEFAULT_FUSION, 1, undefined, new FusionSlots(5)));
  });
});
