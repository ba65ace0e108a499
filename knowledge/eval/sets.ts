// The eval's question sets and their loaders (zod at the boundary, errors name the file):
// - the dev set: each entry's phrasings held out in turn (4 folds), plus an out-of-scope list (dev-none.yaml);
// - calibration sets (calibration*.yaml): realistic questions written apart from the KB, for tuning;
// - dev follow-ups and dev triage cases (dev-followups.yaml, dev-triage.yaml), for tuning and checking;
// - held-out sets, for measuring only: heldout.yaml, and the directories in HELDOUT_DIRS (questions.yaml,
//   followups.yaml, triage.yaml; format in heldout-2/README.md) written and labelled by someone else; retired ones
//   (RETIRED_DIRS) are training data now and reported with the tuning sets.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readYamlFile } from '../../lib/yaml-file.ts';
import type { Entry } from '../content/schema.ts';
import { TICKET_CATEGORIES } from '../triage/vocabulary.ts';

export const EVAL_DIR = import.meta.dirname;
export const HELDOUT_FILE = resolve(EVAL_DIR, 'heldout.yaml');
export const HELDOUT_2_DIR = resolve(EVAL_DIR, 'heldout-2');
/** The held-out directories, oldest first; each was written blind and labelled by someone else. */
export const HELDOUT_DIRS = ['heldout-8'].map((d) => resolve(EVAL_DIR, d));
/**
 * Held-out sets retired once newer ones replaced them: their answerable questions are training phrasings
 * (content/asked/), their triage messages train the learned triage; reported with the tuning sets.
 */
export const RETIRED_DIRS = ['heldout-2', 'heldout-3', 'heldout-4', 'heldout-5', 'heldout-6', 'heldout-7'].map((d) => resolve(EVAL_DIR, d));
export const DEV_NONE_FILE = resolve(EVAL_DIR, 'dev-none.yaml');
export const DEV_FOLLOWUPS_FILE = resolve(EVAL_DIR, 'dev-followups.yaml');
export const DEV_TRIAGE_FILE = resolve(EVAL_DIR, 'dev-triage.yaml');
/**
 * Dev-2 and dev-3, written blind and labelled apart: each has a tuning split and a check split (every third case)
 * never tuned on. The tuning splits' answerable questions are training phrasings now (content/asked/). Dev-4 is a
 * check split only: triage messages written blind to see whether a triage change generalizes without a held-out set.
 * Dev-5 is a check split only too: 863 questions written blind and labelled twice, what is left of 1,691 once a third
 * reader's confirmed labels became training phrasings (dev-5-check/README.md). Dev-6: 1,067 more, labelled strictly
 * (dev-6-check/README.md). Dev-7: triage messages, a tuning split only (dev-7/README.md).
 */
export const DEV_DIRS = ['dev-2', 'dev-3', 'dev-4', 'dev-5', 'dev-6', 'dev-7'].map((name) => ({
  name,
  tuning: resolve(EVAL_DIR, name),
  check: resolve(EVAL_DIR, `${name}-check`),
}));
export const NONE = 'none';
export const NEEDS_CONTEXT = 'needs_context';

export interface EvalCase {
  q: string;
  /** Entry id, or 'none' when the KB must not answer. */
  expect: string;
}

export interface FollowupCase {
  /** The conversation; the expectation is for the last turn. */
  turns: string[];
  /** Entry id, 'needs_context' (the bot must ask what it is about) or 'none' (must not answer). */
  expect: string;
}

export const TRIAGE_KINDS = ['human', 'complaint', 'urgent', 'out_of_scope', 'small_talk'] as const;
export type TriageKind = (typeof TRIAGE_KINDS)[number];

export interface TriageCase {
  text: string;
  kind: TriageKind;
  /** out_of_scope: the ticket category of the department that handles it. */
  department?: (typeof TICKET_CATEGORIES)[number];
}

