// Runs question sets through the KB and computes the figures the targets are stated in.
import type { Decision } from '../decision/decide.ts';
import type { FusionMode } from '../index/fusion.ts';
import type { KnowledgeBase, SearchHit, SearchResult } from '../search.ts';
import { HUMAN_ROUTE } from '../triage/cues.ts';
import { NONE, type EvalCase } from './sets.ts';

export interface CaseResult {
  case: EvalCase;
  decision: Decision;
  explanation: string;
  /** The candidates weighed, best first. */
  ranked: SearchHit[];
  /** Entry ids offered to the user: the answer, or the choices. */
  offered: string[];
  /** Decided before the thresholds: a triage cue, another department's matter, a follow-up without context. */
  fixed: boolean;
  /** Distinctive words in the question (the one-word rule). */
  queryWords: number;
}

/** Whether a result was decided before any threshold applied. */
export function decidedBeforeThresholds(r: SearchResult): boolean {
  if (r.decision !== 'handoff') return false;
  return (
    r.needsContext === true ||
    r.department !== undefined ||
    (r.reason !== undefined && (HUMAN_ROUTE.has(r.reason) || r.reason === 'empty' || r.reason === 'error'))
  );
}

/** The ids an answer or choice list offers. */
export function offeredIds(r: SearchResult): string[] {
  return r.decision === 'handoff' ? [] : r.decision === 'answer' ? r.hits.slice(0, 1).map((h) => h.entryId) : r.hits.map((h) => h.entryId);
}

export async function runCases(kb: KnowledgeBase, cases: EvalCase[], mode?: FusionMode): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of cases) {
    const expect = c.expect === NONE ? NONE : (kb.entry(c.expect)?.id ?? c.expect); // an old id resolves to its merged entry
    const r = await kb.search(c.q, { mode, signals: true });
    out.push({
      case: { q: c.q, expect },
      decision: r.decision,
      explanation: r.explanation,
      ranked: r.ranked,
      offered: offeredIds(r),
      fixed: decidedBeforeThresholds(r),
      queryWords: r.words ?? 0,
    });
  }
  return out;
}

export interface Mix {
  answer: number;
  clarify: number;
  handoff: number;
}

export interface Summary {
  inScope: number;
  none: number;
  /** Top-ranked entry is the expected one (in-scope cases). */
  top1: number;
  recall3: number;
  /** Answered directly (right or wrong), over in-scope cases. */
  direct: number;
  /** Answered with the expected entry, over in-scope cases. */
  answeredRight: number;
  /** Clarified and the expected entry was among the choices, over in-scope cases. */
  clarifiedRight: number;
  /** Answered with a wrong entry (in-scope) or answered at all (none), over ALL cases. */
  wrongRate: number;
  wrongAnswers: number;
  /** Out-of-scope cases handed off, over out-of-scope cases. */
  oosRejection: number;
  /** Out-of-scope cases not answered (handoff or clarify). */
  oosNotAnswered: number;
  mixInScope: Mix;
  mixNone: Mix;
}

export function summarize(results: CaseResult[]): Summary {
  const inScope = results.filter((r) => r.case.expect !== NONE);
  const none = results.filter((r) => r.case.expect === NONE);
  const share = (n: number, d: number) => (d === 0 ? NaN : n / d);
  const count = (list: CaseResult[], pred: (r: CaseResult) => boolean) => list.filter(pred).length;
  const wrongAnswers = results.filter(isWrongAnswer).length;
  return {
    inScope: inScope.length,
    none: none.length,
    top1: share(
      count(inScope, (r) => r.ranked[0]?.entryId === r.case.expect),
      inScope.length,
    ),
    recall3: share(
      count(inScope, (r) => r.ranked.slice(0, 3).some((h) => h.entryId === r.case.expect)),
      inScope.length,
    ),
    direct: share(
      count(inScope, (r) => r.decision === 'answer'),
      inScope.length,
    ),
    answeredRight: share(
      count(inScope, (r) => r.decision === 'answer' && r.offered[0] === r.case.expect),
      inScope.length,
    ),
    clarifiedRight: share(
      count(inScope, (r) => r.decision === 'clarify' && r.offered.includes(r.case.expect)),
      inScope.length,
    ),
    wrongRate: share(wrongAnswers, results.length),
    wrongAnswers,
    oosRejection: share(
      count(none, (r) => r.decision === 'handoff'),
      none.length,
    ),
    oosNotAnswered: share(
      count(none, (r) => r.decision !== 'answer'),
      none.length,
    ),
    mixInScope: mix(inScope),
    mixNone: mix(none),
  };
}

export function isWrongAnswer(r: CaseResult): boolean {
  return r.decision === 'answer' && (r.case.expect === NONE || r.offered[0] !== r.case.expect);
}

function mix(list: CaseResult[]): Mix {
  const m: Mix = { answer: 0, clarify: 0, handoff: 0 };
  for (const r of list) m[r.decision]++;
  return m;
}

/** Summary per category of the expected entry (out-of-scope cases under their own row). */
export function byCategory(results: CaseResult[], categoryOf: (id: string) => string | undefined): Map<string, Summary> {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = r.case.expect === NONE ? '（范围外 none）' : (categoryOf(r.case.expect) ?? '（未知条目）');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return new Map([...groups].sort(([a], [b]) => a.localeCompare(b, 'zh')).map(([k, v]) => [k, summarize(v)]));
}
