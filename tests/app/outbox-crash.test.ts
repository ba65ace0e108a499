import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { botTexts, getActivities, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { ADMIN_TOKEN, chat, desk } from '../support/desk.ts';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startChild(databaseUrl: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      DESK_ADMIN_TOKEN: ADMIN_TOKEN,
      DIRECTLINE_SECRET: 'outbox-crash-secret-0123456789-abcdef',
      OUTBOX_POLL_MS: '50',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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

/** kill -9 after a ticket change wrote its notice and before it was sent: after a restart it arrives, once. */
function outboxCrashSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`outbox across a kill -9 on ${engine}`, () => {
    it('delivers a notice written before the crash exactly once after the restart', { timeout: 300_000 }, async (ctx) => {
      const target = await make();
      if (!target) return ctx.skip();
      try {
        const first = await startChild(target.url, { OUTBOX_SENDER: 'false' });
        const c = await startConversation(first.url);
        await chat(first.url, c, '转人工', '个人', '张先生', '13812345678', '社保断缴了怎么补缴', '确认提交');
        const [ticket] = (await desk(first.url, 'GET', '/tickets')).body.items;
        const dispatched = await desk(first.url, 'POST', `/tickets/${ticket.number}/actions/dispatch`, { expectedVersion: ticket.version });
        expect(dispatched.status).toBe(200);
        const notice = `您的工单 ${ticket.number} 已派至`;
        expect(botTexts(await getActivities(first.url, c)).join('\n')).not.toContain(notice); // written, not sent
        first.child.kill('SIGKILL');
        await once(first.child, 'exit');

        const second = await startChild(target.url, {});
        await expect.poll(async () => botTexts(await getActivities(second.url, c)).join('\n'), { timeout: 20_000 }).toContain(notice);
        // Give a duplicate every chance to appear: another notice sent after it must come after exactly one copy.
        const version = dispatched.body.ticket.version;
        await desk(second.url, 'POST', `/tickets/${ticket.number}/actions/reply`, { expectedVersion: version, text: '请到参保地社保经办机构补缴。' });
        await expect.poll(async () => botTexts(await getActivities(second.url, c)).join('\n'), { timeout: 20_000 }).toContain('请到参保地社保经办机构补缴。');
        const all = botTexts(await getActivities(second.url, c)).join('\n');
        expect(all.split(notice).length - 1).toBe(1);
        second.child.kill('SIGTERM');
        await once(second.child, 'exit');
      } finally {
        await target.drop();
      }
    });
  });
}

outboxCrashSuite('SQLite', async () => sqliteDatabase());
outboxCrashSuite('PostgreSQL', postgresDatabase);
