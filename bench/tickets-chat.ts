// Tickets through the chat, as users make them: 50 web-chat conversations at once each go through the whole
// intake over Direct Line (7 turns) against Line One in a child process; then every ticket is dispatched through
// the desk API and the outbox delivers the notice into each conversation. Prints tickets/s, turn latency, and
// the outbox's messages/s with the time from the change's commit to delivery; checks that nothing was lost.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { percentile } from '../lib/stats.ts';
import { startChild } from './server.ts';

const CONVERSATIONS = 50;
const TOKEN = randomBytes(24).toString('hex');
const INTAKE = ['转人工', '个人', '张先生', '13812345678', '灵活就业人员怎么交社保', '确认提交'];

export interface TicketsChatBench {
  conversations: number;
  tickets: number;
  ticketsPerSecond: number;
  turnP50: number;
  turnP99: number;
  outboxDelivered: number;
  outboxPerSecond: number;
  outboxP50: number;
  outboxP99: number;
}

interface Conversation {
  conversationId: string;
  token: string;
}

export async function benchTicketsThroughChat(): Promise<TicketsChatBench> {
  const dir = mkdtempSync(join(tmpdir(), 'lineone-bench-tickets-'));
  const dbFile = join(dir, 'bench.db');
  const env = {
    DATABASE_URL: `sqlite:${dbFile}`,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DESK_ADMIN_TOKEN: TOKEN,
    OUTBOX_POLL_MS: '100',
    DIRECTLINE_STARTS_PER_MINUTE: '100000',
    DIRECTLINE_STARTS_GLOBAL_PER_MINUTE: '100000',
    DIRECTLINE_MESSAGES_PER_MINUTE: '100000',
    DIRECTLINE_MESSAGES_PER_ADDRESS_PER_MINUTE: '100000',
  };
  const app = await startChild('app/main.ts', env);
  try {
    const conversations = await Promise.all(Array.from({ length: CONVERSATIONS }, () => start(app.url)));
    const turns: number[] = [];
    const began = performance.now();
    await Promise.all(
      conversations.map(async (c) => {
        for (const text of INTAKE) turns.push(await post(app.url, c, text));
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    const list = await desk(app.url, 'GET', '/tickets?pageSize=100');
    const tickets = list.items as Array<{ number: string; version: number }>;
    if (tickets.length !== CONVERSATIONS) throw new Error(`bench: ${tickets.length} tickets for ${CONVERSATIONS} intakes`);

    // Outbox: one dispatch per ticket, its notice delivered into the conversation it came from.
    const dispatchBegan = Date.now();
    await Promise.all(tickets.map((t) => desk(app.url, 'POST', `/tickets/${t.number}/actions/dispatch`, { expectedVersion: t.version })));
    const db = await openSqlite(dbFile);
    let delivered: Array<{ created_at: string; delivered_at: string | null }> = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
      delivered = await db
        .selectFrom('outbox_messages')
        .select(['created_at', 'delivered_at'])
        .where('status', '=', 'delivered')
        .where('created_at', '>=', new Date(dispatchBegan).toISOString())
        .execute();
      if (delivered.length >= CONVERSATIONS) break;
    }
    await db.destroy();
    const latencies = delivered.map((r) => Date.parse(r.delivered_at ?? '') - Date.parse(r.created_at));
    const span = (Math.max(...delivered.map((r) => Date.parse(r.delivered_at ?? ''))) - Math.min(...delivered.map((r) => Date.parse(r.created_at)))) / 1000;
    return {
      conversations: CONVERSATIONS,
      tickets: tickets.length,
      ticketsPerSecond: tickets.length / seconds,
      turnP50: percentile(turns, 50),
      turnP99: percentile(turns, 99),
      outboxDelivered: delivered.length,
      outboxPerSecond: delivered.length / Math.max(span, 0.001),
      outboxP50: percentile(latencies, 50),
      outboxP99: percentile(latencies, 99),
    };
  } finally {
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function start(base: string): Promise<Conversation> {
  const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST' });
  return (await res.json()) as Conversation;
}

/** One user message; returns the client-side time of the turn (the reply is stored when the POST returns). */
async function post(base: string, c: Conversation, text: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${base}/v3/directline/conversations/${c.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'message', text, from: { id: 'u' } }),
  });
  if (res.status !== 200) throw new Error(`bench: posting "${text}" answered ${res.status}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

async function desk(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}/api/desk${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 400) throw new Error(`bench: desk ${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function openSqlite(file: string): Promise<Kysely<any>> {
  const { default: SQLite } = await import('better-sqlite3');
  return new Kysely<any>({ dialect: new SqliteDialect({ database: new SQLite(file, { readonly: true }) }) });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
