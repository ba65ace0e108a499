// Calibration: fit the confidence model (logistic regression on score and margin) to the dev results, then pick
// the answer / clarify thresholds that maximise a utility where a wrong answer costs far more than a handover.
// Prints suggested values; a person copies them into knowledge/decision/thresholds.ts (thresholds stay reviewed
// code, never silently re-tuned).
import { findCue } from '../triage/cues.ts';
import { choose, scoreCandidates, type ScoredCandidate } from '../decision/decide.ts';
import type { ConfidenceModel, DecisionThresholds } from '../decision/thresholds.ts';
import { compactKey } from '../text/normalize.ts';
import type { SearchHit } from '../search.ts';
import type { CaseResult } from './metrics.ts';
import { NONE } from './sets.ts';

/**
 * Utility of each outcome. A wrong answer is by far the worst. Handing over a question the KB answers costs an
 * agent's time; choices that contain the right entry cost the user one tap; choices that do not cost a useless
 * turn before the handover.
 */
export const UTILITY = { answerRight: 1, clarifyRight: 0.7, clarifyWrong: -0.3, missedHandoff: -0.2, wrongAnswer: -5, noneClarify: -0.3, noneHandoff: 0 };
/** Hard limits, tighter than the targets (3 % wrong, 95 % rejection) to leave room for unseen questions. */
export const LIMITS = { maxWrongRate: 0.02, minOosRejection: 0.96 };

interface Example {
  /** phrasing, entry, dense, margin, agreement */
  x: [number, number, number, number, number];
  label: number;
}

/** In-scope cases only: the confidence model says which entry is right; the score gate handles out-of-scope. */
function examples(results: CaseResult[]): Example[] {
  const out: Example[] = [];
  for (const r of results) {
    if (r.case.expect === NONE) continue;
    const [a, b, c] = r.ranked;
    if (!a) continue;
    const row = (h: SearchHit, margin: number): Example => {
      const s = h.signals ?? { phrasing: 0, entry: 0, dense: 0, agreement: 0 };
      return { x: [s.phrasing, s.entry, s.dense, margin, s.agreement], label: h.entryId === r.case.expect ? 1 : 0 };
    };
    out.push(row(a, a.score - (b?.score ?? 0)));
    // Runners-up teach the model what a close second looks like.
    if (b) out.push(row(b, b.score - a.score));
    if (c) out.push(row(c, c.score - a.score));
  }
  return out;
}

/** Plain gradient descent on the log-loss, with a little L2 so separable data does not run off to infinity. */
export function fitConfidence(results: CaseResult[]): ConfidenceModel {
  const data = examples(results);
  const w = [0, 0, 0, 0, 0];
  let bias = 0;
  const lr = 0.5;
  const l2 = 1e-3;
  for (let it = 0; it < 5000; it++) {
    const g = [0, 0, 0, 0, 0];
    let gb = 0;
    for (const e of data) {
      const z = bias + e.x.reduce((s, v, k) => s + v * (w[k] as number), 0);
      const err = 1 / (1 + Math.exp(-z)) - e.label;
      gb += err;
      e.x.forEach((v, k) => (g[k] = (g[k] as number) + err * v));
    }
    const n = Math.max(1, data.length);
    bias -= (lr * gb) / n;
    // Projected onto w ≥ 0: more evidence must never lower confidence. (Unconstrained, the dev set taught a negative
    // weight for phrasing overlap — held-out phrasings never match exactly — which then punished exact matches.)
    w.forEach((wk, k) => (w[k] = Math.max(0, wk - lr * ((g[k] as number) / n + l2 * wk))));
  }
  const r = (x: number | undefined) => Math.round((x ?? 0) * 100) / 100;
  return { bias: r(bias), wPhrasing: r(w[0]), wEntry: r(w[1]), wDense: r(w[2]), wMargin: r(w[3]), wAgree: r(w[4]) };
}

export interface Simulated {
  utility: number;
  wrongRate: number;
  oosRejection: number;
  answered: number;
  clarified: number;
}

interface Prepared {
  none: boolean;
  expect: string;
  /** A handoff cue fired: the decision is handoff whatever the thresholds. */
  cue: boolean;
  ranked: ScoredCandidate[];
  ids: string[];
}

