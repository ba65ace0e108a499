// Multinomial logistic regression over sparse vectors, trained by stochastic gradient descent in a fixed, seeded
// order (or one from each example's hash): the same examples always give the same model. Probabilities come out
// directly, which is what the caller's "am I sure?" threshold needs.
import { hashedOrder, mixHash, mulberry32 } from './random.ts';

/** A sparse feature vector: ascending indices and their values. */
export interface SparseVector {
  index: Int32Array;
  value: Float64Array;
}

export interface TrainSettings {
  epochs: number;
  learningRate: number;
  /** L2 penalty, applied to the weights an example touches (the usual sparse approximation). */
  l2: number;
  seed: number;
  /** Weigh each example by 1 / (its category's share): the categories are equally likely a priori, whatever the
   *  number of examples someone happened to write for each. */
  balanced: boolean;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = { epochs: 40, learningRate: 1, l2: 1e-5, seed: 12345, balanced: true };

export class SoftmaxModel {
  private constructor(
    readonly classes: readonly string[],
    /** Row-major: weights[feature * classes + class]. */
    private readonly weights: Float64Array,
    private readonly bias: Float64Array,
  ) {}

  static train(
    xs: readonly SparseVector[],
    ys: readonly number[],
    classes: readonly string[],
    dims: number,
    s: TrainSettings = DEFAULT_TRAIN_SETTINGS,
    exampleHashes?: ArrayLike<number>,
  ): SoftmaxModel {
    const k = classes.length;
    const model = new SoftmaxModel(classes, new Float64Array(dims * k), new Float64Array(k));
    const order = xs.map((_, i) => i);
    const random = mulberry32(s.seed);
    const p = new Float64Array(k);
    const counts = new Float64Array(k);
    for (const y of ys) counts[y]! += 1;
    const weightOf = (y: number) => (s.balanced ? xs.length / (k * (counts[y] as number)) : 1);
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      // With each example's hash (of its text, say), a pass's order is stable under adding or removing examples.
      const pass = exampleHashes ? hashedOrder(exampleHashes, mixHash(s.seed, epoch)) : shuffle(order, random);
      const rate = s.learningRate / (1 + epoch * 0.2);
      for (const n of pass) {
        const x = xs[n] as SparseVector;
        model.scores(x, p);
        softmaxInPlace(p);
        p[ys[n] as number]! -= 1; // gradient of the log loss wrt the scores
        const w8 = weightOf(ys[n] as number);
        for (let c = 0; c < k; c++) p[c]! *= w8;
        for (let j = 0; j < x.index.length; j++) {
          const base = (x.index[j] as number) * k;
          const v = x.value[j] as number;
          for (let c = 0; c < k; c++) {
            const w = model.weights[base + c] as number;
            model.weights[base + c] = w - rate * ((p[c] as number) * v + s.l2 * w);
          }
        }
        for (let c = 0; c < k; c++) model.bias[c]! -= rate * (p[c] as number);
      }
    }
    return model;
  }

  /** The weights as they are (model-file.ts stores typed arrays as raw bytes). */
  toJSON(): SavedSoftmax {
    return { classes: [...this.classes], weights: this.weights, bias: Array.from(this.bias) };
  }

  static fromJSON(saved: SavedSoftmax, dims: number): SoftmaxModel {
    if (!(saved.weights instanceof Float64Array) || saved.weights.length !== dims * saved.classes.length || saved.bias.length !== saved.classes.length)
      throw new Error('softmax: saved weights do not fit the vocabulary');
    return new SoftmaxModel(saved.classes, saved.weights, Float64Array.from(saved.bias));
  }

  /** Class probabilities, in the order of `classes`. */
  probabilities(x: SparseVector): Float64Array {
    const p = new Float64Array(this.classes.length);
    this.scores(x, p);
    return softmaxInPlace(p);
  }

  private scores(x: SparseVector, out: Float64Array): void {
    const k = this.classes.length;
    out.set(this.bias);
    for (let j = 0; j < x.index.length; j++) {
      const base = (x.index[j] as number) * k;
      const v = x.value[j] as number;
      for (let c = 0; c < k; c++) out[c]! += (this.weights[base + c] as number) * v;
    }
  }
}

export interface SavedSoftmax {
  classes: string[];
  weights: Float64Array;
  bias: number[];
}

function softmaxInPlace(p: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of p) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < p.length; c++) sum += p[c] = Math.exp((p[c] as number) - max);
  for (let c = 0; c < p.length; c++) p[c]! /= sum;
  return p;
}

function shuffle(items: number[], random: () => number): number[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
  return items;
}
