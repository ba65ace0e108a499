// The eval's question sets: the held-out set (written by others, never by the retrieval author), and until it
// exists the dev set: each entry's last alternate held out of the index, plus an out-of-scope list.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { z } from 'zod';
import type { Entry } from '../content/schema.ts';

export const EVAL_DIR = import.meta.dirname;
export const HELDOUT_FILE = resolve(EVAL_DIR, 'heldout.yaml');
export const CALIBRATION_FILE = resolve(EVAL_DIR, 'calibration.yaml');
export const DEV_NONE_FILE = resolve(EVAL_DIR, 'dev-none.yaml');
export const NONE = 'none';

export interface EvalCase {
  q: string;
  /** Entry id, or 'none' when the KB must not answer. */
  expect: string;
}

const CasesSchema = z.array(z.object({ q: z.string().min(1), expect: z.string().min(1) }));
const NoneSchema = z.array(z.union([z.string().min(1), z.object({ q: z.string().min(1) })]));

/**
 * What each fold holds out of every entry: the last alternate (writers tend to end with the hardest: typos,
 * terse formal wording), the first alternate (the most ordinary), the middle one, and the standard question (a
 * clear, complete question). Four folds give a dev set that is neither all-hard nor all-easy, so thresholds
 * calibrated on it fit real questions.
 */
export const DEV_FOLDS = 4;
const QUESTION = -1;
function heldOutIndex(fold: number, n: number): number {
  return [n - 1, 0, Math.floor(n / 2), QUESTION][fold % DEV_FOLDS] as number;
}

/** Index without one phrasing of each entry; that phrasing becomes the entry's test question. */
export function leaveOutSplit(entries: readonly Entry[], fold = 0): { indexEntries: Entry[]; cases: EvalCase[] } {
  const indexEntries: Entry[] = [];
  const cases: EvalCase[] = [];
  for (const e of entries) {
    if (e.alternates.length < 2) {
      indexEntries.push(e);
      continue;
    }
    const i = heldOutIndex(fold, e.alternates.length);
    if (i === QUESTION) {
      // The first alternate stands in as the indexed question; the real one is asked.
      indexEntries.push({ ...e, question: e.alternates[0] as string, alternates: e.alternates.slice(1) });
      cases.push({ q: e.question, expect: e.id });
    } else {
      indexEntries.push({ ...e, alternates: e.alternates.filter((_, k) => k !== i) });
      cases.push({ q: e.alternates[i] as string, expect: e.id });
    }
  }
  return { indexEntries, cases };
}

export function loadCases(file = HELDOUT_FILE): EvalCase[] | undefined {
  if (!existsSync(file)) return undefined;
  return readYamlFile(file, CasesSchema, 'knowledge/eval');
}

export function loadNone(file = DEV_NONE_FILE): EvalCase[] {
  if (!existsSync(file)) return [];
  return readYamlFile(file, NoneSchema, 'knowledge/eval').map((item) => ({ q: typeof item === 'string' ? item : item.q, expect: NONE }));
}

/** Held-out cases whose expected entry is unknown to the KB (renamed ids) would silently count as misses. */
export function unknownExpectations(cases: EvalCase[], ids: ReadonlySet<string>): string[] {
  return [...new Set(cases.filter((c) => c.expect !== NONE && !ids.has(c.expect)).map((c) => c.expect))];
}
