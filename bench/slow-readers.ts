import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { rssMb, startChild, UNLIMITED } from './server.ts';

/**
 * Slow readers: one chatty conversation (long messages posted as fast as the server takes them),
 * three WebSockets on its stream that never read a byte, and one that does. Prints the server's RSS
 * before, at its peak and after, and checks that the reading client got every activity, in order.
 *
 *   npx tsx bench/slow-readers.ts            (BENCH_SECONDS=10 by default)
 */
export interface SlowReaderResult {
  seconds: number;
  slowSockets: number;
  posted: number;
  activities: number;
  delivered: number;
  inOrder: boolean;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  /** Non-reading sockets the server had disconnected by the end. */
  slowDisconnected: number;
}

export interface SlowReaderOptions {
  seconds?: number;
  env?: Record<string, string>;
  /** Where app/main.ts is (another checkout, to compare). */
  cwd?: string;
  /** Non-reading sockets (default 3; 0 gives the baseline growth of the chat alone). */
  slowSockets?: number;
}

/**
 * Each post as large as a client may make it now: a short question and about 4 KB in each free-form
 * field, ~16 KB (the probe sent 60 KB values, which the door refuses today).
 */
const TEXT = '公积金缴存比例是多少';
const BLOB = 'x'.repeat(3900);
const EXTRA = {
  value: { note: BLOB },
  channelData: { note: BLOB },
  entities: [{ type: 'note', note: BLOB }],
  attachments: [{ contentType: 'text/plain', content: BLOB }],
};

export async function benchSlowReaders(options: SlowReaderOptions = {}): Promise<SlowReaderResult> {
  const seconds = options.seconds ?? Number(process.env.BENCH_SECONDS ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'lineone-slow-'));
  const previous = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  const server = await startChild('app/main.ts', {
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    ...UNLIMITED,
    DIRECTLINE_STREAMS_PER_CONVERSATION: '4',
    ...options.env,
  }).finally(() => process.chdir(previous));
  const slow: Socket[] = [];
  let reader: WebSocket | undefined;
  try {
    const started = (await (await fetch(`${server.url}/v3/directline/conversations`, { method: 'POST' })).json()) as {
      conversationId: string;
      token: string;
      streamUrl: string;
    };
    // Three clients that open the stream and never read: the server's writes back up.
    for (let i = 0; i < (options.slowSockets ?? 3); i++) {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      await once(socket, 'connect');
      const path = new URL(started.streamUrl).pathname + new URL(started.streamUrl).search;
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      socket.pause();
      socket.on('error', () => undefined);
      slow.push(socket);
    }
    // One client that reads: it must still get everything, in order.
    const received: number[] = [];
    reader = new WebSocket(started.streamUrl);
    reader.on('message', (data) => {
      const text = data.toString();
      if (text) for (const a of (JSON.parse(text) as { activities: Array<{ id: string }> }).activities) received.push(Number(a.id.split('|')[1]));
    });
    await once(reader, 'open');
    await waitFor(() => received.length >= 1, 10_000);

    const samples: number[] = [];
    const rssBeforeMb = rssMb(server.child);
    const sampler = setInterval(() => samples.push(rssMb(server.child)), 100);
    let posted = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (performance.now() < until) {
          const res = await fetch(`${server.url}/v3/directline/conversations/${started.conversationId}/activities`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${started.token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ type: 'message', text: TEXT, ...EXTRA }),
          });
          await res.arrayBuffer();
          if (res.status === 200) posted++;
        }
      }),
    );
    let activities = 0;
    for (;;) {
      const res = await fetch(`${server.url}/v3/directline/conversations/${started.conversationId}/activities?watermark=${activities}`, {
        headers: { Authorization: `Bearer ${started.token}` },
      });
      const page = (await res.json()) as { watermark: string; activities: unknown[] };
      if (page.activities.length === 0) break;
      activities = Number(page.watermark);
    }
    await waitFor(() => received.length >= activities, 60_000).catch(() => undefined); // reported as missing
    clearInterval(sampler);
    const rssAfterMb = rssMb(server.child);
    // Did the server give up on them? Read what they were sent and see whether the connection ends.
    const slowClosed = (
      await Promise.all(
        slow.map(async (socket) => {
          const closed = once(socket, 'close').then(() => true);
          socket.on('data', () => undefined);
          socket.resume();
          return Promise.race([closed, new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
        }),
      )
    ).filter(Boolean).length;
    const inOrder = received.every((seq, i) => seq === i + 1) && received.length === activities;
    return {
      seconds,
      slowSockets: slow.length,
      posted,
      activities,
      delivered: received.length,
      inOrder,
      rssBeforeMb,
      rssPeakMb: Math.max(rssBeforeMb, ...samples),
      rssAfterMb,
      slowDisconnected: slowClosed,
    };
  } finally {
    reader?.terminate();
    for (const s of slow) s.destroy();
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('bench: timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function formatSlowReaders(r: SlowReaderResult): string {
  const f = (n: number) => n.toFixed(0);
  return [
    `${r.slowSockets} non-reading sockets + 1 reader on one conversation, ${r.seconds} s of chat (${r.posted} posts of ~16 KB, ${r.activities} activities)`,
    `server RSS: before ${f(r.rssBeforeMb)} MB, peak ${f(r.rssPeakMb)} MB (+${f(r.rssPeakMb - r.rssBeforeMb)} MB), after ${f(r.rssAfterMb)} MB`,
    `reader got ${r.delivered}/${r.activities} activities ${r.inOrder ? 'in order' : 'OUT OF ORDER OR MISSING'}; non-reading sockets disconnected by the server: ${r.slowDisconnected}/${r.slowSockets}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchSlowReaders({
    cwd: process.env.BENCH_CWD,
    slowSockets: process.env.BENCH_SLOW ? Number(process.env.BENCH_SLOW) : undefined,
    env: process.env.BENCH_STALL ? { DIRECTLINE_STREAM_STALL_SECONDS: process.env.BENCH_STALL } : {},
  }).then(
    (r) => process.stdout.write(`${formatSlowReaders(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
