import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { BARE, benchServer, ECHO, type ServerBench } from './server.ts';
import { benchSlowReaders, formatSlowReaders } from './slow-readers.ts';
import { benchTicketsThroughChat } from './tickets-chat.ts';

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
    `Start-up to /readyz (child process, as \`npm start\` runs it, the bundle already built): new database ${fmt(s.startupColdMs, 0)} ms, with persisted state ${fmt(s.startupWarmMs, 0)} ms; from the TypeScript sources through tsx ${fmt(s.startupSourceMs, 0)} ms`,
    `RSS: idle (20 s after start-up) ${fmt(s.rssIdleMb)} MB, right after the load ${fmt(s.rssAfterLoadMb)} MB, after 20 s idle ${fmt(s.rssSettledMb)} MB`,
    '',
    '| target | concurrent conversations | requests | errors | turns/s | vs stock echo | vs bare route | server p50 ms | server p99 ms | client p50 ms | client p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** The sections of `npm run bench`, in order; BENCH_ONLY=name[,name] runs some (the knowledge section takes minutes). */
const SECTIONS: Array<[string, () => Promise<string[]>]> = [
  ['server', async () => ['### Server turns', serverTable(await benchServer())]],
  [
    'slow',
    async () => {
      // Three WebSockets that never read on a chatty conversation: the stream's backpressure at work.
      const baseline = await benchSlowReaders({ slowSockets: 0 });
      const slow = await benchSlowReaders({ slowSockets: 3 });
      return ['### Slow stream readers', formatSlowReaders(baseline), '', formatSlowReaders(slow)];
    },
  ],
  [
    'tickets',
    async () => {
      const t = await benchTicketsThroughChat();
      return [
        '### Tickets through the chat (SQLite)',
        `- ${t.conversations} web-chat conversations at once, each through the whole intake (6 turns): ${t.tickets} tickets, ${fmt(t.ticketsPerSecond)} tickets/s; turn p50/p99 ${fmt(t.turnP50)}/${fmt(t.turnP99)} ms; none lost`,
        `- outbox: ${t.outboxDelivered} dispatch notices delivered into their conversations, ${fmt(t.outboxPerSecond)} messages/s; commit→delivery p50/p99 ${fmt(t.outboxP50, 0)}/${fmt(t.outboxP99, 0)} ms`,
      ];
    },
  ],
  ['wechat', async () => (await import('./wechat.ts')).benchWechat()],
  [
    'kb',
    async () => {
      const { benchKnowledge } = await import('./kb.ts');
      const kb = await benchKnowledge();
      return ['### Knowledge base', ...Object.entries(kb).map(([k, v]) => `- ${k}: ${v}`)];
    },
  ],
];

async function main(): Promise<void> {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`;
  const sections: string[] = [`## ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine}`];
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  for (const [name, run] of SECTIONS) {
    if (only && !only.includes(name)) continue;
    sections.push(...(await run()));
  }
  const report = `${sections.join('\n\n')}\n\n`;
  process.stdout.write(report);
  appendFileSync(new URL('./RESULTS.md', import.meta.url), report);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
