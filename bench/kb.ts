// Knowledge-base benchmark: query latency (p50/p99) on the real KB and on synthetic KBs of 10,000 and 100,000
// entries, index build time, start-up with a persisted index, memory. `npx tsx bench/kb.ts` runs it alone;
// bench/run.ts imports benchKnowledge() for the combined report.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ASKED_DIR, DEFAULT_CONTENT_DIR, loadContent } from '../knowledge/content/load.ts';
import type { Entry } from '../knowledge/content/schema.ts';
import { syntheticEntries, syntheticQueries } from '../knowledge/eval/synthetic.ts';
import { KnowledgeBase } from '../knowledge/search.ts';
import { percentile } from '../lib/stats.ts';

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const FOLLOWUPS = ['能领多久', '需要带什么材料', '可以在网上办吗', '那灵活就业人员呢', '租房的话呢', '要交多少钱'];
const ms = (x: number) => Math.round(x * 100) / 100;

/** A query, with the entry answered before it when it is a follow-up. */
type Query = string | { text: string; lastEntryId: string };

async function latency(kb: KnowledgeBase, queries: Query[], warmUp = 200): Promise<{ p50: number; p99: number; mean: number }> {
  const run = (q: Query) => (typeof q === 'string' ? kb.search(q) : kb.search(q.text, { lastEntryId: q.lastEntryId }));
  for (const q of queries.slice(0, warmUp)) await run(q); // warm up: JIT, caches
  const times: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    times.push(performance.now() - t);
  }
  return { p50: ms(percentile(times, 50)), p99: ms(percentile(times, 99)), mean: ms(times.reduce((s, x) => s + x, 0) / times.length) };
}

/** Writes entries as a content folder so the persisted-index path (hash, save, load) is what gets measured. */
function writeContent(entries: Entry[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kb-bench-content-'));
  const plain = entries.map(({ id, question, alternates, answerTemplate, answer, category, department, basis, scope, reviewed, related }) => ({
    id,
    question,
    alternates,
    answer: answerTemplate || answer,
    category,
    department,
    basis,
    scope,
    reviewed,
    related,
  }));
  writeFileSync(join(dir, 'synthetic.yaml'), stringify(plain, { lineWidth: 0, aliasDuplicateObjects: false }));
  // The labelled user questions too (content/asked/): the real KB is measured as it is served.
  const asked = entries.flatMap((e) => (e.asked ?? []).map((q) => ({ q, expect: e.id })));
  if (asked.length > 0) {
    mkdirSync(join(dir, ASKED_DIR));
    writeFileSync(join(dir, ASKED_DIR, 'asked.yaml'), stringify(asked, { lineWidth: 0 }));
  }
  return dir;
}

async function measure(label: string, entries: Entry[], queries: string[], out: Record<string, string | number>, persisted: boolean): Promise<void> {
  const indexDir = mkdtempSync(join(tmpdir(), 'kb-bench-index-'));
  const contentDir = persisted ? writeContent(entries) : undefined;
  try {
    const rssBefore = process.memoryUsage().rss;
    let t = performance.now();
    const kb = persisted ? await KnowledgeBase.open({ contentDir, indexDir }) : await KnowledgeBase.fromEntries(entries);
    out[`${label}: entries / phrasings`] = `${kb.stats().entries} / ${kb.stats().phrasings}`;
    out[`${label}: build ms`] = Math.round(performance.now() - t);
    process.stderr.write(`[bench/kb] ${label}: built in ${out[`${label}: build ms`]} ms\n`);
    t = performance.now();
    await kb.warmUp(); // what the app runs in slices once it serves (app/main.ts)
    out[`${label}: warm-up of the entries after start-up ms`] = Math.round(performance.now() - t);
    const lat = await latency(kb, queries);
    out[`${label}: query p50 ms`] = lat.p50;
    out[`${label}: query p99 ms`] = lat.p99;
    out[`${label}: query mean ms`] = lat.mean;
    // The same questions again: every word and entry met once (a server's steady state); the pass above is the first.
    const again = await latency(kb, queries, 0);
    out[`${label}: query p50 / p99 ms, second pass`] = `${again.p50} / ${again.p99}`;
    // Elliptical follow-ups read against a random earlier answer: rewritten, then searched as a whole question.
    const ids = kb.entries().map((e) => e.id);
    const followups = FOLLOWUPS.flatMap((text, i) =>
      Array.from({ length: 100 }, (_, k) => ({ text, lastEntryId: ids[(i * 7919 + k * 104729) % ids.length] as string })),
    );
    const fl = await latency(kb, followups);
    out[`${label}: follow-up p50 / p99 ms`] = `${fl.p50} / ${fl.p99}`;
    out[`${label}: RSS MB (growth while built)`] = `${mb(process.memoryUsage().rss)} (+${mb(process.memoryUsage().rss - rssBefore)})`;
    if (persisted) {
      t = performance.now();
      const reopened = await KnowledgeBase.open({ contentDir, indexDir });
      out[`${label}: start-up with persisted index, same process ms`] = Math.round(performance.now() - t);
      if (!reopened.info.reused) out[`${label}: WARNING`] = 'persisted index was not reused';
    }
  } finally {
    rmSync(indexDir, { recursive: true, force: true });
    if (contentDir) rmSync(contentDir, { recursive: true, force: true });
  }
}

/** Start-up as the app sees it: a fresh process (module loading, jieba's dictionary) opening the saved index. */
function coldStart(indexDir: string): string {
  const script = `const t = performance.now(); const { KnowledgeBase } = await import(${JSON.stringify(new URL('../knowledge/search.ts', import.meta.url).href)}); const kb = await KnowledgeBase.open({ indexDir: ${JSON.stringify(indexDir)} }); process.stdout.write(JSON.stringify({ ms: Math.round(performance.now() - t), reused: kb.info.reused }));`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const parsed = JSON.parse(res.stdout || '{}') as { ms?: number; reused?: boolean };
  return parsed.ms === undefined ? `failed: ${res.stderr.slice(0, 200)}` : `${parsed.ms}${parsed.reused ? '' : ' (index was rebuilt!)'}`;
}

export async function benchKnowledge(): Promise<Record<string, string | number>> {
  const out: Record<string, string | number> = {};
  const coldDir = mkdtempSync(join(tmpdir(), 'kb-bench-cold-'));
  await KnowledgeBase.open({ indexDir: coldDir });
  out['real KB: cold start-up, new process, persisted index ms (incl. module loading)'] = coldStart(coldDir);
  rmSync(coldDir, { recursive: true, force: true });
  const { entries: real } = loadContent({ contentDir: DEFAULT_CONTENT_DIR });
  const realQueries = real.flatMap((e) => [e.question, ...e.alternates]);
  await measure('real KB', real, realQueries, out, true);
  const big = syntheticEntries(real, { count: 10_000 });
  await measure('synthetic 10k', big, syntheticQueries(big, 3000), out, true);
  // 100k: built in memory (writing and parsing 100k entries of YAML would measure the YAML library, not us), with
  // 3 alternates (400k phrasings) to keep the run under 3 minutes; 7 alternates (800k) built in ~5 min here.
  const huge = syntheticEntries(real, { count: 100_000, alternates: 3 });
  await measure('synthetic 100k (3 alternates)', huge, syntheticQueries(huge, 2000), out, false);
  global.gc?.();
  out['RSS MB at end'] = mb(process.memoryUsage().rss);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const figures = await benchKnowledge();
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k}: ${v}\n`);
  process.stdout.write(`(bench took ${Math.round((performance.now() - started) / 1000)} s)\n`);
}
