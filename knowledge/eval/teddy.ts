// Real citizen messages (2020 泰迪杯, see ../shared/eval-data/teddy2020-replies/SOURCE.md). Read in place, for
// internal evaluation only: never copied into the project. The social-insurance rows (keyword match, as the
// SOURCE.md describes it) should get an answer or a choice; the others must not get an answer.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Decision } from '../decision/decide.ts';
import type { KnowledgeBase } from '../search.ts';

const RELATIVE = 'shared/eval-data/teddy2020-replies/message_reply_pairs.jsonl';

/** The shared data folder sits beside the checkout (../shared from the main tree, further up from a worktree). */
function findShared(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate) || dirname(dir) === dir) return candidate;
  }
}

export const TEDDY_FILE = findShared(resolve(import.meta.dirname, '../..'));

// The keyword list from SOURCE.md, as plain substring matches (so 养老院 counts, as it does there).
const KEYWORDS =
  '社保 社会保险 养老 医保 医疗保险 工伤 失业 生育保险 生育津贴 公积金 缴费基数 参保 退休 社保卡 灵活就业 五险 保险费 农保 新农合 城居保 职工医疗'.split(' ');

interface Row {
  title: string;
  detail: string;
}

export interface TeddyCounts {
  rows: number;
  answer: number;
  clarify: number;
  handoff: number;
}

export interface TeddyReport {
  variant: string;
  insurance: TeddyCounts;
  others: TeddyCounts;
  /** A few answered non-insurance titles, for reading (titles only). */
  examples: string[];
}

export function teddyAvailable(file = TEDDY_FILE): boolean {
  return existsSync(file);
}

function readRows(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Partial<Row>)
    .map((r) => ({ title: String(r.title ?? ''), detail: String(r.detail ?? '') }));
}

const isInsurance = (r: Row) => KEYWORDS.some((k) => r.title.includes(k) || r.detail.includes(k));

/**
 * Two ways the bot could receive a message: the title alone (a short chat question) and title + detail (a pasted
 * letter; the bot searches its first 200 normalized characters).
 */
export async function evaluateTeddy(kb: KnowledgeBase, file = TEDDY_FILE): Promise<TeddyReport[]> {
  const rows = readRows(file);
  const variants: [string, (r: Row) => string][] = [
    ['title', (r) => r.title],
    ['title+detail', (r) => `${r.title}。${r.detail}`],
  ];
  const reports: TeddyReport[] = [];
  for (const [variant, text] of variants) {
    const insurance: TeddyCounts = { rows: 0, answer: 0, clarify: 0, handoff: 0 };
    const others: TeddyCounts = { rows: 0, answer: 0, clarify: 0, handoff: 0 };
    const examples: string[] = [];
    for (const row of rows) {
      const result = await kb.search(text(row));
      const bucket = isInsurance(row) ? insurance : others;
      bucket.rows++;
      bucket[result.decision satisfies Decision]++;
      if (bucket === others && result.decision === 'answer' && examples.length < 8) examples.push(`${row.title} → ${result.hits[0]?.entryId}`);
    }
    reports.push({ variant, insurance, others, examples });
  }
  return reports;
}
