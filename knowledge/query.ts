// One question, start to finish, on one pinned version:
//   triage cues (a person, distress, a complaint, a personal case) → elliptical follow-up (read against the last
//   answer, or ask) → retrieval → evidence (key words, what is asked) → calibrated confidence → other departments'
//   matters (never answered from the KB) → answer / choices / handoff.
import type { Entry } from './content/schema.ts';
import { rank, choose, type Decision, type ScoredCandidate } from './decision/decide.ts';
import { coverageBeside, distinctiveWords, evidenceFor } from './decision/evidence.ts';
import { mainAsk, substantiveWords } from './decision/ask.ts';
import { CANDIDATES, type DecisionThresholds, type Signals } from './decision/thresholds.ts';
import type { FusionSettings } from './index/fusion.ts';
import { rewriteFollowup, preferContext } from './context.ts';
import { findCue, type HandoffReason } from './triage/cues.ts';
import { ellipsisOf } from './triage/followup.ts';
import { smallTalkOf } from './triage/small-talk.ts';
import type { TicketCategory } from './triage/vocabulary.ts';
import { wordTerms } from './text/analyzer.ts';
import { compactKey } from './text/normalize.ts';
import type { Version } from './version.ts';

export interface SearchHit {
  entryId: string;
  question: string;
  /** The phrasing (question or alternate) that matched best. */
  matched: string;
  score: number;
  confidence: number;
  /** With `{ signals: true }`: the evidence behind `confidence` (eval, calibration, debugging). */
  signals?: Signals;
}

export interface SearchResult {
  /**
   * answer: the answer first, then close neighbours to offer as "您可能还想问"; clarify: exactly the choices to offer
   * (1–3); handoff: the nearest entries, for the agent who takes over.
   */
  hits: SearchHit[];
  decision: Decision;
  /** Why a handoff (set exactly when decision is handoff): what the bot acts on. */
  reason?: HandoffReason;
  /** out_of_scope: the department that usually handles such matters, and its ticket category. */
  department?: string;
  ticketCategory?: TicketCategory;
  /** An elliptical follow-up with no conversation to read it against: ask what it is about. */
  needsContext?: boolean;
  /** A follow-up read against the last answer: what was searched instead of the message alone. */
  resolvedAs?: string;
  /** Short reason an agent can read. */
  explanation: string;
  /** The candidates weighed (best first) whatever the decision: for the eval and the CLI. */
  ranked: SearchHit[];
  /** The index version that answered. */
  version: string;
  /** Distinctive words in the question (known to the KB, not ask words): one word says what about, not what. */
  words?: number;
}

export interface QueryOptions {
  thresholds: DecisionThresholds;
  fusion: FusionSettings;
  lastEntryId?: string;
  signals?: boolean;
  /** Called between retrieval and decision (instrumentation; tests hold a search here across a reload). */
  onRetrieved?: () => Promise<void> | void;
}

/** Share of the rest of the question the best entry must cover for another department's word to be incidental. */
const FOREIGN_WORD_CONTEXT = 0.6;