const id = z.string().trim().min(1);
const CasesSchema = z.array(z.object({ q: z.string().min(1), expect: id }));
const NoneSchema = z.array(z.union([z.string().min(1), z.object({ q: z.string().min(1) })]));
const FollowupsSchema = z.array(z.object({ turns: z.array(z.string().min(1)).min(1), expect: id }));
const TriageSchema = z.array(
  z
    .object({ text: z.string().min(1), kind: z.enum(TRIAGE_KINDS), department: z.enum(TICKET_CATEGORIES).optional() })
    .refine((c) => c.department === undefined || c.kind === 'out_of_scope', { message: 'department is only for kind out_of_scope' }),
);

/**
 * What each fold holds out of every entry: the last alternate (writers tend to end with the hardest: typos,
 * terse formal wording), the first alternate (the most ordinary), the middle one, and the standard question (a
 * clear, complete question). Four folds give a dev set that is neither all-hard nor all-easy.
 */
export const DEV_FOLDS = 4;
const QUESTION = -1;
function heldOutIndex(fold: number, n: number): number {
  return [n - 1, 0, Math.floor(n / 2), QUESTION][fold % DEV_FOLDS] as number;
}

/**
 * Index without one phrasing of each entry; that phrasing becomes the entry's test question. A quarter of each
 * entry's labelled user questions (content/asked/) is held out the same way, as `askedCases`: questions written apart
 * from the KB, asked of an index that learned from the other three quarters (what a new user's question meets).
 */
export function leaveOutSplit(entries: readonly Entry[], fold = 0): { indexEntries: Entry[]; cases: EvalCase[]; askedCases: EvalCase[] } {
  const indexEntries: Entry[] = [];
  const cases: EvalCase[] = [];
  const askedCases: EvalCase[] = [];
  for (const original of entries) {
    const asked = original.asked ?? [];
    const e = asked.length === 0 ? original : { ...original, asked: asked.filter((_, k) => k % DEV_FOLDS !== fold) };
    asked.forEach((q, k) => k % DEV_FOLDS === fold && askedCases.push({ q, expect: e.id }));
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
  return { indexEntries, cases, askedCases };
}

export function loadCases(file = HELDOUT_FILE): EvalCase[] | undefined {
  if (!existsSync(file)) return undefined;
  return readYamlFile(file, CasesSchema, 'knowledge/eval');
}

export function loadNone(file = DEV_NONE_FILE): EvalCase[] {
  if (!existsSync(file)) return [];
  return readYamlFile(file, NoneSchema, 'knowledge/eval').map((item) => ({ q: typeof item === 'string' ? item : item.q, expect: NONE }));
}

export function loadFollowups(file: string): FollowupCase[] | undefined {
  if (!existsSync(file)) return undefined;
  return readYamlFile(file, FollowupsSchema, 'knowledge/eval');
}

export function loadTriage(file: string): TriageCase[] | undefined {
  if (!existsSync(file)) return undefined;
  return readYamlFile(file, TriageSchema, 'knowledge/eval');
}

/** Every calibration*.yaml in the eval folder, by name (calibration.yaml, calibration-2.yaml …). */
export function calibrationFiles(dir = EVAL_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /^calibration.*\.yaml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

export interface HeldOutSets {
  questions?: EvalCase[];
  followups?: FollowupCase[];
  triage?: TriageCase[];
}

/** A held-out directory (heldout-2/, format in its README.md): whichever of its three files are present. */
export function loadHeldOutDir(dir = HELDOUT_2_DIR): HeldOutSets | undefined {
  if (!existsSync(dir)) return undefined;
  const sets = {
    questions: loadCases(join(dir, 'questions.yaml')),
    followups: loadFollowups(join(dir, 'followups.yaml')),
    triage: loadTriage(join(dir, 'triage.yaml')),
  };
  return sets.questions || sets.followups || sets.triage ? sets : undefined;
}

/** Expectations naming ids the KB lacks (typos, renamed ids) would silently count as misses. */
export function unknownExpectations(expects: readonly string[], known: (id: string) => boolean): string[] {
  return [...new Set(expects.filter((e) => e !== NONE && e !== NEEDS_CONTEXT && !known(e)))];
}
