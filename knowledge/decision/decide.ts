// Turns fused candidates into answer / clarify / handoff. A wrong answer costs more than a handover, so the bar
// for answering is high, the middle ground offers choices, and anything unsure goes to a person.
import type { EntryCandidate } from '../index/fusion.ts';
import { findCue, type HandoffReason } from '../triage/cues.ts';
import type { ConfidenceModel, DecisionThresholds } from './thresholds.ts';

export type Decision = 'answer' | 'clarify' | 'handoff';

export interface ScoredCandidate extends EntryCandidate {
  confidence: number;
}

export interface DecisionResult {
  decision: Decision;
  /** Why a handoff: what the bot acts on (a complaint becomes a ticket, out-of-scope names a department …). */
  reason?: HandoffReason;
  /** The best candidates, best first (confidence falls with rank, so choices are always a prefix). */
  ranked: ScoredCandidate[];
  /** How many of `ranked` are offered to the user (1 for answer, 1-3 for clarify, 0 for handoff). */
  offered: number;
  explanation: string;
}

export interface ConfidenceSignals {
  lexical: number;
  entryLexical: number;
  dense: number;
  agreement: number;
}

export function confidenceOf(m: ConfidenceModel, c: ConfidenceSignals, margin: number): number {
  const z = m.bias + m.wPhrasing * c.lexical + m.wEntry * c.entryLexical + m.wDense * c.dense + m.wMargin * margin + m.wAgree * c.agreement;
  return 1 / (1 + Math.exp(-z));
}

/** Each candidate's confidence uses its margin over the best *other* entry (negative for all but the top). */
export function scoreCandidates(candidates: EntryCandidate[], model: ConfidenceModel, limit: number): ScoredCandidate[] {
  const top = candidates[0]?.score ?? 0;
  const second = candidates[1]?.score ?? 0;
  return candidates.slice(0, limit).map((c, i) => ({ ...c, confidence: confidenceOf(model, c, c.score - (i === 0 ? second : top)) }));
}

export interface DecideInput {
  candidates: EntryCandidate[];
  /** The normalized user text with spaces removed (for the handoff cues). */
  compactText: string;
  /** Returns the text of a matched phrasing. */
  phrasingOf: (doc: number) => string;
  corrections: string[];
  /** Content words in the query (after stopwords). One word (社保, 医保) says what about, not what is asked. */
  queryWords: number;
}

export function decide(input: DecideInput, t: DecisionThresholds, limit: number): DecisionResult {
  const ranked = scoreCandidates(input.candidates, t.confidence, limit);
  const top = ranked[0];
  if (input.compactText === '') return { decision: 'handoff', reason: 'empty', ranked: [], offered: 0, explanation: '消息为空或没有可识别的文字，转人工' };
  const cue = findCue(input.compactText, top ? input.phrasingOf(top.doc) : undefined);
  if (cue) return { decision: 'handoff', reason: cue.reason, ranked, offered: 0, explanation: cue.explanation };
  const fixes = input.corrections.length > 0 ? `（已纠正：${input.corrections.join('、')}）` : '';
  let choice = choose(ranked, t);
  if (choice.decision === 'answer' && input.queryWords < t.minWordsToAnswer) {
    choice = { decision: 'clarify', offered: Math.min(t.maxOptions, ranked.length), explanation: '问题只有一个关键词，请用户选择具体问题' };
  }
  return { ...choice, ranked, explanation: choice.explanation + fixes };
}

/** The threshold part of the decision, on already scored candidates (the calibration grid calls it directly). */
export function choose(ranked: ScoredCandidate[], t: DecisionThresholds): { decision: Decision; reason?: HandoffReason; offered: number; explanation: string } {
  const top = ranked[0];
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (!top) return { decision: 'handoff', reason: 'out_of_scope', offered: 0, explanation: '知识库中没有相关条目，转人工' };
  if (top.lexical >= t.exactMatch && (ranked[1]?.lexical ?? 0) < t.exactMatch) {
    return { decision: 'answer', offered: 1, explanation: '与知识库中的问法一致' };
  }
  const gate = t.gateOn === 'dense' ? top.dense : top.score;
  if (gate < t.minScore) return { decision: 'handoff', reason: 'out_of_scope', offered: 0, explanation: `问题不在知识库范围内（最高得分 ${gate.toFixed(2)}），转人工` };
  if (top.confidence >= t.answer) {
    const second = ranked[1];
    const lead = second ? `，领先第二名 ${(top.score - second.score).toFixed(2)}` : '';
    return { decision: 'answer', offered: 1, explanation: `匹配明确：置信度 ${pct(top.confidence)}${lead}` };
  }
  if (top.confidence >= t.clarify) {
    const options = ranked.filter((c) => top.score - c.score <= t.clarifyWindow).slice(0, t.maxOptions);
    const why = options.length === 1 ? `有一个可能的条目（置信度 ${pct(top.confidence)}），请用户确认` : `有 ${options.length} 个相近的条目（得分 ${options.map((o) => o.score.toFixed(2)).join(' / ')}），请用户选择`;
    return { decision: 'clarify', offered: options.length, explanation: why };
  }
  return { decision: 'handoff', reason: 'low_confidence', offered: 0, explanation: `没有足够可靠的匹配（最高置信度 ${pct(top.confidence)}），转人工` };
}