export async function runQuery(version: Version, text: string, options: QueryOptions): Promise<SearchResult> {
  const { snapshot } = version;
  const input = typeof text === 'string' ? text : '';
  const compact = compactKey(input);
  const base = { version: snapshot.info.hash };
  const handoff = (reason: HandoffReason, explanation: string, extra: Partial<SearchResult> = {}): SearchResult => ({ ...base, hits: [], ranked: [], decision: 'handoff', reason, explanation, ...extra });

  if (compact === '') return handoff('empty', '消息为空或没有可识别的文字，转人工');
  const cue = findCue(compact, version.vocabulary);
  if (cue) return handoff(cue.reason, cue.explanation);
  if (smallTalkOf(compact, version.vocabulary)) return handoff('empty', '寒暄，没有要检索的问题');

  let analysis = snapshot.analyzer.query(input);
  const last = options.lastEntryId === undefined ? undefined : snapshot.positionOf.get(options.lastEntryId);
  const ellipsis = ellipsisOf(analysis.canonical.replace(/\s+/g, ''), wordTerms(analysis.terms), version.followup, (t) => snapshot.analyzer.words(t));
  let resolvedAs: string | undefined;
  if (ellipsis) {
    if (last === undefined) return handoff('low_confidence', '追问缺少上下文（不知道问的是哪件事），请用户说明', { needsContext: true });
    resolvedAs = rewriteFollowup(ellipsis, input, snapshot.entries[last] as Entry, version.profiles.of(last));
    analysis = snapshot.analyzer.query(resolvedAs);
  }

  const retrieval = await snapshot.retrieveAnalyzed(analysis, resolvedAs ?? input, {
    fusion: options.fusion,
    lexicalCandidates: CANDIDATES.lexical,
    entryCandidates: CANDIDATES.entries,
    denseCandidates: CANDIDATES.dense,
  });
  await options.onRetrieved?.();

  let candidates = retrieval.candidates;
  if (last !== undefined && ellipsis) candidates = preferContext(candidates, last, snapshot);
  const words = distinctiveWords(wordTerms(analysis.terms), snapshot.entryLexical);
  const ask = mainAsk(analysis.canonical);
  const weighed = candidates.slice(0, CANDIDATES.weighed).map((c) => ({ ...c, evidence: evidenceFor(words, ask, snapshot.entryLexical, c.entry, version.profiles.of(c.entry)) }));
  const ranked = rank(weighed, retrieval.knownShare, options.thresholds.confidence);
  const toHit = (c: ScoredCandidate): SearchHit => {
    const entry = snapshot.entries[c.entry] as Entry;
    const hit: SearchHit = { entryId: entry.id, question: entry.question, matched: snapshot.phrasings[c.doc] ?? entry.question, score: round(c.score), confidence: round(c.confidence) };
    if (options.signals) hit.signals = Object.fromEntries(Object.entries(c.signals).map(([k, v]) => [k, round(v)])) as Signals;
    return hit;
  };
  const rankedHits = ranked.map(toHit);
  const fixes = retrieval.analysis.corrections.length > 0 ? `（已纠正：${retrieval.analysis.corrections.map((c) => `${c.from}→${c.to}`).join('、')}）` : '';
  const context = resolvedAs ? `（追问，按上文理解为“${resolvedAs}”）` : '';

  // Another department's matter is never answered from the KB, unless the best entry speaks of it AND of the rest
  // of the question (户口 in 给孩子办社保卡要户口本吗 is incidental; 发票 in 发票怎么开 is the question).
  const top = ranked[0];
  const foreign = version.departments.find(analysis.canonical.replace(/\s+/g, '')).find(
    (m) => !top || !version.profiles.of(top.entry).text.includes(m.word) || coverageBeside(words, m.word, snapshot.entryLexical, top.entry, (w) => version.domain.has(w)) < FOREIGN_WORD_CONTEXT,
  );
  const queryWords = substantiveWords(wordTerms(analysis.terms));
  if (foreign) {
    return { ...base, hits: [], ranked: rankedHits, decision: 'handoff', reason: 'out_of_scope', department: foreign.department, ticketCategory: foreign.key, explanation: `“${foreign.word}”属于${foreign.department}的事项，不在本专线知识库范围内${context}`, resolvedAs, words: queryWords };
  }

  const choice = choose(ranked, options.thresholds, queryWords);
  const shown = choice.decision === 'answer' ? 1 + choice.neighbours : choice.decision === 'clarify' ? choice.offered : 0;
  const hits = choice.decision === 'handoff' ? rankedHits : rankedHits.slice(0, shown);
  return { ...base, hits, ranked: rankedHits, decision: choice.decision, reason: choice.reason, explanation: choice.explanation + fixes + context, resolvedAs, words: queryWords };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
