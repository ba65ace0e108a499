// npm run bench:desk (the lead wires it into npm run bench): the desk over a year of data on SQLite and PostgreSQL
// (skipped with a note when it is not reachable). Prints:
//   - the queue list API's latency (p50/p99) with 50,000 tickets, as a signed-in agent and a department handler;
//   - the time from a user's message (Direct Line POST) to its appearance on an agent's event stream, p50/p99;
//   - the dashboard's queries over a year, a month and a week, and the streamed CSV export of the year.
// Prints figures; does not write RESULTS.md.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../app/config.ts';
import { type App, startApp } from '../app/start.ts';
import type { KnowledgePort } from '../bot/knowledge-port.ts';
import { AccountStore } from '../desk/auth/accounts.ts';
import { dashboard } from '../desk/dashboard/dashboard.ts';
import { lastDays } from '../desk/dashboard/period.ts';
import { loadTopics } from '../knowledge/content/topics.ts';
import { classify } from '../knowledge/triage/classify.ts';
import { createLogger } from '../log/logger.ts';
import { seedYear } from './desk-seed.ts';
import { UNLIMITED } from './server.ts';
import { benchTargets, type Target } from './targets.ts';

const REQUESTS = Number(process.env.BENCH_DESK_REQUESTS ?? 300);
const MESSAGES = Number(process.env.BENCH_DESK_MESSAGES ?? 200);
const PASSWORD = 'Bench-Passw0rd!';
const TOKEN = randomBytes(24).toString('hex');

/** The bot is not what is measured: a knowledge base that hands everything over. */
const quietKnowledge: KnowledgePort = {
  classify,
  menu: () => loadTopics(),
  search: async () => ({ hits: [], decision: 'handoff', reason: 'low_confidence', explanation: 'bench' }),
  entry: () => undefined,
  byCategory: () => [],
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
const ms = (n: number) => n.toFixed(1);
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1) ?? Number.NaN };
};

