// `kb:eval`: the dev set (held-out alternates + out-of-scope list) always, the held-out set when it exists, the
// real 12345 messages when they are on this machine. Every figure for fused, lexical-only and dense-only retrieval
// comes from the same run on the same index.
import { loadContent } from '../content/load.ts';
import { THRESHOLDS } from '../decision/thresholds.ts';
import type { FusionMode } from '../index/fusion.ts';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../search.ts';
import { calibrate, LIMITS } from './calibrate.ts';
import { byCategory, runCases, summarize, type CaseResult } from './metrics.ts';
import { categoryTable, modeTable, pct, problems } from './report.ts';
import { CALIBRATION_FILE, DEV_FOLDS, leaveOutSplit, loadCases, loadNone, unknownExpectations, type EvalCase } from './sets.ts';
import { evaluateTeddy, teddyAvailable } from './teddy.ts';

export interface EvalOptions {
  calibrate?: boolean;
  /** How many problem cases to list per kind. */
  show?: number;
  kb?: KnowledgeBaseOptions;
  print?: (text: string) => void;
}

const MODES: [string, FusionMode][] = [
  ['fused (weighted)', 'weighted'],
  ['lexical only', 'lexical'],
  ['dense only', 'dense'],
  ['fused (RRF)', 'rrf'],
];

export async function runEval(options: EvalOptions = {}): Promise<void> {
  const print = options.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const { entries } = loadContent({ contentDir: options.kb?.contentDir, localDir: options.kb?.localDir });
  const categoryOf = (id: string) => entries.find((e) => e.id === id)?.category;
  const none = loadNone();

  // Dev set: per fold, an index without one alternate of each entry, asked those alternates (+ the none list).
  const dev = new Map<FusionMode, CaseResult[]>(MODES.map(([, m]) => [m, []]));
  let devCases = 0;
  for (let fold = 0; fold < DEV_FOLDS; fold++) {
    const split = leaveOutSplit(entries, fold);
    devCases += split.cases.length;
    const kb = await KnowledgeBase.fromEntries(split.indexEntries, options.kb);
    for (const [mode, results] of await runModes(kb, [...split.cases, ...none])) dev.get(mode)?.push(...results);
  }
  report(print, `Dev set: ${devCases} held-out alternates (${DEV_FOLDS} folds) + ${none.length}×${DEV_FOLDS} out-of-scope`, dev, categoryOf, options);

  // Calibration set: realistic questions written apart from the KB; thresholds are tuned on it together with the dev
  // set (the dev set alone is harder than real traffic, which made the bot hand over too much).
  const calibrationCases = loadCases(CALIBRATION_FILE);
  const tuning = new Map(dev);
  if (calibrationCases) {
    const kb = await KnowledgeBase.fromEntries(entries, options.kb);
    const results = await runModes(kb, calibrationCases);
    report(print, `Calibration set: ${calibrationCases.length} questions (full index)`, results, categoryOf, options);
    for (const [mode, r] of results) tuning.set(mode, [...(tuning.get(mode) ?? []), ...r]);
  }
  if (options.calibrate) printCalibration(print, tuning);

  const heldout = loadCases();
  if (heldout) {
    const kb = await KnowledgeBase.fromEntries(entries, options.kb);
    const unknown = unknownExpectations(heldout, new Set(entries.map((e) => e.id)));
    if (unknown.length > 0) print(`WARNING: heldout.yaml expects ids the KB lacks: ${unknown.join(', ')}`);
    report(print, `Held-out set: ${heldout.length} questions (full index)`, await runModes(kb, heldout), categoryOf, options);
  } else print('\n(knowledge/eval/heldout.yaml not present yet: held-out figures skipped)');

  if (teddyAvailable()) {
    const kb = await KnowledgeBase.fromEntries(entries, options.kb);
    print('\n== Real 12345 messages (teddy2020-replies, read in place) ==');
    for (const r of await evaluateTeddy(kb)) {
      const i = r.insurance;
      const o = r.others;
      print(
        `[${r.variant}] social-insurance rows ${i.rows}: answer ${i.answer}, clarify ${i.clarify}, handoff ${i.handoff} (answer+clarify ${pct((i.answer + i.clarify) / i.rows)})` +
          ` | other rows ${o.rows}: wrongly answered ${o.answer} (${pct(o.answer / o.rows)}), clarify ${o.clarify}, handoff ${o.handoff}`,
      );
      for (const e of r.examples) print(`    answered non-insurance: ${e}`);
    }
  }
}

async function runModes(kb: KnowledgeBase, cases: EvalCase[]): Promise<Map<FusionMode, CaseResult[]>> {
  const out = new Map<FusionMode, CaseResult[]>();
  for (const [, mode] of MODES) out.set(mode, await runCases(kb, cases, mode));
  return out;
}

function report(print: (t: string) => void, title: string, results: Map<FusionMode, CaseResult[]>, categoryOf: (id: string) => string | undefined, options: EvalOptions): void {
  print(`\n== ${title} ==`);
  print(modeTable(MODES.map(([name, mode]) => [name, summarize(results.get(mode) ?? []), mode === 'rrf'])));
  print('(a/c/h = answer/clarify/handoff; wrong-answer rate is over all cases; RRF ranks only: its scores have no absolute scale to decide on)');
  const fused = results.get('weighted') ?? [];
  print('\nPer category (fused):');
  print(categoryTable(byCategory(fused, categoryOf)));
  if ((options.show ?? 15) > 0) print(`\n${problems(fused, options.show ?? 15)}`);
}

/** Fits thresholds on the dev + calibration results and prints them for a person to paste in. */
function printCalibration(print: (t: string) => void, results: Map<FusionMode, CaseResult[]>): void {
  print(`\nCalibration on dev + calibration sets (limits: wrong ≤ ${pct(LIMITS.maxWrongRate)}, out-of-scope rejection ≥ ${pct(LIMITS.minOosRejection)}); paste into knowledge/decision/thresholds.ts:`);
  for (const [name, mode] of MODES.filter(([, m]) => m !== 'rrf')) {
    const { thresholds, outcome } = calibrate(results.get(mode) ?? [], THRESHOLDS[mode]);
    print(`  ${mode}: ${JSON.stringify(thresholds)}`);
    print(`      → wrong ${pct(outcome.wrongRate)}, OOS rejected ${pct(outcome.oosRejection)}, answered ${outcome.answered}, clarified ${outcome.clarified}, utility ${outcome.utility.toFixed(1)}  (${name})`);
  }
}
