// Text → sparse TF-IDF vector, through the knowledge base's own text pipeline (NFKC, 繁→简, case, punctuation;
// the colloquialism table; jieba with the domain dictionary) so the chat and the predictor read text alike.
// Features: jieba words, and character bigrams and trigrams (they survive typos and words jieba cuts oddly).
import type { SparseVector } from '../../lib/softmax.ts';
import { normalize } from './normalize.ts';
import { Synonyms } from './synonyms.ts';
import { bigrams, readDomainDict, Tokenizer } from './tokenize.ts';

export interface FeatureSettings {
  /** Normalized characters read from a text: a letter's opening carries its topic. */
  maxChars: number;
  /** Weight of a character n-gram occurrence relative to a word occurrence. */
  charWeight: number;
  trigrams: boolean;
  /** Single characters as features too (a weak signal, but small data needs every signal). */
  unigrams: boolean;
  /** Terms seen in fewer training texts than this are dropped. */
  minDf: number;
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = { maxChars: 400, charWeight: 1, trigrams: false, unigrams: true, minDf: 1 };

const HAN_RUN = /\p{Script=Han}{3,}/gu;

export class FeatureExtractor {
  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly synonyms: Synonyms,
    readonly settings: FeatureSettings = DEFAULT_FEATURE_SETTINGS,
  ) {}

  /** The knowledge base's dictionary and synonym table. */
  static withKnowledgeText(settings: FeatureSettings = DEFAULT_FEATURE_SETTINGS): FeatureExtractor {
    return new FeatureExtractor(Tokenizer.create(readDomainDict()), Synonyms.load(), settings);
  }

  /** Raw term counts of a text. */
  terms(text: string): Map<string, number> {
    const canonical = this.synonyms.apply(normalize(text, { maxLength: this.settings.maxChars }));
    const terms = new Map<string, number>();
    const add = (term: string, weight: number) => terms.set(term, (terms.get(term) ?? 0) + weight);
    for (const word of this.tokenizer.words(canonical)) if (!/^\d+$/.test(word)) add(`w:${word}`, 1);
    for (const gram of bigrams(canonical)) add(`b:${gram}`, this.settings.charWeight);
    if (this.settings.unigrams) for (const ch of canonical.match(/\p{Script=Han}/gu) ?? []) add(`u:${ch}`, this.settings.charWeight);
    if (this.settings.trigrams) {
      for (const run of canonical.match(HAN_RUN) ?? []) {
        const chars = [...run];
        for (let i = 0; i + 2 < chars.length; i++) add(`t:${chars[i]}${chars[i + 1]}${chars[i + 2]}`, this.settings.charWeight);
      }
    }
    return terms;
  }
}

/** Vocabulary and inverse document frequencies learned from the training texts. */
export class TfIdf {
  private constructor(
    private readonly vocabulary: Map<string, number>,
    private readonly idf: Float64Array,
  ) {}

  get size(): number {
    return this.idf.length;
  }

  /** Keeps terms seen in at least `minDf` documents (a term seen once teaches nothing general). */
  static fit(documents: readonly Map<string, number>[], minDf = 2): TfIdf {
    const df = new Map<string, number>();
    for (const doc of documents) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
    const kept = [...df.entries()].filter(([, n]) => n >= minDf).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const vocabulary = new Map(kept.map(([term], i) => [term, i]));
    const idf = Float64Array.from(kept, ([, n]) => Math.log((documents.length + 1) / (n + 1)) + 1);
    return new TfIdf(vocabulary, idf);
  }

  toJSON(): { terms: string[]; idf: Float64Array } {
    return { terms: [...this.vocabulary.keys()], idf: this.idf };
  }

  static fromJSON(saved: { terms: string[]; idf: Float64Array }): TfIdf {
    if (!(saved.idf instanceof Float64Array) || saved.terms.length !== saved.idf.length) throw new Error('tf-idf: terms and weights differ in length');
    return new TfIdf(new Map(saved.terms.map((term, i) => [term, i])), saved.idf);
  }

  /** Sublinear term frequency × idf, L2-normalized; unknown terms are dropped. */
  transform(terms: Map<string, number>): SparseVector {
    const index = new Int32Array(terms.size);
    const value = new Float64Array(terms.size);
    let n = 0;
    for (const [term, count] of terms) {
      const i = this.vocabulary.get(term);
      if (i === undefined) continue;
      // Sublinear above one occurrence: a letter that repeats 工资 ten times is not ten times about wages.
      const v = (count <= 1 ? count : 1 + Math.log(count)) * (this.idf[i] as number);
      // Insertion in index order (a text has tens of terms): the same order, so the same sums, as training saw.
      let at = n++;
      for (; at > 0 && (index[at - 1] as number) > i; at--) {
        index[at] = index[at - 1] as number;
        value[at] = value[at - 1] as number;
      }
      index[at] = i;
      value[at] = v;
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (value[j] as number) * (value[j] as number);
    const norm = Math.sqrt(sum) || 1;
    for (let j = 0; j < n; j++) value[j] = (value[j] as number) / norm;
    return { index: index.subarray(0, n), value: value.subarray(0, n) };
  }
}
