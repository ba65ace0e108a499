// The answer verifier: is the best candidate of THIS question right? The confidence model scores each candidate on
// its own evidence; whether to answer also depends on how it stands against the others: how far its confidence is
// ahead of the runner-up's, and whether it has the edge on the question's key words, on what is asked and on each
// channel, or shares them with a close sibling (社保基数怎么算 / 社保基数怎么申报). A logistic regression over these,
// fitted by `kb:eval -- --calibrate` (eval/calibrate.ts) on the tuning sets and pasted into thresholds.ts.
import { SIGNALS, type Signals } from './thresholds.ts';

/** Anything ranked with the signals the verifier reads (decision candidates at run time, eval hits when fitting). */
export interface Verifiable {
  confidence: number;
  signals: Signals;
}

/** Signals compared between the best candidate and the next three: its edge over them. */
const EDGES = ['coverage', 'ask', 'dense', 'phrasing', 'entry'] as const satisfies readonly (keyof Signals)[];

export const VERIFIER_FEATURES = ['logit', ...SIGNALS, 'gap', 'length', ...EDGES.map((s) => `${s}Edge` as const)] as const satisfies readonly string[];
export type VerifierFeature = (typeof VERIFIER_FEATURES)[number];
export type VerifierFeatures = Record<VerifierFeature, number>;

/** P(the best candidate is right) = sigmoid(bias + Σ weight·feature). */
export interface VerifierModel {
  bias: number;
  weights: VerifierFeatures;
}

/** Confidences this close to 0 or 1 carry no more information (and keep the logit finite). */
const LOGIT_LIMIT = 9;
const logit = (p: number) => Math.max(-LOGIT_LIMIT, Math.min(LOGIT_LIMIT, Math.log(p / (1 - p))));
/** Questions longer than this many content words count as this long. */
const LONG_QUESTION = 12;
/** How many runners-up the best candidate's edges are measured against. */
const RIVALS = 3;

/** The features of a ranked list (most confident first); undefined when there is nothing to verify. */
export function verifierFeatures(ranked: readonly Verifiable[], queryWords: number): VerifierFeatures | undefined {
  const [top, ...rest] = ranked;
  if (!top) return undefined;
  const rivals = rest.slice(0, RIVALS);
  const edge = (s: (typeof EDGES)[number]) => top.signals[s] - (rivals.length > 0 ? Math.max(...rivals.map((r) => r.signals[s])) : 0);
  const features = {
    logit: logit(top.confidence),
    ...top.signals,
    gap: logit(top.confidence) - (rest[0] ? logit(rest[0].confidence) : -LOGIT_LIMIT),
    length: Math.min(queryWords, LONG_QUESTION) / LONG_QUESTION,
  } as VerifierFeatures;
  for (const s of EDGES) features[`${s}Edge`] = edge(s);
  return features;
}

export function verify(model: VerifierModel, features: VerifierFeatures): number {
  let z = model.bias;
  for (const f of VERIFIER_FEATURES) z += model.weights[f] * features[f];
  return 1 / (1 + Math.exp(-z));
}