/** Scores every case once for a confidence model (the grid then only varies thresholds). */
function prepare(results: CaseResult[], model: ConfidenceModel): Prepared[] {
  return results.map((r) => {
    const candidates = r.ranked.map((h, i) => ({
      entry: i,
      score: h.score,
      lexical: h.signals?.phrasing ?? 0,
      entryLexical: h.signals?.entry ?? 0,
      dense: h.signals?.dense ?? 0,
      doc: i,
      agreement: h.signals?.agreement ?? 0,
    }));
    const compact = compactKey(r.case.q);
    const cue = compact === '' || findCue(compact, r.ranked[0]?.matched) !== undefined;
    // (The one-word rule is left out of the simulation: dev questions are full sentences.)
    return { none: r.case.expect === NONE, expect: r.case.expect, cue, ranked: scoreCandidates(candidates, model, candidates.length), ids: r.ranked.map((h) => h.entryId) };
  });
}

/** Re-decides every prepared case with other thresholds, through the real choose(). */
function simulatePrepared(cases: Prepared[], t: DecisionThresholds): Simulated {
  let utility = 0;
  let wrong = 0;
  let noneCount = 0;
  let noneHandoff = 0;
  let answered = 0;
  let clarified = 0;
  for (const c of cases) {
    const d = c.cue ? { decision: 'handoff' as const, offered: 0 } : choose(c.ranked, t);
    const offered = c.ranked.slice(0, d.offered).map((x) => c.ids[x.entry]);
    if (c.none) noneCount++;
    if (d.decision === 'answer') {
      answered++;
      const right = !c.none && offered[0] === c.expect;
      if (!right) wrong++;
      utility += right ? UTILITY.answerRight : UTILITY.wrongAnswer;
    } else if (d.decision === 'clarify') {
      clarified++;
      utility += c.none ? UTILITY.noneClarify : offered.includes(c.expect) ? UTILITY.clarifyRight : UTILITY.clarifyWrong;
    } else {
      if (c.none) noneHandoff++;
      utility += c.none ? UTILITY.noneHandoff : UTILITY.missedHandoff;
    }
  }
  return { utility, wrongRate: wrong / Math.max(1, cases.length), oosRejection: noneCount ? noneHandoff / noneCount : 1, answered, clarified };
}

export function simulate(results: CaseResult[], t: DecisionThresholds): Simulated {
  return simulatePrepared(prepare(results, t.confidence), t);
}

/** Grid search over the decision thresholds for a fitted confidence model. */
export function calibrate(results: CaseResult[], base: DecisionThresholds): { thresholds: DecisionThresholds; outcome: Simulated } {
  const confidence = fitConfidence(results);
  const prepared = prepare(results, confidence);
  let best: { thresholds: DecisionThresholds; outcome: Simulated } | undefined;
  const gates: DecisionThresholds['gateOn'][] = results.some((r) => (r.ranked[0]?.signals?.dense ?? 0) > 0) ? ['score', 'dense'] : ['score'];
  // Every combination of gate, answer and clarify thresholds and choice window, each checked against the limits.
  const grid: DecisionThresholds[] = [];
  for (const gateOn of gates)
    for (let minScore = 0.2; minScore <= 0.8; minScore += 0.05)
      for (let answer = 0.5; answer <= 0.99; answer += 0.03)
        for (let clarify = 0.05; clarify < answer; clarify += 0.05)
          for (const clarifyWindow of [0, 0.1, 0.2, 0.3])
            grid.push({ ...base, gateOn, minScore: round2(minScore), confidence, answer: round2(answer), clarify: round2(clarify), clarifyWindow });
  for (const t of grid) {
    const outcome = simulatePrepared(prepared, t);
    if (outcome.wrongRate > LIMITS.maxWrongRate || outcome.oosRejection < LIMITS.minOosRejection) continue;
    if (!best || outcome.utility > best.outcome.utility) best = { thresholds: t, outcome };
  }
  return best ?? { thresholds: { ...base, confidence }, outcome: simulate(results, { ...base, confidence }) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
