// The whole text pipeline in one place: normalize → synonyms → (queries only) homophone correction → terms.
// Phrasings and questions go through the same steps, so they meet in the same vocabulary.
import { colloquial } from './colloquial.ts';
import { normalize } from './normalize.ts';
import { PinyinCorrector, soundBigrams, type Correction } from './pinyin.ts';
import type { Synonyms } from './synonyms.ts';
import { bigrams, isStopword, Tokenizer } from './tokenize.ts';

/** Bigram features are prefixed so that the word 社保 and the bigram 社保 stay separate terms. */
export const BIGRAM_PREFIX = '~';
/** Sound (pinyin) bigram features: "^bi li". Normalized text never contains ~ or ^. */
export const SOUND_PREFIX = '^';

export interface AnalyzerSettings {
  /** Weight of a character bigram relative to a word (words carry meaning, bigrams catch bad cuts). */
  bigramWeight: number;
  /** Correct homophone typos in queries. */
  pinyin: boolean;
  /** Weight of pinyin-bigram features (0 = off): typo tolerance that needs no dictionary. */
  soundWeight: number;
}

export const DEFAULT_ANALYZER_SETTINGS: AnalyzerSettings = { bigramWeight: 1, pinyin: true, soundWeight: 0.3 };

/** term → weight (word occurrences count 1, bigram occurrences count bigramWeight). */
export type Terms = Map<string, number>;

/** The word terms of an analysis (bigram and sound features carry a prefix). */
export function wordTerms(terms: Terms): string[] {
  const out: string[] = [];
  for (const t of terms.keys()) if (!t.startsWith(BIGRAM_PREFIX) && !t.startsWith(SOUND_PREFIX)) out.push(t);
  return out;
}

export interface QueryAnalysis {
  /** After normalize + synonyms + typo correction: what was actually searched. */
  canonical: string;
  terms: Terms;
  corrections: Correction[];
}

export class Analyzer {
  constructor(
    readonly tokenizer: Tokenizer,
    readonly synonyms: Synonyms,
    readonly settings: AnalyzerSettings = DEFAULT_ANALYZER_SETTINGS,
    readonly corrector?: PinyinCorrector,
    private readonly known?: (word: string) => boolean,
  ) {}

  /** The same analyzer, now able to correct query typos against the index's vocabulary. */
  withVocabulary(known: (word: string) => boolean, corrector: PinyinCorrector): Analyzer {
    return new Analyzer(this.tokenizer, this.synonyms, this.settings, corrector, known);
  }

  canonical(text: string): string {
    return this.synonyms.apply(colloquial(normalize(text)));
  }

  /** Canonical words of a text (no bigrams); the typo corrector's vocabulary is built from these. */
  words(text: string): string[] {
    return this.tokenizer.words(this.canonical(text));
  }

  document(text: string): Terms {
    return this.terms(this.canonical(text));
  }

  query(text: string): QueryAnalysis {
    let canonical = this.canonical(text);
    let corrections: Correction[] = [];
    if (this.settings.pinyin && this.corrector && this.known && canonical !== '') {
      const known = this.known;
      const fixed = this.corrector.correct(canonical, {
        known,
        isWord: (w) => this.tokenizer.isWord(w),
        segments: (t) => this.tokenizer.segments(t),
      });
      if (fixed.corrections.length > 0) {
        corrections = fixed.corrections;
        // A corrected word may itself be a colloquial form (公基金 → 公积金 → …): rewrite again.
        canonical = this.synonyms.apply(fixed.text);
      }
    }
    return { canonical, terms: this.terms(canonical), corrections };
  }

  terms(canonical: string): Terms {
    const terms: Terms = new Map();
    if (canonical === '') return terms;
    const parts = this.tokenizer.parts(canonical); // one jieba pass serves words and sounds
    for (const segments of parts) for (const w of segments) if (!isStopword(w)) terms.set(w, (terms.get(w) ?? 0) + 1);
    const weight = this.settings.bigramWeight;
    if (weight > 0) {
      for (const b of bigrams(canonical)) {
        const key = BIGRAM_PREFIX + b;
        terms.set(key, (terms.get(key) ?? 0) + weight);
      }
    }
    const sound = this.settings.soundWeight;
    if (sound > 0) {
      for (const b of soundBigrams(parts)) {
        const key = SOUND_PREFIX + b;
        terms.set(key, (terms.get(key) ?? 0) + sound);
      }
    }
    return terms;
  }
}
