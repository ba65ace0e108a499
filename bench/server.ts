import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '../scripts/build.ts';
import { ROOT, sourceStamp } from '../scripts/stamp.mjs';
import { buildPages } from '../web/build.ts';
import { type Call, type LoadResult, runLoad } from './load.ts';

const QUESTIONS = [
  '公积金缴存比例是多少',
  '异地就医怎么备案',
  '新员工入职社保怎么增员',
  '工伤认定要多久',
  '失业金怎么领',
  '你好',
  '生育津贴怎么算',
  '社保断缴有什么影响',
];
const LEVELS = [1, 50, 200];
export const ECHO = 'stock botbuilder echo (CloudAdapter, expectReplies)';
export const BARE = 'bare restify route';
const PACE_MS = 1000;
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 4) * 1000;

/**
 * The load generator runs hundreds of conversations from one address, each posting as fast as it can:
 * lift the per-address, per-conversation and size caps a public server needs.
 */
export const UNLIMITED: Record<string, string> = {
  DIRECTLINE_STARTS_PER_MINUTE: '1000000',
  DIRECTLINE_STARTS_GLOBAL_PER_MINUTE: '1000000',
  DIRECTLINE_MESSAGES_PER_MINUTE: '1000000',
  DIRECTLINE_MESSAGES_PER_ADDRESS_PER_MINUTE: '1000000',
  DIRECTLINE_MAX_ACTIVITIES: '100000000',
  BOTFRAMEWORK_REQUESTS_PER_MINUTE: '1000000',
};

export interface ServerBench {
  startupSourceMs: number;
  startupColdMs: number;
  startupWarmMs: number;
  rssIdleMb: number;
  rssAfterLoadMb: number;
  /** After the load, once the server has been idle long enough for its idle-time collections (lib/memory-housekeeping.ts). */
  rssSettledMb: number;
  runs: Array<{ target: string } & LoadResult>;
}

/** Idle time after the load before memory is read again: up to four of the housekeeping's 5 s looks. */
const SETTLE_MS = 20_000;

/** Starts Line One and a bare restify route as child processes and loads each from here. */
export async function benchServer(): Promise<ServerBench> {
  const dir = mkdtempSync(join(tmpdir(), 'lineone-bench-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...UNLIMITED };
  try {
    const source = await startChild('app/main.ts', env, { fromSource: true });
    source.child.kill('SIGTERM');
    await once(source.child, 'exit');
    rmSync(join(dir, 'bench.db'), { force: true });
    const cold = await startChild('app/main.ts', env);
    cold.child.kill('SIGTERM');
    await once(cold.child, 'exit');
    const app = await startChild('app/main.ts', env);
    const bare = await startChild('bench/bare-server.ts', {});
    const echo = await startChild('bench/echo-server.ts', {});
    await new Promise((r) => setTimeout(r, SETTLE_MS)); // at rest after start-up, as a server waits for its first users
    const rssIdleMb = rssMb(app.child);
    const runs: ServerBench['runs'] = [];
    for (const concurrency of LEVELS) {
      runs.push({ target: BARE, ...(await runLoad(bare.url, concurrency, DURATION_MS, () => bareCall())) });
      runs.push({ target: ECHO, ...(await runLoad(echo.url, concurrency, DURATION_MS, apiMessagesCall)) });
      runs.push({ target: 'Direct Line', ...(await directLineLoad(app.url, concurrency)) });
      runs.push({ target: '/api/messages expectReplies', ...(await runLoad(app.url, concurrency, DURATION_MS, apiMessagesCall)) });
    }
    // 200 people chatting at once, each sending a message a second: the load a busy hotline sees.
    runs.push({ target: 'Direct Line, 1 msg/s per conversation', ...(await directLineLoad(app.url, 200, PACE_MS)) });
    const rssAfterLoadMb = rssMb(app.child);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const rssSettledMb = rssMb(app.child);
    const children = [app.child, bare.child, echo.child];
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => once(c, 'exit')));
    return { startupSourceMs: source.startupMs, startupColdMs: cold.startupMs, startupWarmMs: app.startupMs, rssIdleMb, rssAfterLoadMb, rssSettledMb, runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function directLineLoad(base: string, concurrency: number, paceMs?: number): Promise<LoadResult> {
  const conversations = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST' });
      return (await res.json()) as { conversationId: string; token: string };
    }),
  );
  return runLoad(
    base,
    concurrency,
    DURATION_MS,
    (w, i) => {
      const c = conversations[w]!;
      return {
        method: 'POST',
        path: `/v3/directline/conversations/${c.conversationId}/activities`,
        headers: { Authorization: `Bearer ${c.token}` },
        body: JSON.stringify({ type: 'message', text: QUESTIONS[i % QUESTIONS.length], from: { id: 'u' } }),
      };
    },
    paceMs,
  );
}

function apiMessagesCall(w: number, i: number): Call {
  const activity = {
    type: 'message',
    id: `a-${w}-${i}`,
    text: QUESTIONS[i % QUESTIONS.length],
    channelId: 'emulator',
    serviceUrl: 'http://127.0.0.1:9/unused',
    deliveryMode: 'expectReplies',
    from: { id: `user-${w}` },
    recipient: { id: 'bot' },
    conversation: { id: `bench-${w}` },
  };
  return { method: 'POST', path: '/api/messages', body: JSON.stringify(activity) };
}

function bareCall(): Call {
  return { method: 'POST', path: '/echo', body: JSON.stringify({ type: 'message', text: QUESTIONS[0] }) };
}

/**
 * Starts a script as a child process and waits until it serves. The app starts as `npm start` does (the server
 * bundle, built beforehand so the build is not timed) unless `fromSource` asks for tsx on the TypeScript.
 */
export async function startChild(script: string, env: Record<string, string>, options: { fromSource?: boolean } = {}) {
  const isApp = script === 'app/main.ts';
  const compiled = isApp && !options.fromSource;
  if (compiled) await ensureBuilt();
  const port = await freePort();
  const started = performance.now();
  const args = compiled ? [...START_FLAGS, join(ROOT, 'scripts/start.mjs')] : ['--import', 'tsx', script];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const probe = isApp ? `${url}/readyz` : `${url}/none`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bench: ${script} exited with ${child.exitCode}`);
    const ok = await fetch(probe).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, url, startupMs: performance.now() - started };
}

/** Node's flags in `npm start` (a heap that grows by a quarter over live data, README), so the bench runs what users run. */
const START_FLAGS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((arg) => arg.startsWith('--'));

/** Builds the server bundle and pages when the sources changed since the last build (what `npm start` would do). */
async function ensureBuilt(): Promise<void> {
  const stampFile = join(ROOT, 'dist', 'stamp');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceStamp()) return;
  await buildPages();
  await buildServer();
}

export function rssMb(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}
