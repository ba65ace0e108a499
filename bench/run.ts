import { appendFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { BARE, benchServer, ECHO, type ServerBench } from './server.ts';
import { benchSlowReaders, formatSlowReaders } from './slow-readers.ts';

/**
 * `npm run bench`: prints the figures and appends them, with date and machine, to
 * bench/RESULTS.md. Sections: the server (turns through each channel) and the knowledge base.
 */
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

function serverTable(s: ServerBench): string {
  // Every figure also as a share of the two yardsticks measured in the same run at the same concurrency.
  const perSecondOf = (target: string, concurrency: number) => s.runs.find((r) => r.target === target && r.concurrency === concurrency)?.perSecond ?? NaN;
  const rows = s.runs.map((r) => {
    const vsEcho = r.perSecond / perSecondOf(ECHO, r.concurrency);
    const vsBare = r.perSecond / perSecondOf(BARE, r.concurrency);
    return `| ${r.target} | ${r.concurrency} | ${r.requests} | ${r.errors} | ${fmt(r.perSecond, 0)} | ${fmt(vsEcho, 2)}× | ${fmt(vsBare * 100, 1)}% | ${fmt(r.serverP50, 2)} | ${fmt(r.serverP99, 2)} | ${fmt(r.clientP50)} | ${fmt(r.clientP99)} |`;
  });
  return [
    `Start-up to /readyz (child process, incl. tsx): cold ${fmt(s.startupColdMs, 0)} ms, with persisted state ${fmt(s.startupWarmMs, 0)} ms`,
    `RSS: idle ${fmt(s.rssIdleMb)} MB, after load ${fmt(s.rssAfterLoadMb)} MB`,
    '',
    '| target | concurrent conversations | requests | errors | turns/s | vs stock echo | vs bare route | server p50 ms | server p99 ms | client p50 ms | client p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`;
  const sections: string[] = [`## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine}`];
  // BENCH_ONLY=server, kb or slow runs one section (the knowledge section takes ~3 minutes).
  const only = process.env.BENCH_ONLY;
  if (only !== 'kb' && only !== 'slow') {
    const server = await benchServer();
    sections.push('### Server turns', serverTable(server));
  }
  if (!only || only === 'slow') {
    // Three WebSockets that never read on a chatty conversation: the stream's backpressure at work.
    const baseline = await benchSlowReaders({ slowSockets: 0 });
    const slow = await benchSlowReaders({ slowSockets: 3 });
    sections.push('### Slow stream readers', formatSlowReaders(baseline), '', formatSlowReaders(slow));
  }
  if ((!only || only === 'kb') && existsSync(new URL('./kb.ts', import.meta.url))) {
    const { benchKnowledge } = await import('./kb.ts');
    const kb = await benchKnowledge();
    sections.push('### Knowledge base', ...Object.entries(kb).map(([k, v]) => `- ${k}: ${v}`));
  }
  const report = `${sections.join('\n\n')}\n\n`;
  process.stdout.write(report);
  appendFileSync(new URL('./RESULTS.md', import.meta.url), report);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
