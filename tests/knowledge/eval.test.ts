// The eval's held-out-2 loaders and figures, on the example files in fixtures/heldout-2 and the fixture KB.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFollowups, runTriage, summarizeFollowups, summarizeTriage } from '../../knowledge/eval/conversations.ts';
import { runCases, summarize } from '../../knowledge/eval/metrics.ts';
import { confusion } from '../../knowledge/eval/report.ts';
import { loadHeldOutDir, loadTriage, unknownExpectations, type HeldOutSets } from '../../knowledge/eval/sets.ts';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { fixtureOptions, writeFixture } from './fixture-kb.ts';

const EXAMPLES = resolve(import.meta.dirname, 'fixtures/heldout-2');

let kb: KnowledgeBase;
let sets: HeldOutSets;

beforeAll(async () => {
  kb = await KnowledgeBase.open(fixtureOptions(writeFixture()));
  sets = loadHeldOutDir(EXAMPLES) as HeldOutSets;
});

describe('held-out-2 loaders', () => {
  it('read all three files of a held-out directory', () => {
    expect(sets.questions).toHaveLength(5);
    expect(sets.followups?.[0]).toEqual({ turns: ['异地就医备案怎么办理', '需要带什么材料'], expect: 'yibao-yidi' });
    expect(sets.triage?.map((c) => c.kind)).toEqual(['human', 'complaint', 'urgent', 'out_of_scope', 'out_of_scope', 'small_talk']);
  });

  it('a directory without any of the files, or no directory, is no set', () => {
    expect(loadHeldOutDir(mkdtempSync(join(tmpdir(), 'kb-heldout-')))).toBeUndefined();
    expect(loadHeldOutDir(join(tmpdir(), 'no-such-heldout-dir'))).toBeUndefined();
  });

  it.each([
    ['an unknown kind', '- { text: 你好, kind: chit_chat }'],
    ['a department on a kind that has none', '- { text: 我要投诉, kind: complaint, department: 税务 }'],
    ['an unknown ticket category', '- { text: 发票, kind: out_of_scope, department: 财政 }'],
  ])('rejects %s, naming the file', (_, text) => {
    const file = join(mkdtempSync(join(tmpdir(), 'kb-heldout-')), 'triage.yaml');
    writeFileSync(file, text);
    expect(() => loadTriage(file)).toThrow(/\[knowledge\/eval\].*triage\.yaml/);
  });

  it('lists expectations that name no entry (a renamed id would silently count as a miss)', () => {
    const known = (id: string) => kb.entry(id) !== undefined;
    expect(unknownExpectations(['yibao-yidi', 'none', 'needs_context', 'yibao-yidi-old'], known)).toEqual(['yibao-yidi-old']);
  });
});

describe('held-out-2 figures', () => {
  it('questions: direct answers, wrong answers (a none answered or another entry) and their confusion', async () => {
    const results = await runCases(kb, sets.questions ?? []);
    const s = summarize(results);
    expect(s.inScope).toBe(3);
    expect(s.answeredRight).toBeCloseTo(2 / 3);
    expect(s.wrongAnswers).toBe(1); // 公积金怎么提取 is labelled shiye-jin on purpose
    expect(s.oosNotAnswered).toBe(1);
    expect(confusion(results)).toContain('1× shiye-jin → gongjijin-tiqu');
  });

  it('follow-ups: read in context, asked for context, never a confident guess', async () => {
    const s = summarizeFollowups(await runFollowups(kb, sets.followups ?? []));
    expect(s).toMatchObject({ cases: 3, right: 3, inContext: 1, inContextRight: 1, withoutContext: 1, askedForContext: 1, guessed: 0 });
  });

  it('triage: each kind routed, departments named and checked', async () => {
    const byKind = new Map(summarizeTriage(await runTriage(kb, sets.triage ?? [])).map((s) => [s.kind, s]));
    for (const kind of ['human', 'complaint', 'urgent', 'small_talk'] as const) expect(byKind.get(kind)).toMatchObject({ cases: 1, right: 1 });
    // Both out-of-scope messages are handed over with a department; one label names the wrong department on purpose.
    expect(byKind.get('out_of_scope')).toMatchObject({ cases: 2, right: 2, answered: 0, departmentExpected: 2, departmentRight: 1 });
  });
});
