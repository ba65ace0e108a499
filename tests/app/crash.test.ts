import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.ts';
import { type ActivityPage, type Started, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

const SECRET = 'crash-test-secret-0123456789-abcdefghij';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startChild(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DIRECTLINE_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    DIRECTLINE_STARTS_PER_MINUTE: '10000',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await expect
    .poll(
      () =>
        fetch(`${url}/readyz`).then(
          (r) => r.status,
          () => 0,
        ),
      { timeout: 150_000, interval: 100 },
    )
    .toBe(200);
  return { child, url };
}

/** Every activity of a conversation, paging with the watermark. */
async function history(base: string, conversationId: string): Promise<ActivityPage['activities']> {
  const all: ActivityPage['activities'] = [];
  let watermark = '';
  for (;;) {
    const res = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities?watermark=${watermark}`, {
      headers: { Authorization: `Bearer ${SECRET}` },
    });
    const page = (await res.json()) as ActivityPage;
    if (page.activities.length === 0) return all;
    all.push(...page.activities);
    watermark = page.watermark;
  }
}

/**
 * kill -9 under load: every message the server acknowledged (200 with its id) is there after a restart, with the
 * reply of its turn right after it; a turn is all or nothing.
 */
function crashSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`kill -9 under load on ${engine}`, () => {
    it('loses no acknowledged message and no reply', { timeout: 240_000 }, async (ctx) => {
      const target = await make();
      if (!target) return ctx.skip();
      const { child, url } = await startChild(target.url);
      const conversations: Started[] = await Promise.all(Array.from({ length: 20 }, () => startConversation(url)));
      const acknowledged = new Map<string, string>(); // activity id → conversation id
      let killed = false;
      const client = async (c: Started) => {
        for (let i = 0; !killed; i++) {
          try {
            const res = await fetch(`${url}/v3/directline/conversations/${c.conversationId}/activities`, {
              method: 'POST',
              headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' },
              body: JSON.stringify({ type: 'message', text: i % 2 ? '公积金缴存比例是多少' : '异地就医怎么备案', from: { id: 'u' } }),
            });
            if (res.status === 200) acknowledged.set(((await res.json()) as { id: string }).id, c.conversationId);
          } catch {
            return; // the server is gone
          }
        }
      };
      const load = Promise.all(conversations.map(client));
      await expect.poll(() => acknowledged.size, { timeout: 60_000, interval: 20 }).toBeGreaterThan(200);
      killed = true;
      child.kill('SIGKILL');
      await once(child, 'exit');
      await load;

      const again = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET } });
      try {
        let checked = 0;
        for (const c of conversations) {
          const activities = await history(again.url, c.conversationId);
          activities.forEach((a, i) => {
            if (acknowledged.get(a.id) !== c.conversationId) return;
            checked++;
            expect(activities[i + 1]?.from.role, `the reply to ${a.id}`).toBe('bot');
          });
          // Nothing half-written either: every stored user message is followed by its reply.
          activities.forEach((a, i) => a.from.role === 'user' && expect(activities[i + 1]?.from.role).toBe('bot'));
        }
        expect(checked).toBe(acknowledged.size);
      } finally {
        await again.close();
        await target.drop();
      }
    });
  });
}

crashSuite('SQLite', async () => sqliteDatabase());
crashSuite('PostgreSQL', postgresDatabase);
