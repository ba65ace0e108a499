// `kb:eval`: every set on this machine, each with the figures the targets are stated in.
// Tuning sets (may feed --calibrate): the dev set (held-out alternates in 4 folds + out-of-scope list), the labelled
// user questions (a quarter held out in turn), the calibration sets, the dev follow-ups and triage cases, and the
// retired held-out sets (heldout-2/ to heldout-5/: trained on now). Measuring sets (never tuned, calibrated or trained
// on): heldout.yaml and heldout-6/ (questions, follow-ups, triage). Then the real 12345 messages when they are on this
// machine.
import { basename } from 'node:path';
import { loadContent } from '../content/load.ts';
import { THRESHOLDS } from '../decision/thresholds.ts';
import type { FusionMode } from '../index/fusion.ts';
import { KnowledgeBase, type KnowledgeBaseOptions } from '../search.ts';
import { calibrate, calibrateFollowups, fitVerifier, LIMITS, type CalibrationGroup } from './calibrate.ts';
import { runFollowups, runTriage, summarizeFollowups, summarizeTriage, type FollowupResult } from './conversations.ts';
import { byCategory, runCases, summarize, type CaseResult } from './metrics.ts';
import { categoryTable, confusion, followupProblems, followupTable, modeTable, pct, problems, triageProblems, triageTable } from './report.ts';
import {
  calibrationFiles,
  DEV_FOLDS,
  DEV_DIRS,
  DEV_FOLLOWUPS_FILE,
  DEV_TRIAGE_FILE,
  HELDOUT_DIRS,
  RETIRED_DIRS,
  leaveOutSplit,
  loadCases,
  loadFollowups,
  loadHeldOutDir,
  loadNone,
  loadTriage,
  unknownExpectations,
  type EvalCase,
  type FollowupCase,
  type TriageCase,
} from './sets.ts';
import { evaluateTeddy, teddyAvailable } from './teddy.ts';

export interface EvalOptions {
  calibrate?: boolean;
  /** How many problem cases to list per kind, for the tuning and dev sets. */
  show?: number;
  /**
   * The same for the held-out sets (default 0: their figures only). Their cases are for measuring: a failure read
   * is a failure one is tempted to fix, and the set then no longer measures questions written apart.
   */
  showHeldOut?: number;
  kb?: KnowledgeBaseOptions;
  print?: (text: string) => void;
  /** Stop before the held-out sets: what someone tuning the bot runs, so they never see held-out cases. */
  devOnly?: boolean;
}

const MODES: [string, FusionMode][] = [
  ['fused (weighted)', 'weighted'],
  ['lexical only', 'lexical'],
  ['dense only', 'dense'],
  ['fused (RRF)', 'rrf'],
];

type Print = (t: string) => void;

