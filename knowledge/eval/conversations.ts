// Follow-up conversations and triage cases: run as the bot runs them, scored as the targets are stated.
import type { KnowledgeBase, SearchResult } from '../search.ts';
import { HUMAN_ROUTE } from '../triage/cues.ts';
import { NEEDS_CONTEXT, NONE, TRIAGE_KINDS, type FollowupCase, type TriageCase, type TriageKind } from './sets.ts';

export interface FollowupResult {
  case: FollowupCase;
  /** The last turn's result. */
  last: SearchResult;
  right: boolean;
  /** The last turn expects needs_context but was answered: a confident guess without context. */
  guessed: boolean;
}

/**
 * Each turn is searched with the entry the bot last answered (an answer sets it, and so do choices, with the
 * first offered; handoffs leave it as it was), exactly as the bot's knowledge step passes it on.
 */
export async function runFollowups(kb: KnowledgeBase, cases: FollowupCase[]): Promise<FollowupResult[]> {
  const out: FollowupResult[] = [];
  for (const c of cases) {
    let lastEntryId: string | undefined;
    let last: SearchResult | undefined;
    for (const turn of c.turns) {
      last = await kb.search(turn, { lastEntryId });
      if ((last.decision === 'answer' || last.decision === 'clarify') && last.hits[0]) lastEntryId = last.hits[0].entryId;
    }
    const r = last as SearchResult;
    const expect = c.expect === NONE || c.expect === NEEDS_CONTEXT ? c.expect : (kb.entry(c.expect)?.id ?? c.expect);
    const right =
      expect === NEEDS_CONTEXT ? r.needsContext === true : expect === NONE ? r.decision !== 'answer' : r.decision === 'answer' && r.hits[0]?.entryId === expect;
    out.push({ case: { ...c, expect }, last: r, right, guessed: expect === NEEDS_CONTEXT && r.decision === 'answer' });
  }
  return out;
}

export interface FollowupSummary {
  cases: number;
  right: number;
  /** In-context cases (expect an entry) answered with it, or offered it among choices. */
  inContext: number;
  inContextRight: number;
  inContextChoice: number;
  withoutContext: number;
  askedForContext: number;
  guessed: number;
}

export function summarizeFollowups(results: FollowupResult[]): FollowupSummary {
  const inContext = results.filter((r) => r.case.expect !== NEEDS_CONTEXT && r.case.expect !== NONE);
  const without = results.filter((r) => r.case.expect === NEEDS_CONTEXT);
  return {
    cases: results.length,
    right: results.filter((r) => r.right).length,
    inContext: inContext.length,
    inContextRight: inContext.filter((r) => r.right).length,
    inContextChoice: inContext.filter((r) => r.last.decision === 'clarify' && r.last.hits.some((h) => h.entryId === r.case.expect)).length,
    withoutContext: without.length,
    askedForContext: without.filter((r) => r.right).length,
    guessed: results.filter((r) => r.guessed).length,
  };
}

export interface TriageResult {
  case: TriageCase;
  /** What the bot would do: 'small_talk' | 'human' (the human route) | 'out_of_scope' (named department) | the search decision. */
  outcome: string;
  department?: string;
  ticketCategory?: string;
  right: boolean;
  /** out_of_scope with a department expected: the department named is the expected one. */
  departmentRight?: boolean;
}

/** classify() first, as the bot's intent step does; search() only for what classify calls a question. */
export async function runTriage(kb: KnowledgeBase, cases: TriageCase[]): Promise<TriageResult[]> {
  const out: TriageResult[] = [];
  for (const c of cases) {
    const t = kb.classify(c.text);
    let outcome: string = t.kind;
    let r: SearchResult | undefined;
    if (t.kind === 'question') {
      r = await kb.search(c.text);
      if (r.decision === 'handoff' && r.reason && HUMAN_ROUTE.has(r.reason)) outcome = 'human';
      else if (r.decision === 'handoff' && r.reason === 'out_of_scope' && r.department) outcome = 'out_of_scope';
      else outcome = r.decision;
    }
    const right = isRight(c.kind, outcome);
    const departmentRight = c.kind === 'out_of_scope' && c.department ? r?.ticketCategory === c.department : undefined;
    out.push({ case: c, outcome, department: r?.department, ticketCategory: r?.ticketCategory, right, departmentRight });
  }
  return out;
}

function isRight(kind: TriageKind, outcome: string): boolean {
  switch (kind) {
    case 'human':
    case 'complaint':
    case 'urgent':
      return outcome === 'human';
    case 'out_of_scope':
      return outcome === 'out_of_scope';
    case 'small_talk':
      return outcome === 'small_talk';
  }
}

export interface TriageSummary {
  kind: TriageKind;
  cases: number;
  right: number;
  /** out_of_scope: answered from the KB (must be 0). */
  answered: number;
  departmentExpected: number;
  departmentRight: number;
}

export function summarizeTriage(results: TriageResult[]): TriageSummary[] {
  return TRIAGE_KINDS.map((kind) => {
    const mine = results.filter((r) => r.case.kind === kind);
    return {
      kind,
      cases: mine.length,
      right: mine.filter((r) => r.right).length,
      answered: mine.filter((r) => r.outcome === 'answer').length,
      departmentExpected: mine.filter((r) => r.departmentRight !== undefined).length,
      departmentRight: mine.filter((r) => r.departmentRight === true).length,
    };
  }).filter((s) => s.cases > 0);
}
