// Every number that turns scores into answer / clarify / handoff lives here, and nowhere else.
// Calibrated with `npm run kb:eval -- --calibrate` (knowledge/eval/calibrate.ts): the logistic model is fitted on
// the dev set (held-out alternates + out-of-scope list), then the probability thresholds are chosen so that a
// wrong answer is rare (it costs more than a handover). Re-run and update when the content changes a lot.
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
}

export const THRESHOLDS: Record<FusionMode, DecisionThresholds> = {
  weighted: {
    minScore: 0.4,
    confidence: { bias: -2.81, wPhrasing: -1.22, wEntry: 1.44, wDense: 1.07, wMargin: 4.55, wAgree: 3.62 },
    answer: 0.9,
    clarify: 0.35,
    clarifyWindow: 0.2,
    maxOptions: 3,
    minWordsToAnswer: 2,
  },
  lexical: {
    minScore: 0.2,
    confidence: { bias: -2.11, wPhrasing: -0.75, wEntry: 2.8, wDense: 0, wMargin: 5.09, wAgree: 2.07 },
    answer: 0.84,
    clarify: 0.5,
    clarifyWindow: 0.2,
    maxOptions: 3,
    minWordsToAnswer: 2,
  },
  dense: {
    minScore: 0.6,
    confidence: { bias: -2.73, wPhrasing: 0, wEntry: 0, wDense: 1.29, wMargin: 4.74, wAgree: 2.51 },
    answer: 0.84,
    clarify: 0.05,
    clarifyWindow: 0.15,
    maxOptions: 3,
    minWordsToAnswer: 2,
  },
  // RRF scores are ranks, not evidence: they cannot separate "sure" from "unsure". Ranking comparison only; its
  // decisions always hand over.
  rrf: {
    minScore: 1,
    confidence: { bias: -20, wPhrasing: 0, wEntry: 2, wDense: 2, wMargin: 3, wAgree: 3 },
    answer: 1,
    clarify: 1,
    clarifyWindow: 0,
    maxOptions: 3,
    minWordsToAnswer: 2,
  },
};

/** How many candidates each channel returns before fusion. */
export const CANDIDATES = { lexical: 100, entries: 30, dense: 30, hits: 5 } as const;
