import { describe, expect, it } from 'vitest';
import { formatIssue, loadContent } from '../../knowledge/content/load.ts';
import { contentErrors, writeFixture } from './fixture-kb.ts';

const entry = (id: string, extra = '') => `- id: ${id}
  question: ${id} 的标准问题？
  alternates: [甲${id}, 乙${id}, 丙${id}, 丁${id}, 戊${id}, 己${id}]
  answer: 答案
  category: 养老保险
  department: 社会保险经办机构
  basis: [《中华人民共和国社会保险法》]
  scope: 全国
  reviewed: 2026-11-29
${extra}`;

describe('content loader', () => {
  it('loads the fixture with answers rendered from local keys', () => {
    const dirs = writeFixture();
    const { entries, issues } = loadContent({ contentDir: dirs.contentDir, localDir: dirs.localDir });
    expect(issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(entries).toHaveLength(10);
    const first = entries[0]!;
    expect(first.source).toEqual({ file: 'main.yaml', line: 1 });
    expect(first.answer).toContain('当地社保经办机构咨询电话'); // fallback while city.yaml is absent
    expect(first.answerTemplate).toContain('{{local.shebao_hotline}}');
  });

  it('uses the city value when set, the fallback when empty', () => {
    const dirs = writeFixture({ city: 'shebao_hotline: "0731-12333"\ncity_name: ""\n' });
    const { entries } = loadContent({ contentDir: dirs.contentDir, localDir: dirs.localDir });
    expect(entries[0]!.answer).toContain('0731-12333');
  });

  it('names file and line of a bad field', () => {
    const bad = `- id: bad-entry
  question: 问题？
  alternates: [一, 二]
  answer: 答案
  category: 不存在的分类
  department: 社会保险经办机构
  basis: [某法]
  scope: 全国
  reviewed: 2026-11-29
`;
    const errors = contentErrors({ 'bad.yaml': bad });
    expect(errors).toContainEqual(expect.stringMatching(/^bad\.yaml:3: error: .*alternates.*at least 6/));
    expect(errors).toContainEqual(expect.stringMatching(/^bad\.yaml:5: error: .*category/));
  });

  it('rejects an id that is not kebab-case and reports YAML syntax errors with their line', () => {
    expect(contentErrors({ 'ids.yaml': entry('Bad_Id') })).toContainEqual(expect.stringMatching(/^ids\.yaml:1: .*kebab-case/));
    expect(contentErrors({ 'syntax.yaml': '- id: x\n  question: [unclosed\n' })).toContainEqual(expect.stringMatching(/^syntax\.yaml:\d+: error: YAML/));
  });

  it('reports duplicate ids with both places', () => {
    const errors = contentErrors({ 'a.yaml': entry('a-one'), 'b.yaml': entry('a-one').replace(/甲|乙|丙|丁|戊|己/g, (c) => `${c}2`) });
    expect(errors).toContainEqual(expect.stringMatching(/^b\.yaml:1: error: duplicate id "a-one" \(first at a\.yaml:1\)/));
  });

  it('reports an alternate shared by two entries, after normalization', () => {
    const twin = entry('b-two').replace('甲b-two', '自由職業者能自己交社保嗎？'); // 繁體 + punctuation of a fixture alternate
    const errors = contentErrors({ 'b.yaml': twin });
    expect(errors).toContainEqual(expect.stringMatching(/(b-two|shebao-linghuo): phrasing "自由职业者能自己交社保吗" also belongs to (shebao-linghuo|b-two)/));
  });

  it('reports related ids that do not exist', () => {
    const errors = contentErrors({ 'b.yaml': entry('b-three', '  related: [shebao-duanjiao, no-such-entry]\n') });
    expect(errors).toEqual([expect.stringMatching(/^b\.yaml:1: error: b-three: related id "no-such-entry" does not exist/)]);
  });

  it('reports unknown {{local.KEY}} placeholders at the answer line', () => {
    const errors = contentErrors({ 'b.yaml': entry('b-four').replace('answer: 答案', 'answer: 电话 {{local.no_such_key}}') });
    expect(errors).toEqual([expect.stringMatching(/^b\.yaml:4: error: b-four: unknown placeholder \{\{local\.no_such_key\}\}/)]);
  });

  it('an alias may not be another entry’s id or alias', () => {
    const errors = contentErrors({ 'b.yaml': entry('b-six', '  aliases: [shebao-duanjiao]\n') });
    expect(errors).toEqual([expect.stringMatching(/^b\.yaml:1: error: b-six: alias "shebao-duanjiao" is already the id or an alias of shebao-duanjiao/)]);
  });

  it('warns about a local figure written without its 本市 label, not about a labelled one', () => {
    const warningsOf = (answer: string) => {
      const dirs = writeFixture({ files: { 'b.yaml': entry('b-seven').replace('answer: 答案', `answer: ${answer}`) } });
      return loadContent({ contentDir: dirs.contentDir, localDir: dirs.localDir })
        .issues.filter((i) => i.file === 'b.yaml' && i.severity === 'warning')
        .map(formatIssue);
    };
    expect(warningsOf('单位缴费比例为 {{local.pension_rate}}。')).toEqual([expect.stringMatching(/b-seven: \{\{local\.pension_rate\}\} is a local figure/)]);
    expect(warningsOf('单位一般按 16% 缴纳（本市：{{local.pension_rate}}）。')).toEqual([]);
    expect(warningsOf('咨询 {{local.shebao_hotline}}。')).toEqual([]);
  });

  it('returns issues without throwing when strict is off', () => {
    const dirs = writeFixture({ files: { 'b.yaml': entry('b-five', '  related: [missing]\n') } });
    const { issues, entries } = loadContent({ contentDir: dirs.contentDir, localDir: dirs.localDir, strict: false });
    expect(issues.some((i) => i.severity === 'error')).toBe(true);
    expect(entries).toHaveLength(11);
  });
});
