// The forms a new user types: full-width characters anywhere, 繁體 sentences, Chinese numerals, spoken yes/no
// endings (算工伤不, 交了没), homophone typos. Each form must reach the same entry as the plain question: the forms
// are generated from the plain questions, not listed one by one.
import * as OpenCC from 'opencc-js/cn2t';
import { beforeAll, describe, expect, it } from 'vitest';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { chineseNumber, colloquial } from '../../knowledge/text/colloquial.ts';
import { fixtureOptions, writeFixture } from './fixture-kb.ts';

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'hk' });
/** ASCII letters, digits and punctuation as their full-width forms, the ideographic space for a space. */
const toFullWidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

let kb: KnowledgeBase;

beforeAll(async () => {
  kb = await KnowledgeBase.open(fixtureOptions(writeFixture()));
});

const QUESTIONS: Array<[string, string]> = [
  ['养老保险交满15年就能领养老金吗', 'yanglao-nianxian'],
  ['APP上怎么申请失业保险金', 'shiye-jin'],
  ['社保断了3个月有影响吗', 'shebao-duanjiao'],
  ['异地就医要先备案吗', 'yibao-yidi'],
  ['生孩子的津贴去哪里领', 'shengyu-jintie'],
  ['公积金租房能提取吗', 'gongjijin-tiqu'],
];

describe('input forms reach the same entry as the plain question', () => {
  it.each(QUESTIONS)('full-width: %s', async (q, id) => {
    expect((await kb.search(q)).ranked[0]?.entryId).toBe(id);
    expect((await kb.search(toFullWidth(q))).ranked[0]?.entryId).toBe(id);
  });

  it.each(QUESTIONS)('繁體: %s', async (q, id) => {
    const traditional = toTraditional(q);
    expect(traditional).not.toBe(q);
    expect((await kb.search(traditional)).ranked[0]?.entryId).toBe(id);
  });

  it.each(QUESTIONS.filter(([q]) => q.endsWith('吗')))('a spoken 不/没 ending instead of 吗: %s', async (q, id) => {
    for (const ending of ['不', '没', '没有']) {
      const r = await kb.search(q.replace(/吗$/, ending));
      expect(r.ranked[0]?.entryId, ending).toBe(id);
    }
  });

  it('Chinese numerals read as the digits the phrasings use', async () => {
    const digits = await kb.search('养老保险交满15年就能领养老金吗');
    const numerals = await kb.search('养老保险交满十五年就能领养老金吗');
    expect(numerals.ranked[0]?.entryId).toBe('yanglao-nianxian');
    expect(numerals.ranked[0]?.score).toBeCloseTo(digits.ranked[0]?.score ?? 0, 2);
  });

  it.each([
    ['社宝断缴了有影响吗', 'shebao-duanjiao', '社宝', '社保'],
    ['生育津帖怎么申领', 'shengyu-jintie', '津帖', '津贴'],
    ['公基金怎么取出来', 'gongjijin-tiqu', '公基金', '公积金'],
  ])('homophone typo: %s', async (q, id, typo, word) => {
    const r = await kb.search(q);
    expect(r.ranked[0]?.entryId).toBe(id);
    expect(r.explanation).toMatch(new RegExp(`${typo}→[^、）]*${word}`));
  });

  it('工商 is read as 工伤 only when someone got hurt', async () => {
    expect((await kb.search('干活摔伤了工商认定怎么申请')).ranked[0]?.entryId).toBe('gongshang-rending');
    expect((await kb.search('工商注册在哪办')).reason).toBe('out_of_scope');
  });

  it('a typo never breaks a real word apart (自己能 is not 自 + 技能)', async () => {
    const r = await kb.search('没工作单位 我自己能交社保吗');
    expect(r.explanation).not.toContain('技能');
    expect(r.ranked[0]?.entryId).toBe('shebao-linghuo');
  });
});

describe('colloquial forms', () => {
  it.each([
    ['算工伤不', '算工伤吗'],
    ['交了没', '交了吗'],
    ['到账了没有 能领不', '到账了吗 能领吗'],
    ['有没有', '有没有'],
    ['要不要交', '要不要交'],
    ['养老交了十五年', '养老交了15年'],
    ['停了三个月 两年 一百二十天', '停了3个月 2年 120天'],
    ['一次性补助 统一办理', '一次性补助 统一办理'],
  ])('%s → %s', (input, expected) => {
    expect(colloquial(input)).toBe(expected);
  });

  it.each([
    ['十', 10],
    ['十五', 15],
    ['二十', 20],
    ['两', 2],
    ['一百二十', 120],
    ['三百零五', 305],
  ])('%s = %d', (text, n) => {
    expect(chineseNumber(text)).toBe(n);
  });
});
