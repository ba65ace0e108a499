// External evaluation on real citizen messages: the 2020 泰迪杯 routing sample (495 messages, 7 first-level
// classes; see ../shared/eval-data/teddy2020-routing/SOURCE.md). Read in place for internal evaluation only: never
// copied into the project, never trained on, never used for tuning (tuning uses the dev split of our own examples).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CategoryPredictor } from '../predictor-port.ts';
import { score, type Scores } from './metrics.ts';

const REPO = resolve(import.meta.dirname, '../../..');
/** LINEONE_EVAL_DATA_DIR, else shared/eval-data beside the checkout (or beside its worktree folder). */
const CANDIDATES = [process.env.LINEONE_EVAL_DATA_DIR, resolve(REPO, '../shared/eval-data'), resolve(REPO, '../../shared/eval-data')];
const EVAL_DATA = CANDIDATES.find((dir) => dir && existsSync(resolve(dir, 'teddy2020-routing'))) ?? resolve(REPO, '../shared/eval-data');
export const TEDDY_DIR = resolve(EVAL_DATA, 'teddy2020-routing');
export const TEDDY_FILE = resolve(TEDDY_DIR, 'labeled_messages.jsonl');

export const TEDDY_CLASSES = ['劳动和社会保障', '城乡建设', '教育文体', '卫生计生', '交通运输', '商贸旅游', '环境保护'] as const;
export type TeddyClass = (typeof TEDDY_CLASSES)[number];
export const NONE = '(none)';

/**
 * Our categories → the data set's first-level classes (its 附件1 scheme). Why each: 社保、医保、公积金、工伤、失业、
 * 就业、劳动关系 are 劳动和社会保障 (公积金 is its 工资福利/住房公积金); 食品药品 is 卫生计生/食品药品监管; 市场监管
 * and 旅游 are 商贸旅游 (市场监管, 质监检验检疫, 旅游管理); 城市管理 and 住建 are 城乡建设 (市政、物业、房地产、
 * 拆迁、规划); 文化体育 joins 教育 in 教育文体. 税务 (经济管理) and 其他 have no class among the seven.
 */
export const TEDDY_MAP: Readonly<Record<string, TeddyClass | null>> = {
  social_insurance: '劳动和社会保障',
  medical_insurance: '劳动和社会保障',
  housing_fund: '劳动和社会保障',
  work_injury: '劳动和社会保障',
  unemployment: '劳动和社会保障',
  employment: '劳动和社会保障',
  labour: '劳动和社会保障',
  tax: null,
  market: '商贸旅游',
  food_drug: '卫生计生',
  urban: '城乡建设',
  housing: '城乡建设',
  transport: '交通运输',
  environment: '环境保护',
  education: '教育文体',
  culture_sports: '教育文体',
  tourism: '商贸旅游',
  health: '卫生计生',
  commerce: '商贸旅游',
  other: null,
};

interface Row {
  title: string;
  detail: string;
  label: string;
}

export function teddyAvailable(): boolean {
  return existsSync(TEDDY_FILE);
}

function readRows(): Row[] {
  return readFileSync(TEDDY_FILE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { title?: string; detail?: string; label_level1?: string })
    .map((r) => ({ title: String(r.title ?? ''), detail: String(r.detail ?? ''), label: String(r.label_level1 ?? '') }));
}

export interface TeddyReport {
  /** Every category may win; a category outside the seven counts as wrong. What production would do. */
  open: Scores;
  /** Low-confidence predictions fall back to 其他 (as the service does), so they count as wrong. */
  withFallback: Scores;
  /** Only categories that map to the seven may win: the classifier's ceiling when the label set is known. */
  closed: Scores;
  fallbackShare: number;
}

/** A message reaches the predictor as a ticket would: subject line, then the text. */
export function evaluateTeddy(predictor: CategoryPredictor): TeddyReport {
  const open: { gold: string; predicted: string }[] = [];
  const fallback: { gold: string; predicted: string }[] = [];
  const closed: { gold: string; predicted: string }[] = [];
  let fellBack = 0;
  for (const row of readRows()) {
    const p = predictor.predict(`${row.title}。${row.detail}`);
    const mapped = TEDDY_MAP[p.category] ?? NONE;
    open.push({ gold: row.label, predicted: mapped });
    fallback.push({ gold: row.label, predicted: p.confident ? mapped : NONE });
    if (!p.confident) fellBack++;
    const best = p.ranked.find((r) => TEDDY_MAP[r.category]);
    closed.push({ gold: row.label, predicted: best ? (TEDDY_MAP[best.category] as string) : NONE });
  }
  return {
    open: score(open, TEDDY_CLASSES),
    withFallback: score(fallback, TEDDY_CLASSES),
    closed: score(closed, TEDDY_CLASSES),
    fallbackShare: fellBack / open.length,
  };
}
