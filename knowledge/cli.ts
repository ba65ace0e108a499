// kb:check | kb:build | kb:search -- "问题" [--last ENTRY_ID] | kb:eval [--calibrate] [--dev-only] [--show N] [--show-heldout N]
// Options for build/search/eval: --index-dir DIR, --embeddings local|none|openai, --embeddings-url URL,
// --embeddings-model NAME (the API key, if any, is read from the environment variable named by --api-key-env).
import { parseArgs } from 'node:util';
import { checkConfigFiles } from './check-files.ts';
import { formatIssue, loadContent } from './content/load.ts';
import { CATEGORIES, type Entry } from './content/schema.ts';
import type { EmbeddingsConfig } from './index/dense.ts';
import type { FusionMode } from './index/fusion.ts';
import { runEval } from './eval/run.ts';
import { KnowledgeBase, type KnowledgeBaseOptions } from './search.ts';
import { normalize } from './text/normalize.ts';
import { Synonyms } from './text/synonyms.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'index-dir': { type: 'string' },
    embeddings: { type: 'string', default: 'local' },
    'embeddings-url': { type: 'string' },
    'embeddings-model': { type: 'string' },
    'api-key-env': { type: 'string' },
    mode: { type: 'string' },
    calibrate: { type: 'boolean', default: false },
    'dev-only': { type: 'boolean', default: false },
    last: { type: 'string' },
    show: { type: 'string', default: '15' },
    'show-heldout': { type: 'string', default: '0' },
  },
});

const print = (t: string) => process.stdout.write(`${t}\n`);

function embeddingsConfig(): EmbeddingsConfig {
  const kind = values.embeddings;
  if (kind === 'none') return { kind: 'none' };
  if (kind === 'openai') {
    const baseUrl = values['embeddings-url'];
    const model = values['embeddings-model'];
    if (!baseUrl || !model) throw new Error('[knowledge/cli] --embeddings openai needs --embeddings-url and --embeddings-model');
    const keyVar = values['api-key-env'];
    return { kind: 'openai', baseUrl, model, apiKey: keyVar ? process.env[keyVar] : undefined };
  }
  return { kind: 'local' };
}

function kbOptions(): KnowledgeBaseOptions {
  return { indexDir: values['index-dir'], embeddings: embeddingsConfig(), log: (m) => process.stderr.write(`${m}\n`) };
}

/** Phrasings of different entries that become the same text once synonyms apply: the index cannot tell them apart. */
function canonicalTwins(entries: Entry[]): string[] {
  const synonyms = Synonyms.load();
  const owner = new Map<string, [Entry, string]>();
  const out: string[] = [];
  for (const e of entries) {
    for (const p of [e.question, ...e.alternates]) {
      const key = synonyms.apply(normalize(p)).replace(/\s+/g, '');
      const first = owner.get(key);
      if (first && first[0].id !== e.id)
        out.push(`${e.source.file}:${e.source.line}: warning: ${e.id}: "${p}" reads the same as "${first[1]}" of ${first[0].id} once synonyms apply`);
      else owner.set(key, [e, p]);
    }
  }
  return out;
}

async function check(): Promise<number> {
  const { entries, issues, files } = loadContent({ strict: false });
  for (const issue of issues) print(formatIssue(issue));
  const fileProblems = checkConfigFiles();
  for (const problem of fileProblems) print(problem);
  if (fileProblems.length === 0) for (const line of canonicalTwins(entries)) print(line);
  const errors = issues.filter((i) => i.severity === 'error').length + fileProblems.length;
  const asked = entries.reduce((n, e) => n + (e.asked?.length ?? 0), 0);
  print(
    `\n${files.length} files, ${entries.length} valid entries, ${entries.reduce((n, e) => n + 1 + e.alternates.length, 0)} phrasings, ${asked} labelled user questions`,
  );
  for (const category of CATEGORIES) print(`  ${category}: ${entries.filter((e) => e.category === category).length}`);
  print(errors === 0 ? 'OK' : `${errors} error(s)`);
  return errors === 0 ? 0 : 1;
}

async function build(): Promise<number> {
  const started = performance.now();
  const kb = await KnowledgeBase.open(kbOptions());
  const s = kb.stats();
  const how = s.info.reused ? 'unchanged, reused the saved index' : 'built and saved';
  print(`${s.entries} entries, ${s.phrasings} phrasings, dense channel: ${s.dense}; index ${s.info.hash} ${how}`);
  print(`build ${s.info.millis.toFixed(0)} ms, open total ${(performance.now() - started).toFixed(0)} ms`);
  if (s.info.stages)
    print(
      Object.entries(s.info.stages)
        .map(([k, v]) => `  ${k}: ${v} ms`)
        .join('\n'),
    );
  return 0;
}

async function search(): Promise<number> {
  const text = positionals.slice(1).join(' ');
  if (!text) {
    print('usage: npm run kb:search -- "问题"');
    return 2;
  }
  const kb = await KnowledgeBase.open(kbOptions());
  const started = performance.now();
  const mode = values.mode as FusionMode | undefined;
  const result = await kb.search(text, { mode, lastEntryId: values.last, signals: true });
  const why = [result.reason, result.department, result.needsContext ? 'needs context' : undefined].filter(Boolean).join(', ');
  print(`decision: ${result.decision}${why ? ` (${why})` : ''} — ${result.explanation}  (${(performance.now() - started).toFixed(1)} ms)`);
  if (result.hits.length > 0) print(`offered: ${result.hits.map((h) => h.entryId).join(', ')}`);
  for (const [i, h] of result.ranked.entries()) {
    const s = h.signals
      ? Object.entries(h.signals)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '';
    print(`${i + 1}. ${h.entryId}  score ${h.score}  confidence ${h.confidence}\n   ${h.question}\n   matched: ${h.matched}\n   ${s}`);
  }
  return 0;
}

async function main(): Promise<number> {
  switch (positionals[0]) {
    case 'check':
      return check();
    case 'build':
      return build();
    case 'search':
      return search();
    case 'eval':
      await runEval({
        calibrate: values.calibrate,
        devOnly: values['dev-only'],
        show: Number(values.show),
        showHeldOut: Number(values['show-heldout']),
        kb: { embeddings: embeddingsConfig() },
      });
      return 0;
    default:
      print('usage: tsx knowledge/cli.ts check | build | search -- "问题" [--last ENTRY_ID] | eval [--calibrate] [--dev-only] [--show N] [--show-heldout N]');
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
