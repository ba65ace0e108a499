// Search on a ten-entry fixture KB. Every test here needs retrieval to work: each asserts what retrieval found
// (an entry, a ranking, the nearest entries handed to an agent, a department named after looking at the best
// entry), never only "handoff", so a search that fails inside retrieval (reason: error) fails every test.
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
    expect(r.reason).toBeUndefined();
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

  it('says which typo it corrected, and still finds the entry', async () => {
    const r = await kb.search('社宝断交了有啥影响');
    expect(r.explanation).toContain('社宝→社保');
    expect(r.ranked[0]?.entryId).toBe('shebao-duanjiao');
  });

  it.each([['火星上的房价多少'], ['讲个笑话吧']])('hands over chit-chat the KB has no words for as out of scope, having looked: %s', async (q) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
    expect(r.reason).toBe('out_of_scope');
    expect(r.department).toBeUndefined();
    for (const near of r.ranked) expect(near.confidence).toBeLessThan(0.3); // whatever is near was found wanting
  });

  it.each([
    ['驾驶证到期了怎么换证', '公安机关', '公安'],
    ['楼下烧烤店油烟太大了谁管', '生态环境部门', '生态环境'],
    ['饭店不给开发票怎么办', '税务部门', '税务'],
  ])('names the department for another department’s matter, never answering it: %s', async (q, department, key) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
    expect(r.reason).toBe('out_of_scope');
    expect(r.department).toBe(department);
    expect(r.ticketCategory).toBe(key);
    expect(r.ranked.length).toBeGreaterThan(0); // decided after looking at the best entry: it does not speak of it
  });

  it.each([
    ['转人工找人问下社保断缴的事', 'human_request', 'shebao-duanjiao'],
    ['我要投诉我们公司不给交社保', 'complaint', 'shebao-linghuo'],
    ['帮我查下我家的社保断了没', 'personal_case', 'shebao-duanjiao'],
    ['我身份证号430102199001011234 社保断缴了', 'personal_data', 'shebao-duanjiao'],
  ])('hands over what needs a person, with the nearest entries for the agent: %s', async (q, reason, nearest) => {
    const r = await kb.search(q);
    expect(r.decision).toBe('handoff');
    expect(r.reason).toBe(reason);
    expect(r.hits.map((h) => h.entryId)).toContain(nearest);
  });

  it('a one-word question gets choices, not a guess; hits are the choices, ranked the full ranking', async () => {
    const r = await kb.search('社保');
    expect(r.decision).toBe('clarify');
    expect(r.hits.length).toBeGreaterThan(0);
    expect(r.hits.length).toBeLessThanOrEqual(3);
    expect(r.ranked.length).toBeGreaterThanOrEqual(r.hits.length);
    expect(r.hits[0]?.entryId).toMatch(/^shebao-/);
  });

  // Each bad input is tried alone (nothing to search: reason empty, never a throw) and around a real question
  // (the noise must not stop it).
  it.each([
    ['spaces', '   \n\t '],
    ['only emoji', '😀😀👍🎉'],
    ['only punctuation', '？？？！！。。。'],
    ['control characters', '\u0000\u0001\u0002\u001f'],
    ['a lone surrogate', '\ud800'],
  ])('never throws on bad input, and it does not stop a real question (%s)', async (_, noise) => {
    const alone = await kb.search(noise);
    expect(alone.decision).toBe('handoff');
    expect(alone.reason).toBe('empty');
    const around = await kb.search(`${noise}社保断缴了有什么影响${noise}`);
    expect(around.ranked[0]?.entryId).toBe('shebao-duanjiao');
  });

  it('markup is text, not a question: never answered alone, no obstacle around a question', async () => {
    const alone = await kb.search('<script>alert(1)</script>');
    expect(alone.decision).toBe('handoff');
    expect(alone.reason).toBe('out_of_scope');
    const around = await kb.search('<script>alert(1)</script>社保断缴了有什么影响');
    expect(around.ranked[0]?.entryId).toBe('shebao-duanjiao');
  });

  it('reads the start of a 10,000-character paste and mixed scripts without throwing', async () => {
    const paste = await kb.search('社保断缴怎么办'.repeat(1500));
    expect(paste.ranked[0]?.entryId).toBe('shebao-duanjiao');
    const mixed = await kb.search('Hello社保مرحبا Привет 社保卡 lost ของฉัน');
    expect(mixed.decision).not.toBe('answer'); // a word and noise: not a question to answer
    expect(mixed.ranked[0]?.entryId).toBe('shebaoka-guashi');
  });

  it('treats a non-string as empty and keeps serving', async () => {
    const r = await kb.search(undefined as unknown as string);
    expect(r.reason).toBe('empty');
    expect((await kb.search('社保卡丢了怎么挂失补办')).hits[0]?.entryId).toBe('shebaoka-guashi');
  });

  it('answers with close neighbours for "您可能还想问" only when they are close', async () => {
    const r = await kb.search('社保卡丢了怎么挂失补办');
    expect(r.decision).toBe('answer');
    expect(r.hits[0]?.entryId).toBe('shebaoka-guashi');
    for (const neighbour of r.hits.slice(1)) expect(neighbour.confidence).toBeGreaterThanOrEqual(0.3);
    expect(r.ranked.length).toBeGreaterThan(r.hits.length);
  });

  it('keeps lexical-only and dense-only modes available', async () => {
    for (const mode of ['lexical', 'dense'] as const) {
      const r = await kb.search('公积金怎么提取', { mode });
      expect(r.ranked[0]?.entryId).toBe('gongjijin-tiqu');
    }
  });

  it('a failure inside retrieval becomes a handoff with reason error, and is logged', async () => {
    const logged: string[] = [];
    const failing = await KnowledgeBase.open({
      ...fixtureOptions(writeFixture()),
      log: (m) => logged.push(m),
      onRetrieved: () => {
        throw new Error('index unreadable');
      },
    });
    const r = await failing.search('社保卡丢了怎么挂失补办');
    expect(r).toMatchObject({ decision: 'handoff', reason: 'error', hits: [] });
    expect(logged.some((m) => m.includes('[knowledge] search failed: index unreadable'))).toBe(true);
    // The same question on a working index is answered: the error came from the failure, not from the question.
    expect((await kb.search('社保卡丢了怎么挂失补办')).hits[0]?.entryId).toBe('shebaoka-guashi');
  });
});

// Not searches: lookups by id and category.
describe('entry lookups on a fixture KB', () => {
  it('looks entries up by id and category', () => {
    expect(kb.entry('gongjijin-tiqu')?.question).toBe('住房公积金怎么提取？');
    expect(kb.entry('nope')).toBeUndefined();
    expect(kb.entries()).toHaveLength(10);
    expect(kb.byCategory('社保登记与缴费').map((e) => e.id)).toEqual(['shebao-linghuo', 'shebao-duanjiao', 'shebao-jishu']);
  });
});
