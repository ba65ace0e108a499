// npm run tickets:check    validate categories, time limits, calendars and predictor examples (file:line errors)
// npm run tickets:eval     the category predictor on our dev split and on the external 12345 sample, if present
// npm run tickets:predict -- "公积金怎么提取"   show the predicted categories of a text
import { fileURLToPath } from 'node:url';
import { TicketConfigError } from './errors.ts';
import { Catalog } from './routing/catalog.ts';
import { evaluateDevSplit } from './routing/eval/dev-split.ts';
import { formatScores } from './routing/eval/metrics.ts';
import { evaluateTeddy, NONE, TEDDY_CLASSES, TEDDY_DIR, TEDDY_MAP, teddyAvailable } from './routing/eval/teddy.ts';
import { loadExamples } from './routing/examples.ts';
import { trainDefaultPredictor } from './routing/predictor.ts';
import { loadSchedules } from './sla/holidays.ts';
import { SlaPolicy } from './sla/policy.ts';

const out = (text = '') => process.stdout.write(`${text}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function check(): void {
  const catalog = Catalog.load();
  SlaPolicy.load();
  const years = loadSchedules().map((s) => s.year);
  const examples = loadExamples(catalog);
  out(`categories: ${catalog.categories.length}, departments: ${Object.keys(catalog.departments).length}`);
  out(`calendar years: ${years.join(', ')}`);
  out(`predictor examples: ${examples.length}`);
  out('ok');
}

function evaluate(): void {
  const catalog = Catalog.load();
  const dev = evaluateDevSplit(catalog);
  out(`## Dev split (our own examples): trained on ${dev.train} in ${dev.trainMillis.toFixed(0)} ms, scored on ${dev.dev}`);
  out(`accuracy ${pct(dev.scores.accuracy)}  macro-F1 ${dev.scores.macroF1.toFixed(3)} over ${dev.scores.perClass.length} categories`);
  out('');
  out('| confidence ≥ | coverage | precision |');
  out('|---|---|---|');
  for (const t of dev.thresholds) out(`| ${t.threshold} | ${pct(t.coverage)} | ${pct(t.precision)} |`);
  out('');
  if (!teddyAvailable()) {
    out(`## External sample: skipped (no data at ${TEDDY_DIR}; see the README's evaluation section)`);
    return;
  }
  const predictor = trainDefaultPredictor(catalog);
  const report = evaluateTeddy(predictor);
  const columns = [...TEDDY_CLASSES, NONE];
  out('## 12345 routing sample (teddy2020, 495 real messages, 7 first-level classes), trained on all our examples');
  out(
    'Category → class mapping: ' +
      Object.entries(TEDDY_MAP)
        .map(([c, k]) => `${c}→${k ?? NONE}`)
        .join(', '),
  );
  out('');
  out('### Open set (any category may win; 税务/其他 count as wrong)');
  out(formatScores(report.open, columns));
  out('');
  out(`### With the confidence fallback (below ${predictor.minConfidence} → 其他): ${pct(report.fallbackShare)} fell back`);
  out(`accuracy ${pct(report.withFallback.accuracy)}  macro-F1 ${report.withFallback.macroF1.toFixed(3)}`);
  out('');
  out('### Closed set (only categories mapped to the seven classes may win)');
  out(`accuracy ${pct(report.closed.accuracy)}  macro-F1 ${report.closed.macroF1.toFixed(3)}`);
}

function predict(text: string): void {
  const prediction = trainDefaultPredictor(Catalog.load()).predict(text);
  out(`${prediction.category} (${pct(prediction.confidence)}${prediction.confident ? '' : ', not confident: the service uses the fallback'})`);
  for (const r of prediction.ranked.slice(0, 5)) out(`  ${r.category.padEnd(20)} ${pct(r.probability)}`);
}

function main(args: string[]): number {
  const [command, ...rest] = args;
  try {
    if (command === 'check') check();
    else if (command === 'eval') evaluate();
    else if (command === 'predict' && rest.length > 0) predict(rest.join(' '));
    else {
      process.stderr.write('usage: tsx tickets/cli.ts check | eval | predict <text>\n');
      return 2;
    }
    return 0;
  } catch (err) {
    if (!(err instanceof TicketConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = main(process.argv.slice(2));
