import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SCHEMAS } from '../../app/schemas.ts';
import { openDatabase } from '../../storage/database.ts';
import { startTestApp } from '../support/app.ts';
import { fixtureKnowledge } from '../support/knowledge.ts';
import { getActivities, postMessage, startConversation } from '../support/directline.ts';
import { sqliteDatabase } from '../support/services.ts';

describe('start-up and shutdown', () => {
  it('lets an in-flight turn finish and keeps its reply when shutting down', async () => {
    const target = sqliteDatabase();
    const fixture = fixtureKnowledge();
    let release: () => void = () => undefined;
    let turnStarted: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const searching = new Promise<void>((resolve) => (turnStarted = resolve));
    const slow = { ...fixture, search: async (text: string) => (turnStarted(), await gate, fixture.search(text)) };
    const app = await startTestApp({ databaseUrl: target.url, knowledge: slow });
    const started = await startConversation(app.url);
    const inFlight = postMessage(app.url, started, '公积金缴存比例');
    await searching; // the turn is inside the bot when shutdown begins
    const closing = app.close();
    const ready = await fetch(`${app.url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    expect([0, 503]).toContain(ready);
    release();
    expect((await inFlight).status).toBe(200);
    await closing;

    const again = await startTestApp({ databaseUrl: target.url });
    const page = await getActivities(again.url, started);
    expect(page.activities.at(-1)?.text).toContain('住房公积金缴存比例是多少');
    await again.close();
    await target.drop();
  });

  // The first start on a fresh clone trains the knowledge index (seconds, more on a busy machine).
  it('stops cleanly on SIGTERM and refuses to start on an invalid setting', { timeout: 180_000 }, async () => {
    const target = sqliteDatabase();
    const env = { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: target.url, LOG_LEVEL: 'info' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await expect.poll(() => out, { timeout: 150_000, interval: 200 }).toContain('app: listening');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(out).toContain('app: stopped');
    // The database file was closed cleanly and opens again.
    const db = await openDatabase(target.url, SCHEMAS);
    expect(await db.ping()).toBe(true);
    await db.close();

    const bad = spawn(process.execPath, ['--import', 'tsx', 'app/main.ts'], { env: { ...env, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    bad.stderr.on('data', (d) => (err += d));
    const [badCode] = await once(bad, 'exit');
    expect(badCode).toBe(1);
    expect(err).toContain('PORT="eighty"');
    await target.drop();
  });
});