export async function runEval(options: EvalOptions = {}): Promise<void> {
  const print: Print = options.print ?? ((t: string) => process.stdout.write(`${t}\n`));
  const show = options.show ?? 15;
  const showHeldOut = options.showHeldOut ?? 0;
  const { entries } = loadContent({ contentDir: options.kb?.contentDir, localDir: options.kb?.localDir });
  const categoryOf = (id: string) => entries.find((e) => e.id === id || e.aliases.includes(id))?.category;
  const none = loadNone();
  const tuning: Map<FusionMode, CalibrationGroup[]> = new Map(MODES.map(([, m]) => [m, []]));

  // Dev set: per fold, an index without one alternate of each entry, asked those alternates (+ the none list).
  const dev = new Map<FusionMode, CaseResult[]>(MODES.map(([, m]) => [m, []]));
  const asked = new Map<FusionMode, CaseResult[]>(MODES.map(([, m]) => [m, []]));
  let devCases = 0;
  let askedCases = 0;
  for (let fold = 0; fold < DEV_FOLDS; fold++) {
    const split = leaveOutSplit(entries, fold);
    devCases += split.cases.length;
    askedCases += split.askedCases.length;
    const kb = await KnowledgeBase.fromEntries(split.indexEntries, options.kb);
    for (const [mode, results] of await runModes(kb, [...split.cases, ...none])) dev.get(mode)?.push(...results);
    for (const [mode, results] of await runModes(kb, split.askedCases)) asked.get(mode)?.push(...results);
  }
  reportQuestions(print, `Dev set: ${devCases} held-out alternates (${DEV_FOLDS} folds) + ${none.length}×${DEV_FOLDS} out-of-scope`, dev, categoryOf, show);
  for (const [mode, r] of dev) tuning.get(mode)?.push({ name: 'dev', results: r });
  if (askedCases > 0) {
    reportQuestions(print, `Labelled user questions (content/asked/), a quarter held out in turn: ${askedCases}`, asked, categoryOf, show);
    // Realistic questions the index has not seen: calibrated like the calibration sets (pooled with them below).
    for (const [mode, r] of asked) tuning.get(mode)?.push({ name: 'calibration', results: r });
  }

  const kb = await KnowledgeBase.fromEntries(entries, options.kb);
  const known = (id: string) => kb.entry(id) !== undefined;
  const warnUnknown = (name: string, expects: string[]) => {
    const unknown = unknownExpectations(expects, known);
    if (unknown.length > 0) print(`WARNING: ${name} expects ids the KB lacks: ${unknown.join(', ')}`);
  };

  for (const file of calibrationFiles()) {
    const cases = loadCases(file) ?? [];
    warnUnknown(
      basename(file),
      cases.map((c) => c.expect),
    );
    const results = await runModes(kb, cases);
    reportQuestions(print, `Calibration set ${basename(file)}: ${cases.length} questions (full index)`, results, categoryOf, show);
    // The calibration files are pooled into one group: a limit of 1 % on 300 questions would turn on a single case.
    for (const [mode, r] of results) {
      const groups = tuning.get(mode) ?? [];
      const pooled = groups.find((g) => g.name === 'calibration');
      if (pooled) pooled.results.push(...r);
      else groups.push({ name: 'calibration', results: [...r] });
    }
  }
  const devFollowups = loadFollowups(DEV_FOLLOWUPS_FILE);
  const followupResults = devFollowups ? await reportFollowups(print, 'Dev follow-ups (dev-followups.yaml)', kb, devFollowups, show, warnUnknown) : [];
  const devTriage = loadTriage(DEV_TRIAGE_FILE);
  if (devTriage) await reportTriage(print, 'Dev triage (dev-triage.yaml)', kb, devTriage, show);

  // Dev-2 and dev-3 (written blind, labelled apart): the tuning splits feed calibration; the check splits are only
  // reported, so whoever tunes can see whether a change generalizes.
  for (const dev of DEV_DIRS) {
    for (const [dir, tuned] of [
      [dev.tuning, true],
      [dev.check, false],
    ] as const) {
      const sets = loadHeldOutDir(dir);
      if (!sets) continue;
      const name = tuned ? `${titleOf(dev.name)} (tuning split)` : `${titleOf(dev.name)} check (not tuned on)`;
      if (sets.questions) {
        warnUnknown(
          `${name} questions`,
          sets.questions.map((c) => c.expect),
        );
        const results = await runModes(kb, sets.questions, ['weighted', 'lexical', 'dense']);
        reportQuestions(print, `${name} questions: ${sets.questions.length}`, results, categoryOf, show);
        if (tuned)
          for (const [mode, r] of results)
            tuning
              .get(mode)
              ?.find((g) => g.name === 'calibration')
              ?.results.push(...r);
      }
      if (sets.followups) {
        const r = await reportFollowups(print, `${name} follow-ups`, kb, sets.followups, show, warnUnknown);
        if (tuned) followupResults.push(...r);
      }
      if (sets.triage) await reportTriage(print, `${name} triage`, kb, sets.triage, show);
    }
  }
  // Retired held-out sets: trained on now (their questions, their triage messages), so reported with the tuning sets.
  for (const dir of RETIRED_DIRS) {
    const sets = loadHeldOutDir(dir);
    if (!sets) continue;
    const name = `${titleOf(basename(dir))} (retired, trained on)`;
    if (sets.questions)
      reportQuestions(
        print,
        `${name} questions the KB must not answer: ${sets.questions.length}`,
        await runModes(kb, sets.questions, ['weighted']),
        categoryOf,
        show,
      );
    if (sets.followups) await reportFollowups(print, `${name} follow-ups`, kb, sets.followups, show, warnUnknown);
    if (sets.triage) await reportTriage(print, `${name} triage`, kb, sets.triage, show);
  }

  if (options.calibrate) {
    printCalibration(print, tuning);
    const f = calibrateFollowups(followupResults);
    print(`  followupAnswer (weighted): ${f.threshold} → answers ${f.answered} follow-ups in context, ${f.wrong} wrong (dev follow-ups)`);
  }

  if (options.devOnly) {
    print('\n(--dev-only: the held-out sets and the real messages were not run)');
    return;
  }

  // Measuring only from here on.
  const heldout = loadCases();
  if (heldout) {
    warnUnknown(
      'heldout.yaml',
      heldout.map((c) => c.expect),
    );
    reportQuestions(print, `Held-out set heldout.yaml: ${heldout.length} questions (full index)`, await runModes(kb, heldout), categoryOf, showHeldOut);
  } else print('\n(knowledge/eval/heldout.yaml not present: skipped)');

  for (const dir of HELDOUT_DIRS) {
    const sets = loadHeldOutDir(dir);
    const name = titleOf(basename(dir));
    if (!sets) {
      print(`\n(${dir}: no questions.yaml, followups.yaml or triage.yaml yet: ${name} figures skipped)`);
      continue;
    }
    if (sets.questions) {
      warnUnknown(
        `${basename(dir)}/questions.yaml`,
        sets.questions.map((c) => c.expect),
      );
      reportQuestions(print, `${name} questions: ${sets.questions.length}`, await runModes(kb, sets.questions, ['weighted']), categoryOf, showHeldOut);
    }
    if (sets.followups) await reportFollowups(print, `${name} follow-ups`, kb, sets.followups, showHeldOut, warnUnknown);
    if (sets.triage) await reportTriage(print, `${name} triage`, kb, sets.triage, showHeldOut);
  }

  if (teddyAvailable()) {
    print('\n== Real 12345 messages (teddy2020-replies, read in place) ==');
    for (const r of await evaluateTeddy(kb)) {
      const i = r.insurance;
      const o = r.others;
      print(
        `[${r.variant}] social-insurance rows ${i.rows}: answer ${i.answer}, clarify ${i.clarify}, handoff ${i.handoff} (answer+clarify ${pct((i.answer + i.clarify) / i.rows)})` +
          ` | other rows ${o.rows}: answered ${o.answer} (${pct(o.answer / o.rows)}), clarify ${o.clarify}, handoff ${o.handoff}`,
      );
      for (const e of r.examples) print(`    answered non-insurance: ${e}`);
    }
  }
}

