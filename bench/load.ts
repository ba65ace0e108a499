import { percentile } from '../lib/stats.ts';
import { Agent, request } from 'node:http';

export interface LoadResult {
  concurrency: number;
  requests: number;
  errors: number;
  perSecond: number;
  clientP50: number;
  clientP99: number;
  serverP50: number;
  serverP99: number;
}

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Closed-loop load: `concurrency` workers, each sending its next request as soon as the last one
 * is answered, for a fixed time (or, paced, one per `paceMs`). Records client latency and the
 * server's own `Server-Timing`.
 */
export async function runLoad(
  baseUrl: string,
  concurrency: number,
  durationMs: number,
  nextCall: (worker: number, i: number) => Call,
  /** When set, each worker sends one request per `paceMs` (people typing), not back to back. */
  paceMs?: number,
): Promise<LoadResult> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const client: number[] = [];
  const server: number[] = [];
  let errors = 0;
  // Each worker first opens its connection with one untimed request: a burst of 200 new
  // connections to a saturated server waits behind the busy ones (seen: 4 s for the last few),
  // which measures connection set-up, not a turn; browsers keep their connection open.
  await Promise.all(Array.from({ length: concurrency }, (_, w) => send(agent, url, nextCall(w, 0))));
  const deadline = performance.now() + durationMs;
  const worker = async (w: number) => {
    if (paceMs) await sleep(Math.random() * paceMs);
    for (let i = 1; performance.now() < deadline; i++) {
      const started = performance.now();
      const { status, timing } = await send(agent, url, nextCall(w, i));
      if (status >= 400) errors++;
      client.push(performance.now() - started);
      if (timing !== undefined) server.push(timing);
      if (paceMs) await sleep(Math.max(0, started + paceMs - performance.now()));
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = (performance.now() - began) / 1000;
  agent.destroy();
  return {
    concurrency,
    requests: client.length,
    errors,
    perSecond: client.length / elapsed,
    clientP50: percentile(client, 50),
    clientP99: percentile(client, 99),
    serverP50: percentile(server, 50),
    serverP99: percentile(server, 99),
  };
}

function send(agent: Agent, base: URL, call: Call): Promise<{ status: number; timing?: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: base.hostname, port: base.port, method: call.method, path: call.path, headers: { 'Content-Type': 'application/json', ...call.headers } },
      (res) => {
        res.resume();
        res.on('end', () => {
          const header = String(res.headers['server-timing'] ?? '');
          const match = /dur=([\d.]+)/.exec(header);
          resolve({ status: res.statusCode ?? 0, timing: match ? Number(match[1]) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(call.body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
