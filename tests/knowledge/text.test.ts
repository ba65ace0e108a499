import { describe, expect, it } from 'vitest';
import { Analyzer, DEFAULT_ANALYZER_SETTINGS } from '../../knowledge/text/analyzer.ts';
import { MAX_NORMALIZED_LENGTH, compactKey, normalize } from '../../knowledge/text/normalize.ts';
import { PinyinCorrector, soundBigrams } from '../../knowledge/text/pinyin.ts';
import { Synonyms } from '../../knowledge/text/synonyms.ts';
import { Tokenizer } from '../../knowledge/text/tokenize.ts';

describe('normalize', () => {
  it.each([
    ['全角字母数字与标点', 'ＡＰＰ里查询１２３３３！', 'app里查询12333'],
    ['繁體', '異地就醫備案怎麼弄', '异地就医备案怎么弄'],
    ['香港繁體', '衞生 裏面 綫上辦理', '卫生 里面 线上办理'],
    ['simplified passes unchanged', '怎么办 么么哒 什么时候', '怎么办 么么哒 什么时候'],
    ['punctuation and emoji', '社保，断缴了？？😭😭怎么办！！', '社保 断缴了 怎么办'],
    ['control and zero-width characters', '社保\u0000断缴\u200b\u0007了', '社保 断缴 了'],
    ['case and spaces', '  Hello   WORLD　社保 ', 'hello world 社保'],
  ])('%s', (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it('caps length and survives non-strings', () => {
    expect([...normalize('社保'.repeat(10_000))]).toHaveLength(MAX_NORMALIZED_LENGTH);
    expect(normalize(undefined)).toBe('');
    expect(normalize(42 as unknown)).toBe('');
    expect(normalize('🙂🙂🙂')).toBe('');
    expect(compactKey('自由職業者 能自己交社保嗎？')).toBe('自由职业者能自己交社保吗');
  });
});

describe('synonyms', () => {
  const synonyms = Synonyms.fromRules(
    [
      { to: '生育', from: ['生孩子', '生娃'] },
      { to: '缴社保', from: ['交社保', '买社保'] },
      { to: '提取', from: ['取出来', '取现'] },
      { to: '灵活就业', from: ['自由职业'] },
      { to: '工伤', from: ['工商'], when: ['受伤', '摔'] },
      { to: '社保', from: ['社会保险'] },
      { to: '断缴', from: ['断交'] },
    ],
    ['工商局'],
  );

  it.each([
    ['生孩子能报销吗', '生育能报销吗'],
    ['公司不给我交社保', '公司不给我缴社保'],
    ['公积金怎么取出来', '公积金怎么提取'],
    ['自由职业怎么交养老', '灵活就业怎么交养老'],
    ['社会保险断交了', '社保断缴了'],
    ['上班摔了算工商吗', '上班摔了算工伤吗'],
    ['工商执照在哪办', '工商执照在哪办'], // no injury: 工商 stays
    ['在工商局受伤了', '在工商局受伤了'], // kept word is never rewritten
  ])('%s → %s', (input, expected) => {
    expect(synonyms.apply(input)).toBe(expected);
  });

  it('never rewrites inside a canonical form, so rewriting is stable', () => {
    const nested = Synonyms.fromRules([
      { to: '城乡居民养老保险', from: ['居民养老保险', '新农保'] },
      { to: '缴费基数', from: ['基数'] },
    ]);
    expect(nested.apply('城乡居民养老保险和居民养老保险')).toBe('城乡居民养老保险和城乡居民养老保险');
    expect(nested.apply('缴费基数')).toBe('缴费基数');
    expect(nested.apply(nested.apply('社保基数和新农保'))).toBe(nested.apply('社保基数和新农保'));
  });

  it('the project table loads, is stable and has 150+ rules', () => {
    const table = Synonyms.load();
    expect(table.pairs).toBeGreaterThanOrEqual(150);
    expect(table.apply('公司没给我买社保')).toBe('单位没给我缴社保');
    expect(table.apply('取公积金')).toContain('公积金');
  });
});

describe('typo tolerance', () => {
  const tokenizer = Tokenizer.create('社保\n公积金\n医保\n');
  const corrector = PinyinCorrector.build([
    ['社保', 40],
    ['公积金', 30],
    ['医保', 25],
    ['事业', 3],
    ['失业', 12],
  ]);
  const known = new Set(['社保', '公积金', '医保', '失业', '缴', '怎么', '单位']);
  const oracle = { known: (w: string) => known.has(w), isWord: (w: string) => tokenizer.isWord(w), segments: (t: string) => tokenizer.segments(t) };

  it.each([
    ['社宝怎么交', '社保怎么交', '社宝'],
    ['公基金能取吗', '公积金能取吗', '公基金'],
    ['医宝卡丢了', '医保卡丢了', '医宝'],
  ])('%s → %s', (input, expected, typo) => {
    const result = corrector.correct(input, oracle);
    expect(result.text).toBe(expected);
    expect(result.corrections[0]?.from).toBe(typo);
  });

  it('leaves real words and known text alone', () => {
    expect(corrector.correct('事业单位怎么缴社保', oracle).text).toBe('事业单位怎么缴社保');
    expect(corrector.correct('社保怎么缴', oracle).corrections).toEqual([]);
  });

  it('sound bigrams make a typo and its word share features', () => {
    expect(soundBigrams(tokenizer.parts('缴费比例'))).toEqual(soundBigrams(tokenizer.parts('缴费必例')));
  });

  it('the analyzer corrects queries but not documents', () => {
    const analyzer = new Analyzer(tokenizer, Synonyms.empty(), DEFAULT_ANALYZER_SETTINGS).withVocabulary((w) => known.has(w), corrector);
    expect(analyzer.query('社宝断了').canonical).toBe('社保断了');
    expect(analyzer.canonical('社宝断了')).toBe('社宝断了');
  });
});
