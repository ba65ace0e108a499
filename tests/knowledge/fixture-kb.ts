// A small KB written for the tests (not the real content, which changes): temp folders with entry files, local
// keys, synonyms and a dictionary, so loader errors and index behaviour can be tested in isolation.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { expect } from 'vitest';
import { ContentError, formatIssue, loadContent } from '../../knowledge/content/load.ts';

export interface FixtureEntry {
  id: string;
  question: string;
  alternates: string[];
  answer?: string;
  category?: string;
  department?: string;
  related?: string[];
}

export const ENTRIES: FixtureEntry[] = [
  {
    id: 'shebao-linghuo',
    question: '灵活就业人员怎么参加社会保险？',
    alternates: [
      '自由职业者能自己交社保吗',
      '没有单位怎么交养老保险',
      '个体户怎么给自己交社保',
      '打零工的人社保怎么办',
      '我没工作单位想自己交社保',
      '靈活就業怎麼參保',
    ],
    category: '社保登记与缴费',
  },
  {
    id: 'shebao-duanjiao',
    question: '社保断缴了有什么影响？',
    alternates: [
      '社保断了几个月要紧吗',
      '社保中断缴费会怎样',
      '换工作中间社保没交有影响吗',
      '社保停了两个月怎么办',
      '社保没连续交会影响买房吗',
      '社保断交的后果',
    ],
    category: '社保登记与缴费',
  },
  {
    id: 'gongjijin-tiqu',
    question: '住房公积金怎么提取？',
    alternates: [
      '公积金的钱怎么取出来',
      '公积金能取现吗',
      '租房可以提公积金吗',
      '公积金提取要什么材料',
      '怎么把公积金里的钱拿出来',
      '离职了公积金能全部取出吗',
    ],
    category: '住房公积金',
    department: '住房公积金管理中心',
  },
  {
    id: 'shengyu-jintie',
    question: '生育津贴怎么申领？',
    alternates: ['生孩子的津贴怎么领', '产假工资找谁要', '生娃了单位给钱吗', '休产假期间的钱怎么算', '生育津贴去哪里申请', '怀孕生产能领多少钱'],
    category: '生育保险',
    department: '医疗保障部门',
  },
  {
    id: 'gongshang-rending',
    question: '工伤认定怎么申请？',
    alternates: [
      '上班受伤了怎么认定工伤',
      '工作时摔伤了算工伤吗',
      '单位不给报工伤怎么办',
      '工伤申请要多久内提出',
      '干活被机器弄伤怎么处理',
      '工伤认定需要什么材料',
    ],
    category: '工伤保险',
  },
  {
    id: 'yibao-yidi',
    question: '异地就医备案怎么办理？',
    alternates: [
      '去外地看病要先备案吗',
      '在外地住院医保能报吗',
      '异地就医怎么报备',
      '长期在外地工作看病怎么报销',
      '跨省看病怎么直接结算',
      '異地就醫備案怎麼弄',
    ],
    // An answer that lists its materials: a follow-up asking what to bring is answered from it (passages.ts).
    answer: '异地就医备案：到参保地医保经办机构或在国家医保服务平台 App 上办理。\n\n**所需材料**\n- 身份证或社保卡\n- 异地就医备案登记表',
    category: '医疗保险',
    department: '医疗保障部门',
  },
  {
    id: 'shiye-jin',
    question: '失业保险金怎么领取？',
    alternates: ['失业了能领多少钱', '被辞退能领失业金吗', '失业金去哪里申请', '下岗了有补贴吗', '失业保险金领取条件', '没工作了怎么领失业救济'],
    category: '失业保险',
  },
  {
    id: 'yanglao-nianxian',
    question: '养老保险要交满多少年才能领养老金？',
    alternates: [
      '社保交几年退休才有退休金',
      '养老保险最少交多少年',
      '交满15年就能领养老金吗',
      '退休时养老年限不够怎么办',
      '养老金要交够多少年',
      '退休工资要交几年社保',
    ],
    category: '养老保险',
  },
  {
    id: 'shebaoka-guashi',
    question: '社保卡丢了怎么挂失补办？',
    alternates: ['社会保障卡掉了怎么办', '社保卡不见了去哪补', '社保卡丢失挂失电话', '补办社保卡要多久', '社保卡被偷了怎么挂失', '社保卡坏了怎么换新卡'],
    category: '社保卡',
  },
  {
    id: 'shebao-jishu',
    question: '社保缴费基数怎么确定？',
    alternates: [
      '社保基数按什么工资算',
      '缴费基数上下限是多少',
      '奖金算不算社保基数',
      '社保基数每年什么时候调整',
      '单位按最低基数交社保合法吗',
      '缴费基数怎么申报',
    ],
    category: '社保登记与缴费',
  },
];