async function runModes(kb: KnowledgeBase, cases: EvalCase[], modes: FusionMode[] = MODES.map(([, m]) => m)): Promise<Map<FusionMode, CaseResult[]>> {
  const out = new Map<FusionMode, CaseResult[]>();
  for (const mode of modes) out.set(mode, await runCases(kb, cases, mode));
  return out;
}

function reportQuestions(
  print: Print,
  title: string,
  results: Map<FusionMode, CaseResult[]>,
  categoryOf: (id: string) => string | undefined,
  show: number,
): void {
  print(`\n== ${title} ==`);
  print(modeTable(MODES.filter(([, m]) => results.has(m)).map(([name, mode]) => [name, summarize(results.get(mode) ?? []), mode === 'rrf'])));
  print(
    '(direct = answered, right or wrong, over in-scope; wrong-answer = a wrong entry or any answer to a none case, over all cases; a/c/h = answer/clarify/handoff)',
  );
  const fused = results.get('weighted') ?? [];
  print('\nPer category (fused):');
  print(categoryTable(byCategory(fused, categoryOf)));
  print(`\n${confusion(fused)}`);
  if (show > 0) print(`\n${problems(fused, show)}`);
}

async function reportFollowups(
  print: Print,
  title: string,
  kb: KnowledgeBase,
  cases: FollowupCase[],
  show: number,
  warnUnknown: (name: string, expects: string[]) => void,
): Promise<FollowupResult[]> {
  warnUnknown(
    title,
    cases.map((c) => c.expect),
  );
  const results = await runFollowups(kb, cases);
  print(`\n== ${title}: ${cases.length} conversations ==`);
  print(followupTable(summarizeFollowups(results)));
  if (show > 0) print(followupProblems(results, show));
  return results;
}

async function reportTriage(print: Print, title: string, kb: KnowledgeBase, cases: TriageCase[], show: number): Promise<void> {
  const results = await runTriage(kb, cases);
  print(`\n== ${title}: ${cases.length} messages ==`);
  print(triageTable(summarizeTriage(results)));
  if (show > 0) print(triageProblems(results, show));
}

/** Fits thresholds on the tuning sets and prints them for a person to paste in. */
function printCalibration(print: Print, tuning: Map<FusionMode, CalibrationGroup[]>): void {
  print(
    `\nCalibration on the tuning sets (wrong ≤ ${pct(LIMITS.calibration)} in each calibration set, ≤ ${pct(LIMITS.dev)} on dev); paste into knowledge/decision/thresholds.ts:`,
  );
  for (const [name, mode] of MODES.filter(([, m]) => m !== 'rrf')) {
    const { thresholds, outcomes, curve } = calibrate(tuning.get(mode) ?? [], THRESHOLDS[mode]);
    const { confidence, answer, clarify, choiceFloor } = thresholds;
    print(`  ${mode} (${name}): ${JSON.stringify({ confidence, answer, clarify, choiceFloor })}`);
    for (const [group, o] of outcomes)
      print(`      ${group}: wrong ${pct(o.wrongRate)}, answered ${o.answered}, clarified ${o.clarified}, utility/case ${o.utility.toFixed(3)}`);
    const points = curve.map((p) => `${p.answer}: ${[...p.groups].map(([g, o]) => `${g} ${o.answered} answered/${pct(o.wrongRate)} wrong`).join(', ')}`);
    print(`      as the answer threshold moves: ${points.join(' | ')}`);
  }
  // The verifier reads the confidences of the model in thresholds.ts: refit it after pasting a new confidence model.
  const v = fitVerifier(tuning.get('weighted') ?? [], THRESHOLDS.weighted);
  print(`  weighted verifier (decision/verifier.ts): ${JSON.stringify({ model: v.model, answer: v.answer })}`);
  for (const [group, o] of v.outcomes) print(`      ${group} (held-out folds): answered ${o.answered}, wrong ${o.wrong} (${pct(o.wrongRate)})`);
}

/** dev-3 → Dev-3, heldout-3 → Held-out-3: as the report names the sets. */
function titleOf(dir: string): string {
  return dir.replace(/^dev-/, 'Dev-').replace(/^heldout-/, 'Held-out-');
}