async function signIn(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/desk/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`bench: sign-in failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

async function timeGets(base: string, cookie: string, path: string): Promise<{ p50: number; p99: number; total: number }> {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(base + path, { headers: { cookie } });
    const body = (await res.json()) as { total?: number; open?: number };
    times.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`bench: ${path} answered ${res.status}`);
    total = body.total ?? 0;
  }
  return { ...summary(times), total };
}

/** Posts user messages in a live conversation and times each until the agent's event stream shows it. */
async function messageToScreen(app: App, cookie: string): Promise<{ p50: number; p99: number; max: number }> {
  const base = app.url;
  const started = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST' })).json()) as { conversationId: string; token: string };
  const reference = {
    channelId: 'lineone-webchat',
    conversation: { id: started.conversationId },
    user: { id: 'bench-user' },
    bot: { id: 'line-one' },
    serviceUrl: base,
  };
  const session = await app.desk.live.request({ channelId: 'lineone-webchat', userId: 'bench-user', reference });
  if (!session) throw new Error('bench: no live request');
  const csrf = (await (await fetch(`${base}/api/desk/session`, { headers: { cookie } })).json()) as { csrfToken: string };
  const taken = await fetch(`${base}/api/desk/live/${session.id}/take`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf.csrfToken, 'content-type': 'application/json' },
    body: '{}',
  });
  if (taken.status !== 200) throw new Error(`bench: take failed ${taken.status}`);

  const arrived = new Map<string, number>();
  const controller = new AbortController();
  const stream = await fetch(`${base}/api/desk/events`, { headers: { cookie }, signal: controller.signal });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const line = buffer
            .slice(0, end)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buffer = buffer.slice(end + 2);
          if (!line) continue;
          const event = JSON.parse(line.slice(6)) as { type: string; message?: { text: string } };
          if (event.type === 'live_message' && event.message) arrived.set(event.message.text, performance.now());
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 200)); // the stream is open
  const times: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const text = `第 ${i} 条消息：社保断缴怎么补`;
    const t0 = performance.now();
    const res = await fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'message', text, from: { id: 'bench-user' } }),
    });
    if (res.status !== 200) throw new Error(`bench: message ${i} answered ${res.status}`);
    while (!arrived.has(text)) {
      if (performance.now() - t0 > 5000) throw new Error(`bench: message ${i} never reached the desk`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    times.push((arrived.get(text) as number) - t0);
  }
  controller.abort();
  return summary(times);
}

async function timeDashboard(app: App, days: number, runs = 5) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await dashboard(app.db.kysely, app.db.engine, lastDays(days, new Date('2026-11-30T12:00:00+08:00')), new Date());
    times.push(performance.now() - t0);
  }
  return summary(times);
}

async function benchTarget(target: Target): Promise<void> {
  const log = createLogger('silent');
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: target.url,
    LOG_LEVEL: 'silent',
    DESK_ADMIN_TOKEN: TOKEN,
    OUTBOX_POLL_MS: '50',
    ...UNLIMITED,
  });
  const app = await startApp(config, { knowledge: quietKnowledge, log, distDir: join(tmpdir(), 'no-dist') });
  // Printed as they come: a long run shows progress, and a failure keeps what was measured.
  const lines = { push: (...l: string[]) => void process.stdout.write(`${l.join('\n')}\n`) };
  lines.push(`### ${target.engine}`);
  try {
    const seeded = performance.now();
    await seedYear(app.db.kysely, app.db.engine, app.tickets.catalog);
    lines.push(`seeded a year (50,000 tickets, ${365 * 600} questions) in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const accounts = new AccountStore(app.db.kysely);
    const agent = await accounts.create({ username: 'bench-agent', displayName: '坐席', role: 'agent', password: PASSWORD, mustChangePassword: false });
    await accounts.create({
      username: 'bench-handler',
      displayName: '承办',
      role: 'handler',
      department: 'hrss',
      password: PASSWORD,
      mustChangePassword: false,
    });
    await accounts.create({ username: 'bench-supervisor', displayName: '班长', role: 'supervisor', password: PASSWORD, mustChangePassword: false });
    // 2,000 tickets assigned to the agent: "mine" has something to find.
    const open = await app.db.kysely
      .selectFrom('tickets')
      .select('number')
      .where('state', 'in', ['new', 'dispatched', 'accepted', 'in_progress', 'returned'])
      .limit(2000)
      .execute();
    for (let i = 0; i < open.length; i += 500) {
      await app.db.kysely
        .insertInto('desk_assignments')
        .values(
          open.slice(i, i + 500).map((r) => ({ ticket_number: r.number, account_id: agent.id, assigned_at: new Date().toISOString(), assigned_by: agent.id })),
        )
        .execute();
    }
    const agentCookie = await signIn(app.url, 'bench-agent');
    const handlerCookie = await signIn(app.url, 'bench-handler');
    const supervisorCookie = await signIn(app.url, 'bench-supervisor');
    const OPEN = 'state=new,dispatched,accepted,in_progress,returned';
    const queries: [string, string, string][] = [
      ['agent', 'open queue (urgency, then due)', `/api/desk/tickets?${OPEN}`],
      ['agent', 'mine', `/api/desk/tickets?${OPEN}&assigned=me`],
      ['agent', 'unassigned', `/api/desk/tickets?${OPEN}&assigned=none`],
      ['agent', 'overdue', '/api/desk/tickets?overdue=true'],
      ['agent', 'red list', `/api/desk/tickets?${OPEN}&redList=true`],
      ['agent', 'one category', `/api/desk/tickets?${OPEN}&category=transport`],
      ['agent', 'search, 9 characters', `/api/desk/tickets?q=${encodeURIComponent('示例企业42有限公司')}`],
      ['agent', 'all, page 50', '/api/desk/tickets?page=50'],
      ['handler', 'department queue (hrss)', '/api/desk/tickets?state=dispatched'],
      ['agent', 'filter chip counts', '/api/desk/tickets/counts'],
    ];
    lines.push('', '| who | list query | matches | p50 ms | p99 ms |', '|---|---|---|---|---|');
    for (const [who, name, path] of process.env.BENCH_DESK_SKIP ? [] : queries) {
      const r = await timeGets(app.url, who === 'agent' ? agentCookie : handlerCookie, path);
      lines.push(`| ${who} | ${name} | ${r.total || '—'} | ${ms(r.p50)} | ${ms(r.p99)} |`);
    }
    const m = process.env.BENCH_DESK_SKIP ? { p50: 0, p99: 0, max: 0 } : await messageToScreen(app, agentCookie);
    lines.push(
      '',
      `user message → agent's screen (Direct Line POST to the event on the agent's stream), ${MESSAGES} messages: p50 ${ms(m.p50)} ms, p99 ${ms(m.p99)} ms, max ${ms(m.max)} ms`,
    );
    lines.push('', '| dashboard period | p50 ms | p99 (max of 5) ms |', '|---|---|---|');
    for (const days of process.env.BENCH_DESK_SKIP ? [] : [365, 30, 7]) {
      const d = await timeDashboard(app, days);
      lines.push(`| ${days} days | ${ms(d.p50)} | ${ms(d.max)} |`);
    }
    const t0 = performance.now();
    // The pooled connection may have been closed by the server's keep-alive timeout during the dashboards: once more.
    const exportUrl = `${app.url}/api/desk/export/tickets.csv?from=2025-12-01&to=2026-11-30`;
    const res = await fetch(exportUrl, { headers: { cookie: supervisorCookie } }).catch(() => fetch(exportUrl, { headers: { cookie: supervisorCookie } }));
    if (res.status !== 200) throw new Error(`bench: export answered ${res.status}: ${await res.text()}`);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
    lines.push(
      '',
      `CSV export of the year's 50,000 tickets: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${(bytes / 2 ** 20).toFixed(1)} MiB, streamed (RSS after: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    await app.close();
  }
}

export async function benchDesk(): Promise<void> {
  process.stdout.write(`Desk bench: ${REQUESTS} requests per list query, ${MESSAGES} live messages\n\n`);
  for (const target of await benchTargets('desk')) {
    try {
      await benchTarget(target);
      process.stdout.write('\n');
    } finally {
      await target.drop();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchDesk().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
