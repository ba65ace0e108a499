// Turns weighed candidates into answer / clarify / handoff. A wrong answer costs more than a handover, so the bar
// for answering is high, the middle ground offers choices, and anything unsure goes to a person. Candidates are
// ranked by calibrated confidence, not by fused score: the question's key words and what it asks for decide
// between two entries about the same topic (社保基数 怎么算 / 怎么申报).
import { descending, type EntryCandidate } from '../index/fusion.ts';
import type { HandoffReason } from '../triage/cues.ts';
import type { Evidence } from './evidence.ts';
import { SIGNALS, type ConfidenceModel, type DecisionThresholds, type Signals } from './thresholds.ts';
import { verifierFeatures, verify } from './verifier.ts';

export type Decision = 'answer' | 'clarify' | 'handoff';

export interface WeighedCandidate extends EntryCandidate {
  evidence: Evidence;
}

export interface ScoredCandidate extends WeighedCandidate {
  signals: Signals;
  confidence: number;
}

export interface Choice {
  decision: Decision;
  reason?: HandoffReason;
  /** How many of the ranked candidates are offered: 1 for an answer, 1–3 choices, 0 for a handoff. */
  offered: number;
  /** With an answer: how many further candidates to show as "您可能还想问". */
  neighbours: number;
  explanation: string;
}

export function confidenceOf(model: ConfidenceModel, signals: Signals): number {
  let z = model.bias;
  for (const s of SIGNALS) z += model.weights[s] * signals[s];
  return 1 / (1 + Math.exp(-z));
}

/** The signals of each candidate; its margin is over the best *other* entry by fused score. */
export function signalsOf(candidates: readonly WeighedCandidate[], known: number): Signals[] {
  let first = -Infinity;
  let second = -Infinity;
  for (const c of candidates) {
    if (c.score > first) [first, second] = [c.score, first];
    else if (c.score > second) second = c.score;
  }
  return candidates.map((c) => ({
    phrasing: c.lexical,
    entry: c.entryLexical,
    dense: c.dense,
    margin: c.score - (c.score === first ? (Number.isFinite(second) ? second : 0) : first),
    agreement: c.agreement,
    coverage: c.evidence.coverage,
    missing: c.evidence.missing,
    extra: c.evidence.extra,
    ask: c.evidence.ask,
    known,
  }));
}

/** Candidates with their confidence, most confident first (so choices are always a prefix). */
export function rank(candidates: readonly WeighedCandidate[], known: number, model: ConfidenceModel): ScoredCandidate[] {
  const signals = signalsOf(candidates, known);
  return candidates
    .map((c, i) => ({ ...c, signals: signals[i] as Signals, confidence: confidenceOf(model, signals[i] as Signals) }))
    .sort((a, b) => descending(a.confidence, b.confidence) || descending(a.score, b.score));
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** A question's best candidate is sure enough to answer: by the verifier where there is one, else by its confidence. */
export function verified(ranked: readonly ScoredCandidate[], t: DecisionThresholds, queryWords: number): boolean {
  const top = ranked[0];
  if (!top) return false;
  if (!t.verifier) return top.confidence >= t.answer;
  const features = verifierFeatures(ranked, queryWords);
  return features !== undefined && verify(t.verifier.model, features) >= t.verifier.answer;
}

/**
 * The threshold part of the decision, on ranked candidates (the calibration grid calls it directly).
 * @param followup the question is a follow-up read against the last answer (its own answer threshold)
 * @param namesScheme the message names one of the KB's schemes (公积金, 医保 …): it is about the KB's matters
 */
export function choose(ranked: readonly ScoredCandidate[], t: DecisionThresholds, queryWords: number, followup = false, namesScheme = false): Choice {
  const top = ranked[0];
  if (!top) return { decision: 'handoff', reason: 'out_of_scope', offered: 0, neighbours: 0, explanation: '知识库中没有相关条目，转人工' };
  const others = ranked.slice(1);
  const exact = top.lexical >= t.exactMatch && others.every((c) => c.lexical < t.exactMatch);
  const sure = exact || (top.signals.known >= t.minKnownToAnswer && (followup ? top.confidence >= t.followupAnswer : verified(ranked, t, queryWords)));
  if (sure && queryWords >= t.minWordsToAnswer) {
    const neighbours = others.slice(0, t.maxOptions - 1).filter((c) => c.confidence >= t.neighbourFloor).length;
    const why = exact ? '与知识库中的问法一致' : `匹配明确：置信度 ${pct(top.confidence)}`;
    return { decision: 'answer', offered: 1, neighbours, explanation: neighbours > 0 ? `${why}；另有 ${neighbours} 个相近问题可供参考` : why };
  }
  // Choices only for a question about the KB's matters: one that names the KB's key terms (and is not mostly
  // words the KB does not know), or is almost all in the KB's words, or whose best candidate is confident whatever
  // else the message says (a long story). Otherwise whatever is nearest is a list of unrelated questions (今天星期几).
  const s = top.signals;
  const aboutTheKb =
    namesScheme ||
    (s.coverage > 0 && s.known >= t.minKnownShare) ||
    (s.coverage >= 0.5 && s.known >= t.minKnownShare * 0.6) ||
    s.known >= 0.8 ||
    top.confidence >= t.surelyAboutTheKb;
  if (sure || (top.confidence >= t.clarify && aboutTheKb)) {
    const offered = 1 + others.slice(0, t.maxOptions - 1).filter((c) => c.confidence >= t.choiceFloor).length;
    const why = sure
      ? '问题只有一个关键词，请用户选择具体问题'
      : offered === 1
        ? `有一个可能的条目（置信度 ${pct(top.confidence)}），请用户确认`
        : `有 ${offered} 个相近的条目（置信度 ${ranked
            .slice(0, offered)
            .map((c) => pct(c.confidence))
            .join(' / ')}），请用户选择`;
    return { decision: 'clarify', offered, neighbours: 0, explanation: why };
  }
  const outside = !aboutTheKb;
  return {
    decision: 'handoff',
    reason: outside ? 'out_of_scope' : 'low_confidence',
    offered: 0,
    neighbours: 0,
    explanation: outside
      ? `问题不涉及知识库的事项（最高置信度 ${pct(top.confidence)}），转人工`
      : `没有足够可靠的匹配（最高置信度 ${pct(top.confidence)}），转人工`,
  };
}
