// A few checks on the real KB. They avoid naming entries where they can, since the content keeps changing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../knowledge/content/load.ts';
import { KnowledgeBase } from '../../knowledge/search.ts';

let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await KnowledgeBase.open({ indexDir: mkdtempSync(join(tmpdir(), 'kb-real-')) });
});

describe('the real KB', () => {
  it('validates without errors', () => {
    const { issues, entries } = loadContent({ strict: false });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(entries.length).toBeGreaterThan(50);
  });

  it('finds each entry by its own standard question, and mostly answers it', async () => {
    const entries = kb.entries();
    let top1 = 0;
    let answered = 0;
    for (const e of entries) {
      const r = await kb.search(e.question);
      if (r.ranked[0]?.entryId === e.id) top1++;
      if (r.decision === 'answer' && r.hits[0]?.entryId === e.id) answered++;
    }
    expect(top1 / entries.length).toBeGreaterThan(0.97);
    expect(answered / entries.length).toBeGreaterThan(0.6);
  });

  it('answers a clear question with the entry about it', async () => {
    const r = await kb.search('异地就医备案怎么办理？');
    expect(r.decision).toBe('answer');
    expect(kb.entry(r.hits[0]!.entryId)?.question).toMatch(/异地就医备案/);
  });

  it.each(['今天天气怎么样', '驾驶证到期了怎么换证', '小区门口有人乱摆摊城管管不管', '讲个笑话吧'])('hands over %s', async (q) => {
    expect((await kb.search(q)).decision).toBe('handoff');
  });

  it.each([
    ['社宝卡丢了怎么补办', /社保卡/],
    ['公基金怎么取出来', /公积金/],
    ['医宝卡丢了', /医保|社保卡/],
  ])('tolerates the typo in %s', async (q, topic) => {
    const r = await kb.search(q);
    expect(r.decision).not.toBe('handoff');
    expect(r.explanation).toMatch(/已纠正/);
    expect(kb.entry(r.ranked[0]!.entryId)?.question).toMatch(topic);
  });
});
