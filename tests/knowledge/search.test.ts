import { beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { fixtureOptions, writeFixture } from './fixture-kb.ts';

let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await KnowledgeBase.open(fixtureOptions(writeFixture()));
});

describe('search on a fixture KB', () => {
  it.each([
    ['异地就医备案怎么办理', 'yibao-yidi'],
    ['社保卡丢了怎么挂失补办', 'shebaoka-guashi'],
    ['养老保险要交满多少年才能领养老金', 'yanglao-nianxian'],
  ])('answers a clear question: %s', async (q, id) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('answer');
    expect(r.hits[0]?.entryId).toBe(id);
    expect(r.hits[0]?.matched).toBeTruthy();
    expect(r.explanation.length).toBeGreaterThan(0);
  });

  it.each([
    ['生孩子的补贴怎么领', 'shengyu-jintie'], // synonym 生孩子 → 生育 on both sides
    ['自由职业怎么交社保', 'shebao-linghuo'],
    ['公积金里的钱怎么取出来', 'gongjijin-tiqu'],
    ['社宝断交了有啥影响', 'shebao-duanjiao'], // typo 社宝 + 断交
    ['異地就醫要先備案嗎', 'yibao-yidi'], // 繁體
    ['ＡＰＰ上怎么申请失业保险金？？', 'shiye-jin'], // full-width
  ])('ranks the right entry first for a colloquial or misspelt question: %s', async (q, id) => {
    // Ranking only: the decision thresholds are calibrated on the real KB, not on this ten-entry fixture.
    const r = await kb.search(q);
    expect(r.ranked[0]?.entryId).toBe(id);
  });

  it('says which typo it corrected', async () => {
    const r = await kb.search('社宝断交了有啥影响');
    expect(r.explanation).toContain('社宝→社保');
  });

  it.each(['今天天气怎么样', '晚上吃什么好', '驾驶证到期了怎么换证', '楼下烧烤店油烟太大了谁管'])('hands over out-of-scope: %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
    expect(r.explanation.length).toBeGreaterThan(0);
  });

  it.each(['转人工', '我要投诉', '帮我查下我家的社保', '我身份证号430102199001011234'])('hands over what needs a person: %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
  });

  it('a one-word question gets choices, not a guess; hits are the choices, ranked the full ranking', async () => {
    const r = await kb.search('社保');
    expect(r.decision).toBe('clarify');
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.length).toBeLessThanOrEqual(3);
    expect(r.ranked.length).toBeGreaterThanOrEqual(r.hits.length);
  });

  it.each([
    ['empty', ''],
    ['spaces', '   \n\t '],
    ['only emoji', '😀😀👍🎉'],
    ['only punctuation', '？？？！！。。。'],
    ['control characters', '\u0000\u0001\u0002\u001f'],
    ['10,000 characters', '社保断缴怎么办'.repeat(1500)],
    ['mixed scripts', 'Hello社保مرحبا Привет 社保卡 lost ของฉัน'],
    ['html', '<script>alert(1)</script>社保'],
  ])('never throws on bad input (%s)', async (what, q) => {
    const r = await kb.search(q);
    expect(['handoff', 'clarify', 'answer']).toContain(r.decision);
    if (what !== '10,000 characters') expect(r.decision).not.toBe('answer');
  });

  it('a stray lone surrogate does not stop a real question', async () => {
    const r = await kb.search('社保\ud800断缴了有什么影响');
    expect(r.ranked[0]?.entryId).toBe('shebao-duanjiao');
  });

  it('handles a non-string at runtime', async () => {
    const r = await kb.search(undefined as unknown as string);
    expect(r.decision).toBe('handoff');
  });

  it('looks entries up by id and category', () => {
    expect(kb.entry('gongjijin-tiqu')?.question).toBe('住房公积金怎么提取？');
    expect(kb.entry('nope')).toBeUndefined();
    expect(kb.entries()).toHaveLength(10);
    expect(kb.byCategory('社保登记与缴费').map((e) => e.id)).toEqual(['shebao-linghuo', 'shebao-duanjiao', 'shebao-jishu']);
  });

  it('keeps lexical-only and dense-only modes available', async () => {
    for (const mode of ['lexical', 'dense'] as const) {
      const r = await kb.search('公积金怎么提取', { mode });
      expect(r.ranked[0]?.entryId).toBe('gongjijin-tiqu');
    }
  });
});
