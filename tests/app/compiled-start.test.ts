// `npm start` runs the server bundle (dist/server.mjs), not the TypeScript sources. Everything that finds files or
// loads code at run time (knowledge content, ticket configuration, the desk page, the lazily loaded dialogs) must
// work from the bundle too: this builds one into a scratch folder and holds a conversation with it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../scripts/build.ts';
import { sourceStamp } from '../../scripts/stamp.mjs';
import { botTexts, getActivities, postMessage, startConversation } from '../support/directline.ts';
import { postgresDatabase, redisUrl, type TestDatabase } from '../support/services.ts';

const root = resolve(import.meta.dirname, '../..');
// Inside the repository (dist/ is ignored) so the bundle finds the native packages it leaves outside, in node_modules.
mkdirSync(join(root, 'dist'), { recursive: true });
const scratch = mkdtempSync(join(root, 'dist', 'test-'));
const databases: TestDatabase[] = [];
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await Promise.all(databases.map((d) => d.drop()));
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

let built: Promise<{ file: string; bytes: number }> | undefined;
const bundle = () => (built ??= buildServer(join(scratch, 'dist')));

// SQLite alone, and PostgreSQL with Redis: the drivers and the Redis client are imported lazily, so they live in
// chunks of their own that only this second run reads.
describe.each([
  ['SQLite', async () => ({ DATABASE_URL: `sqlite:${join(scratch, 'line-one.db')}` })],
  [
    'PostgreSQL and Redis',
    async () => {
      const [database, redis]: [TestDatabase | undefined, string | undefined] = [await postgresDatabase(), await redisUrl()];
      if (!database || !redis) return undefined;
      databases.push(database);
      return { DATABASE_URL: database.url, REDIS_URL: redis };
    },
  ],
])('the compiled server on %s', (_name, services) => {
  it('answers, takes a ticket through the lazily loaded dialog, serves the desk, and stops on SIGTERM', { timeout: 120_000 }, async (ctx) => {
    const storage = await services();
    if (!storage) return ctx.skip();
    const { file, bytes } = await bundle();
    expect(bytes).toBeGreaterThan(1_000_000);
    const port = await freePort();
    const env = {
      ...process.env,
      LINEONE_ROOT: root, // the bundle sits two levels down here, as in an installation that keeps it elsewhere
      PORT: String(port),
      HOST: '127.0.0.1',
      ...storage,
      KB_INDEX_DIR: join(scratch, 'index'),
      LOG_LEVEL: 'warn',
    };
    const script = `import(${JSON.stringify(pathToFileURL(file).href)}).then((m) => m.main())`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    try {
      const url = `http://127.0.0.1:${port}`;
      const ready = () =>
        child.exitCode !== null
          ? -1
          : fetch(`${url}/readyz`).then(
              (r) => r.status,
              () => 0,
            );
      await expect.poll(ready, { timeout: 60_000, interval: 100 }).toBe(200);

      const chat = await startConversation(url);
      await postMessage(url, chat, '失业金怎么领');
      await postMessage(url, chat, '公司想申请一笔技改资金，流程是怎样的');
      await postMessage(url, chat, '登记工单');
      const replies = botTexts(await getActivities(url, chat)).join('\n');
      expect(replies).toContain('失业保险金');
      expect(replies).toMatch(/依据|政策依据/);
      expect(replies).toContain('可以为您登记工单');
      expect(replies).toContain('请输入企业全称');

      const desk = await fetch(`${url}/desk`);
      expect(desk.status).toBe(200);
      expect(await desk.text()).toContain('desk.js');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

describe('the bundle', () => {
  it('holds no character above U+00FF, so V8 keeps its source at one byte a character', { timeout: 120_000 }, async () => {
    await bundle();
    const dir = join(scratch, 'dist');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect([f, /[^\u0000-\u00ff]/.exec(readFileSync(join(dir, f), 'utf8'))?.[0]]).toEqual([f, undefined]);
  });
});

describe('the source stamp', () => {
  it('changes when a source file or the lockfile changes, and only then', () => {
    const tree = mkdtempSync(join(scratch, 'tree-'));
    mkdirSync(join(tree, 'bot'));
    writeFileSync(join(tree, 'bot', 'a.ts'), 'export const a = 1;\n');
    writeFileSync(join(tree, 'package-lock.json'), '{}');
    writeFileSync(join(tree, 'notes.txt'), 'not code');
    const first = sourceStamp(tree);
    expect(sourceStamp(tree)).toBe(first);
    writeFileSync(join(tree, 'notes.txt'), 'still not code, longer');
    expect(sourceStamp(tree)).toBe(first);
    writeFileSync(join(tree, 'bot', 'a.ts'), 'export const a = 2;\n');
    utimesSync(join(tree, 'bot', 'a.ts'), new Date(), new Date(Date.now() + 5_000));
    const edited = sourceStamp(tree);
    expect(edited).not.toBe(first);
    utimesSync(join(tree, 'package-lock.json'), new Date(), new Date(Date.now() + 10_000));
    expect(sourceStamp(tree)).not.toBe(edited);
  });
});
