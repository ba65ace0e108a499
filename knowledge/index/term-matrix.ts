// Documents × terms in compressed-row form. At 100,000 entries (800,000 phrasings) a Map per phrasing costs
// gigabytes; typed arrays cost a few hundred megabytes, and both index builders read them directly.
import type { Terms } from '../text/analyzer.ts';

export interface TermMatrix {
  /** Term id → term. */
  terms: string[];
  /** Row r spans ids/weights [offsets[r], offsets[r + 1]). */
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
}

export function rowCount(m: TermMatrix): number {
  return m.offsets.length - 1;
}

/** Number of rows each term occurs in. */
export function documentFrequencies(m: TermMatrix): Int32Array {
  const df = new Int32Array(m.terms.length);
  for (const id of m.ids) df[id] = (df[id] as number) + 1;
  return df;
}

export class TermMatrixBuilder {
  private readonly termIds = new Map<string, number>();
  private readonly terms: string[] = [];
  private offsets: number[] = [0];
  private ids: Int32Array = new Int32Array(1024);
  private weights: Float32Array = new Float32Array(1024);
  private size = 0;

  /** Shares the term table of an existing matrix (so ids stay comparable). */
  static from(m: TermMatrix): TermMatrixBuilder {
    const b = new TermMatrixBuilder();
    m.terms.forEach((t, i) => {
      b.termIds.set(t, i);
      b.terms.push(t);
    });
    return b;
  }

  termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.termIds.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  add(terms: Terms): void {
    for (const [term, w] of terms) this.push(this.termId(term), w);
    this.offsets.push(this.size);
  }

  /** Adds a row from id/weight pairs (ids from this builder's table). */
  addRow(row: Map<number, number>): void {
    for (const [id, w] of row) this.push(id, w);
    this.offsets.push(this.size);
  }

  build(): TermMatrix {
    return { terms: this.terms, offsets: Int32Array.from(this.offsets), ids: this.ids.slice(0, this.size), weights: this.weights.slice(0, this.size) };
  }

  private push(id: number, w: number): void {
    if (this.size === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      this.ids = ids;
      const weights = new Float32Array(this.weights.length * 2);
      weights.set(this.weights);
      this.weights = weights;
    }
    this.ids[this.size] = id;
    this.weights[this.size] = w;
    this.size++;
  }
}

/**
 * Rows grouped by owner and summed (an entry's phrasings → one entry document), plus optional extra rows per owner
 * scaled by a weight (answer sentences). Rows of one owner must be contiguous and owners ascending in both
 * matrices (phrasings are numbered entry by entry), so only one owner's sums are held at a time.
 */
export function groupRows(m: TermMatrix, owner: Int32Array, owners: number, extra?: { matrix: TermMatrix; owner: Int32Array; weight: number }): TermMatrix {
  const table = extra && extra.matrix.terms.length > m.terms.length ? extra.matrix : m;
  const b = TermMatrixBuilder.from(table);
  let r = 0;
  let x = 0;
  const sum = new Map<number, number>();
  const addRow = (src: TermMatrix, row: number, scale: number) => {
    for (let p = src.offsets[row] as number; p < (src.offsets[row + 1] as number); p++) {
      const id = src.ids[p] as number;
      sum.set(id, (sum.get(id) ?? 0) + (src.weights[p] as number) * scale);
    }
  };
  for (let o = 0; o < owners; o++) {
    sum.clear();
    for (; r < rowCount(m) && owner[r] === o; r++) addRow(m, r, 1);
    if (extra) for (; x < rowCount(extra.matrix) && extra.owner[x] === o; x++) if (extra.weight > 0) addRow(extra.matrix, x, extra.weight);
    b.addRow(sum);
  }
  if (r !== rowCount(m) || (extra && x !== rowCount(extra.matrix))) throw new Error('[knowledge/index] groupRows: rows are not grouped by ascending owner');
  return b.build();
}
