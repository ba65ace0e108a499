// Plain-text tables for `kb:eval`.
import type { FollowupResult, FollowupSummary, TriageResult, TriageSummary } from './conversations.ts';
import { isWrongAnswer, type CaseResult, type Mix, type Summary } from './metrics.ts';
import { NONE } from './sets.ts';

export const pct = (x: number): string => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`);
const mixText = (m: Mix): string => `${m.answer}/${m.clarify}/${m.handoff}`;

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** @param rows [name, summary, ranking only (no decision figures)] */
export function modeTable(rows: [string, Summary, boolean][]): string {
  return table(
    [
      'channels',
      'in/none',
      'top-1',
      'recall@3',
      'direct',
      'answered✓',
      'choice✓',
      'right direct|choice',
      'wrong-answer',
      'none not answered',
      'in a/c/h',
      'none a/c/h',
    ],
    rows.map(([name, s, rankingOnly]) => [
      name,
      `${s.inScope}/${s.none}`,
      pct(s.top1),
      pct(s.recall3),
      ...(rankingOnly
        ? ['-', '-', '-', '-', '-', '-', '-', '-']
        : [
            pct(s.direct),
            pct(s.answeredRight),
            pct(s.clarifiedRight),
            pct(s.answeredRight + s.clarifiedRight),
            `${pct(s.wrongRate)} (${s.wrongAnswers})`,
            pct(s.oosNotAnswered),
            mixText(s.mixInScope),
            mixText(s.mixNone),
          ]),
    ]),
  );
}

/** Wrong answers grouped as expected → answered, most frequent first. */
export function confusion(results: CaseResult[]): string {
  const pairs = new Map<string, number>();
  for (const r of results.filter(isWrongAnswer)) {
    const key = `${r.case.expect} → ${r.offered[0] ?? '-'}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  if (pairs.size === 0) return 'Wrong-answer confusion: none';
  return ['Wrong-answer confusion (expected → answered):', ...[...pairs].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n}× ${k}`)].join('\n');
}

export function followupTable(s: FollowupSummary): string {
  return table(
    ['cases', 'right', 'in context: answered✓', 'choice✓', 'no context: asked', 'confident guesses without context'],
    [
      [
        s.cases,
        pct(s.right / s.cases),
        `${pct(s.inContextRight / s.inContext)} (${s.inContextRight}/${s.inContext})`,
        pct(s.inContextChoice / s.inContext),
        `${pct(s.askedForContext / s.withoutContext)} (${s.askedForContext}/${s.withoutContext})`,
        s.guessed,
      ],
    ],
  );
}

export function followupProblems(results: FollowupResult[], limit: number): string {
  const bad = results.filter((r) => !r.right).slice(0, limit);
  if (bad.length === 0) return '';
  return [
    'Follow-ups not right:',
    ...bad.map(
      (r) =>
        `  ${r.case.turns.map((t) => `「${t}」`).join(' → ')} expect ${r.case.expect} → ${r.last.decision} ${r.last.hits[0]?.entryId ?? '-'}${r.last.needsContext ? ' (asked for context)' : ''}${r.last.resolvedAs ? ` as「${r.last.resolvedAs}」` : ''}`,
    ),
  ].join('\n');
}

export function triageTable(rows: TriageSummary[]): string {
  return table(
    ['kind', 'n', 'routed right', 'answered from KB', 'department right'],
    rows.map((s) => [
      s.kind,
      s.cases,
      pct(s.right / s.cases),
      s.kind === 'out_of_scope' ? s.answered : '-',
      s.departmentExpected > 0 ? `${pct(s.departmentRight / s.departmentExpected)} (${s.departmentRight}/${s.departmentExpected})` : '-',
    ]),
  );
}

export function triageProblems(results: TriageResult[], limit: number): string {
  const bad = results.filter((r) => !r.right || r.departmentRight === false).slice(0, limit);
  if (bad.length === 0) return '';
  return [
    'Triage cases not right:',
    ...bad.map(
      (r) =>
        `  「${r.case.text}」 ${r.case.kind}${r.case.department ? `/${r.case.department}` : ''} → ${r.outcome}${r.ticketCategory ? `/${r.ticketCategory}` : ''}`,
    ),
  ].join('\n');
}

export function categoryTable(groups: Map<string, Summary>): string {
  return table(
    ['category', 'n', 'top-1', 'recall@3', 'answered✓', 'clarify✓', 'wrong', 'a/c/h'],
    [...groups].map(([cat, s]) => {
      const isNone = s.inScope === 0;
      const mix = isNone ? s.mixNone : s.mixInScope;
      return [
        cat,
        isNone ? s.none : s.inScope,
        isNone ? '-' : pct(s.top1),
        isNone ? '-' : pct(s.recall3),
        isNone ? '-' : pct(s.answeredRight),
        isNone ? '-' : pct(s.clarifiedRight),
        s.wrongAnswers,
        mixText(mix),
      ];
    }),
  );
}

/** The cases worth reading: wrong answers first, then in-scope misses. */
export function problems(results: CaseResult[], limit: number): string {
  const wrong = results.filter(isWrongAnswer);
  const missed = results.filter((r) => r.case.expect !== NONE && r.ranked[0]?.entryId !== r.case.expect && !wrong.includes(r));
  const noneClarified = results.filter((r) => r.case.expect === NONE && r.decision === 'clarify');
  const lines: string[] = [];
  const show = (label: string, list: CaseResult[]) => {
    if (list.length === 0) return;
    lines.push(`${label} (${list.length}):`);
    for (const r of list.slice(0, limit)) {
      const top = r.ranked[0];
      lines.push(
        `  「${r.case.q}」 expect ${r.case.expect} → ${r.decision} ${top ? `${top.entryId} ${top.score} (${top.confidence}) via「${top.matched}」` : '-'}`,
      );
    }
  };
  show('WRONG ANSWERS', wrong);
  show('in-scope, top-1 wrong', missed);
  show('out-of-scope offered choices', noneClarified);
  return lines.join('\n');
}
