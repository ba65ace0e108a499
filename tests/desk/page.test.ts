// The desk's page as served: the built files with a policy that allows scripts and styles from this origin only (no
// inline script), never framed, revalidated on every load; and nothing else under /desk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { deskEnv } from './support.ts';

describe('the desk page', () => {
  let target: TestDatabase;
  let app: App;
  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
  });
  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  it('serves the page with a policy that runs no inline script and cannot be framed', async () => {
    const res = await fetch(`${app.url}/desk/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const policy = res.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("connect-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    expect(html).toContain('<script src="/desk/desk.js" defer></script>');
    expect(html).not.toMatch(/<script>(?!<)/);
  });

  it('serves the script and the styles compressed, and answers 304 when unchanged', async () => {
    const js = await fetch(`${app.url}/desk/desk.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    const again = await fetch(`${app.url}/desk/desk.js`, { headers: { 'if-none-match': js.headers.get('etag') ?? '' } });
    expect(again.status).toBe(304);
    expect((await fetch(`${app.url}/desk/desk.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${app.url}/desk/../app/config.ts`)).status).toBe(404);
    expect((await fetch(`${app.url}/desk/secrets.js`)).status).toBe(404);
  });
});
