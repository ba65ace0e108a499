// A bag-of-terms embedding model trained at build time on the KB's own phrasings: a phrase vector is the
// IDF-weighted mean of its terms' vectors. Nothing is downloaded; the vectors are whatever the trainer learned
// from which phrasings belong to the same entry (train-dense.ts).
import type { Terms } from '../text/analyzer.ts';
import { need, pack, unpack } from '../../lib/binary.ts';

export class DenseModel {
  constructor(
    readonly dim: number,
    private readonly termIds: Map<string, number>,
    /** termIds.size × dim, row-major. */
    readonly vectors: Float32Array,
    /** Per-term weight in the mean (IDF over the training phrasings). */
    readonly weights: Float32Array,
  ) {}

  get vocabularySize(): number {
    return this.termIds.size;
  }

  termId(term: string): number | undefined {
    return this.termIds.get(term);
  }

  /**
   * Unit-length phrase vector, or all zeros when no term is known (the caller then skips the dense channel:
   * a vector made of nothing would land near some random entry).
   */
  embed(terms: Terms): Float32Array {
    const out = new Float32Array(this.dim);
    let total = 0;
    for (const [term, tf] of terms) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const w = tf * (this.weights[id] as number);
      total += w;
      const base = id * this.dim;
      for (let k = 0; k < this.dim; k++) out[k] = (out[k] as number) + w * (this.vectors[base + k] as number);
    }
    if (total === 0) return out;
    let norm = 0;
    for (let k = 0; k < this.dim; k++) norm += (out[k] as number) ** 2;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < this.dim; k++) out[k] = (out[k] as number) / norm;
    return out;
  }

  toBuffer(): Buffer {
    return pack({ dim: this.dim, terms: [...this.termIds.keys()] }, { vectors: this.vectors, weights: this.weights });
  }

  static fromBuffer(buf: Buffer): DenseModel {
    const { header, arrays } = unpack<{ dim: number; terms: string[] }>(buf);
    return new DenseModel(
      header.dim,
      new Map(header.terms.map((t, i) => [t, i])),
      need(arrays, 'vectors', Float32Array),
      need(arrays, 'weights', Float32Array),
    );
  }
}

export function isZero(v: ArrayLike<number>): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
