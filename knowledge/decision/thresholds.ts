// Every number that turns scores into answer / clarify / handoff lives here, and nowhere else.
// Calibrated with `npm run kb:eval -- --calibrate` (knowledge/eval/calibrate.ts) on the DEV set (4 folds of
// held-out phrasings + the out-of-scope list) together with the CALIBRATION set (knowledge/eval/calibration.yaml:
// 301 realistic questions written apart from the KB); never on the held-out set: the confidence model is a logistic
// regression fitted on the in-scope cases, then a grid search picks the gate and thresholds that maximise a
// utility where a wrong answer costs five right ones, with wrong answers ≤ 2 % and out-of-scope rejection ≥ 96 %.
// Re-run and paste the printed values when the content or the retrieval changes.
import type { FusionMode } from '../index/fusion.ts';

/**
 * P(hit is the right entry) = sigmoid(bias + Σ w·signal) over the hit's channel scores (phrasing overlap, entry
 * BM25, dense cosine), its fused-score margin over the best other entry, and channel agreement. The channels get
 * their own weights because they separate in-scope from out-of-scope differently from how they rank.
 */
export interface ConfidenceModel {
  bias: number;
  wPhrasing: number;
  wEntry: number;
  wDense: number;
  wMargin: number;
  wAgree: number;
}

export interface DecisionThresholds {
  /**
   * Out-of-scope gate: below this fused score the question is not about anything in the KB. Kept apart from the
   * confidence model because "is it in scope at all" and "which entry" are separated by different signals (the
   * raw score separates in-scope from out-of-scope best; channel agreement and margin separate right from wrong).
   */
  minScore: number;
  /** Which score the gate looks at: the fused score, or the dense channel's alone (it separates best when present). */
  gateOn: 'score' | 'dense';
  confidence: ConfidenceModel;
  /** Answer when the top hit's confidence reaches this. */
  answer: number;
  /** Offer choices when the top hit's confidence reaches this; the choices are the top hit … */
  clarify: number;
  /** … and the next ones whose score is within this of the top score. */
  clarifyWindow: number;
  /** At most this many choices. */
  maxOptions: number;
  /** Never answer a query with fewer content words than this: 社保 alone gets choices, not a guess. */
  minWordsToAnswer: number;
  /**
   * Phrasing overlap at which the question IS one of the KB's phrasings (same terms after normalization and
   * synonyms): answered whatever the confidence model says (phrasings are unique across entries).
   */
  exactMatch: number;
}

export const THRESHOLDS: Record<FusionMode, DecisionThresholds> = {
  weighted: {
    minScore: 0.65,
    gateOn: 'dense',
    confidence: { bias: -2.87, wPhrasing: 0, wEntry: 0.58, wDense: 0.92, wMargin: 4.79, wAgree: 3.67 },
    answer: 0.92,
    clarify: 0.35,
    clarifyWindow: 0.2,
    maxOptions: 3,
    minWordsToAnswer: 2,
    exactMatch: 0.98,
  },
  lexical: {
    minScore: 0.25,
    gateOn: 'score',
    confidence: { bias: -2.17, wPhrasing: 0, wEntry: 1.84, wDense: 0, wMargin: 5.49, wAgree: 2.4 },
    answer: 0.89,
    clarify: 0.6,
    clarifyWindow: 0.2,
    maxOptions: 3,
    minWordsToAnswer: 2,
    exactMatch: 0.98,
  },
  dense: {
    minScore: 0.65,
    gateOn: 'score',
    confidence: { bias: -3.15, wPhrasing: 0, wEntry: 0, wDense: 1.63, wMargin: 4.82, wAgree: 2.96 },
    answer: 0.86,
    clarify: 0.75,
    clarifyWindow: 0.2,
    maxOptions: 3,
    minWordsToAnswer: 2,
    exactMatch: 0.98,
  },
  // RRF scores are ranks, not evidence: they cannot separate "sure" from "unsure". Ranking comparison only; its
  // decisions always hand over.
  rrf: {
    minScore: 1,
    gateOn: 'score',
    confidence: { bias: -20, wPhrasing: 0, wEntry: 2, wDense: 2, wMargin: 3, wAgree: 3 },
    answer: 1,
    clarify: 1,
    clarifyWindow: 0,
    maxOptions: 3,
    minWordsToAnswer: 2,
    exactMatch: 0.98,
  },
};

/** How many candidates each channel returns before fusion. */
export const CANDIDATES = { lexical: 100, entries: 30, dense: 30, hits: 5 } as const;