export const KEYS = {
  city_name: { label: '城市名称', fallback: '本市' },
  shebao_hotline: { label: '社保咨询电话', fallback: '当地社保经办机构咨询电话' },
  pension_rate: { label: '单位养老保险缴费比例', fallback: '以当地公布为准，可拨打 12345 咨询', kind: 'figure' },
};

export const SYNONYMS = {
  keep: ['缴费基数'],
  rules: [
    { to: '社保', from: ['社会保险', '社会保障'] },
    { to: '缴社保', from: ['交社保', '买社保', '上社保'] },
    { to: '生育', from: ['生孩子', '生娃'] },
    { to: '灵活就业', from: ['自由职业', '自由职业者', '打零工'] },
    { to: '提取', from: ['取出来', '取现', '拿出来'] },
    { to: '断缴', from: ['断交', '断了'] },
    { to: '工伤', from: ['工商'], when: ['伤', '摔', '认定'] },
  ],
};

export interface FixtureDirs {
  root: string;
  contentDir: string;
  localDir: string;
  synonymsFile: string;
  dictFile: string;
  indexDir: string;
}

function toYamlEntry(e: FixtureEntry): Record<string, unknown> {
  return {
    id: e.id,
    question: e.question,
    alternates: e.alternates,
    answer: e.answer ?? `${e.question.replace(/？$/, '')}：请咨询 {{local.shebao_hotline}}。`,
    category: e.category ?? '社保登记与缴费',
    department: e.department ?? '社会保险经办机构',
    basis: ['《中华人民共和国社会保险法》'],
    scope: '地方',
    reviewed: '2026-11-29',
    related: e.related ?? [],
  };
}

/** Writes a fixture KB; `files` maps a file name (asked/x.yaml: in a subfolder) to raw YAML to add or replace. */
export function writeFixture(options: { entries?: FixtureEntry[]; files?: Record<string, string>; city?: string } = {}): FixtureDirs {
  const root = mkdtempSync(join(tmpdir(), 'kb-fixture-'));
  const contentDir = join(root, 'content');
  const localDir = join(root, 'local');
  mkdirSync(contentDir);
  mkdirSync(localDir);
  const entries = options.entries ?? ENTRIES;
  writeFileSync(join(contentDir, 'main.yaml'), stringify(entries.map(toYamlEntry)));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(dirname(join(contentDir, name)), { recursive: true });
    writeFileSync(join(contentDir, name), text);
  }
  writeFileSync(join(localDir, 'keys.yaml'), stringify(KEYS));
  if (options.city !== undefined) writeFileSync(join(localDir, 'city.yaml'), options.city);
  const synonymsFile = join(contentDir, 'synonyms.yaml');
  writeFileSync(synonymsFile, stringify(SYNONYMS));
  const dictFile = join(contentDir, 'dict.txt');
  writeFileSync(dictFile, '灵活就业\n断缴\n异地就医\n生育津贴\n');
  return { root, contentDir, localDir, synonymsFile, dictFile, indexDir: join(root, 'index') };
}

/** KnowledgeBase options pointing at a fixture. */
export function fixtureOptions(dirs: FixtureDirs, persist = false) {
  return {
    contentDir: dirs.contentDir,
    localDir: dirs.localDir,
    synonymsFile: dirs.synonymsFile,
    dictFile: dirs.dictFile,
    indexDir: persist ? dirs.indexDir : null,
  };
}

/** The errors loading a fixture KB with `files` added reports, as `file:line: error: message` (none: []). */
export function contentErrors(files: Record<string, string>): string[] {
  const dirs = writeFixture({ files });
  try {
    loadContent({ contentDir: dirs.contentDir, localDir: dirs.localDir });
  } catch (err) {
    expect(err).toBeInstanceOf(ContentError);
    return (err as ContentError).issues.filter((i) => i.severity === 'error').map(formatIssue);
  }
  return [];
}
