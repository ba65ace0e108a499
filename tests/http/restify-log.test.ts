import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { startConversation } from '../support/directline.ts';
import { captureLog } from '../support/log-capture.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

/**
 * restify logs on its own: a response it cannot format ("error retrieving formatter", with the whole
 * request and its headers), and at trace level every response body, every error (with the URL) and
 * the response object. Those lines must go through the masked logger: no personal number in any
 * form, no credential.
 */
describe('restify’s own log lines', () => {
  let target: TestDatabase;
  let app: App;
  const capture = captureLog('trace');

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, log: capture.log });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  const FORMS = {
    mobile: '13812345678',
    spaced: '139 8765 4321',
    hyphened: '137-1111-2222',
    plus86: '+8615900001111',
    fullWidth: '１３６１２３４５６７８',
    idCard: '110101199003071234',
    idCard15: '110101900307123',
    creditCode: '91350100m000100y43',
    card: '6228480033001238',
    email: 'wang.kuaiji@example.com',
  };

  it('masks every personal number restify writes, and drops Authorization and cookies', async () => {
    const started = await startConversation(app.url);
    const query = Object.entries(FORMS)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    const headers = { Authorization: `Bearer ${started.token}`, Cookie: 'session=s3cr3t-cookie', 'X-Note': `call back ${FORMS.spaced} ${FORMS.email}` };
    // A plain-text answer to a client that only accepts XML: restify logs the request while refusing it.
    app.server.get('/test/plain', (_req, res, next) => {
      res.send(200, 'plain text');
      return next();
    });
    expect((await fetch(`${app.url}/test/plain?${query}`, { headers: { ...headers, Accept: 'application/xml' } })).status).toBe(406);
    // An unknown path made of personal numbers: restify's error (with the path) and its trace lines.
    const path = Object.values(FORMS).map(encodeURIComponent).join('/');
    expect((await fetch(`${app.url}/nope/${path}?${query}`, { headers })).status).toBe(404);
    // A token response: restify traces the body it sends.
    expect((await fetch(`${app.url}/v3/directline/tokens/refresh`, { method: 'POST', headers })).status).toBe(200);

    await expect.poll(() => capture.lines.some((l) => l.includes('error retrieving formatter'))).toBe(true);
    const formatter = JSON.parse(capture.lines.find((l) => l.includes('error retrieving formatter'))!) as {
      req?: { url?: string; headers?: Record<string, string> };
    };
    expect(formatter.req?.url).toContain('/test/plain?');
    expect(formatter.req?.headers?.['x-note']).toBe('call back 139 **** 4321 w***@example.com');
    expect(Object.keys(formatter.req?.headers ?? {})).not.toContain('authorization');
    expect(capture.lines.some((l) => l.includes('entering emitErrorEvents') && l.includes('138****5678'))).toBe(true);
    expect(capture.lines.some((l) => l.includes('response::send entered') && l.includes('"token":"[redacted]"'))).toBe(true);

    const all = capture.lines.join('\n');
    for (const [form, value] of Object.entries(FORMS)) {
      expect(all, form).not.toContain(value);
      expect(all, form).not.toContain(encodeURIComponent(value));
    }
    expect(all).not.toContain(started.token);
    expect(all).not.toContain('s3cr3t-cookie');
    expect(all).not.toMatch(/"authorization"/i);
    expect(all).toContain('110101********1234');
    expect(all).toContain('622848******1238');
  });
});
