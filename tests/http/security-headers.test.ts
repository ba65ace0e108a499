import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { getActivities, postMessage, startConversation } from '../support/directline.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

/** A request with a Host header of our choosing (fetch does not let a caller set it). */
function rawPost(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headers and smaller doors', () => {
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: 'a-site-backend-secret-0123456789-abcdef' } });
  });
  afterAll(async () => {
    await app.close();
    await target.drop();
  });

  it('serves the page with a policy that allows no inline script, and the script without sniffing', async () => {
    const page = await fetch(`${app.url}/`, { headers: { Origin: 'https://www.example.gov.cn' } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const scriptSrc = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const script = await fetch(`${app.url}/webchat.js`, { headers: { Origin: 'https://www.example.gov.cn', 'Accept-Encoding': 'gzip' } });
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const vary = (script.headers.get('vary') ?? '').split(',').map((v) => v.trim());
    expect(vary).toEqual(expect.arrayContaining(['Origin', 'Accept-Encoding']));
    const api = await fetch(`${app.url}/healthz`);
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('lets the operator name who may frame the page (FRAME_ANCESTORS)', async () => {
    const framed = await startTestApp({ databaseUrl: target.url, env: { FRAME_ANCESTORS: "'self' https://www.example.gov.cn" } });
    try {
      const page = await fetch(`${framed.url}/`);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'self' https://www.example.gov.cn");
    } finally {
      await framed.close();
    }
  });

  it('marks every Direct Line answer with a token or a transcript no-store', async () => {
    const generate = await fetch(`${app.url}/v3/directline/tokens/generate`, { method: 'POST' });
    expect(generate.headers.get('cache-control')).toBe('no-store');
    const { token, conversationId } = (await generate.json()) as { token: string; conversationId: string };
    const auth = { Authorization: `Bearer ${token}` };
    const responses = [
      await fetch(`${app.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: auth }),
      await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth }),
      await fetch(`${app.url}/v3/directline/conversations/${conversationId}`, { headers: auth }),
      await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, { headers: auth }),
      await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`), // a 401 too
    ];
    for (const res of responses) expect(res.headers.get('cache-control'), res.url).toBe('no-store');
  });

  it('builds streamUrl from Host and X-Forwarded-Proto only when they can be trusted', async () => {
    const port = new URL(app.url).port;
    const direct = await rawPost(`${app.url}/v3/directline/conversations`, { Host: 'evil.example', 'X-Forwarded-Proto': 'https' });
    expect(direct.status).toBe(201);
    expect((JSON.parse(direct.body) as { streamUrl: string }).streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/v3/directline/`));
    const local = await rawPost(`${app.url}/v3/directline/conversations`, { Host: `localhost:${port}` });
    expect((JSON.parse(local.body) as { streamUrl: string }).streamUrl).toMatch(new RegExp(`^ws://localhost:${port}/`));
    const proxied = await startTestApp({ databaseUrl: target.url, env: { TRUST_PROXY: 'true' } });
    try {
      const res = await rawPost(`${proxied.url}/v3/directline/conversations`, {
        Host: 'bot.example.gov.cn',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-For': '203.0.113.5',
      });
      expect((JSON.parse(res.body) as { streamUrl: string }).streamUrl).toMatch(/^wss:\/\/bot\.example\.gov\.cn\/v3\/directline\//);
    } finally {
      await proxied.close();
    }
  });

  it('does not let a visitor take the bot’s name or an official or agent role', async () => {
    const started = await startConversation(app.url);
    const names = ['企业服务一号线', '人工客服 小王', '12345热线工作人员', 'Line One Agent', 'ADMIN', '企业服务一号线\u200b', '官方 通知'];
    for (const name of names) expect((await postMessage(app.url, started, '你好', { from: { id: 'x', name } })).status).toBe(200);
    await postMessage(app.url, started, '你好', { from: { id: 'x', name: '王会计\u202e' } });
    const page = await getActivities(app.url, started);
    const userNames = page.activities.filter((a) => a.from.role === 'user').map((a) => (a.from as { name?: string }).name);
    expect(userNames).toEqual([...names.map(() => ''), '王会计']);
  });

  it('answers a forged Bot Framework JWT with 401, never a 500, even when the signing keys cannot be fetched', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const guarded = await startTestApp({
      databaseUrl: target.url,
      env: {
        MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
        MicrosoftAppPassword: 'x',
        BOTFRAMEWORK_OPENID_METADATA_URL: `http://127.0.0.1:${closed}/.well-known/openidconfiguration`,
      },
    });
    try {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const forged = [
        `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' })}.${b64({ iss: 'https://api.botframework.com', aud: '00000000-0000-0000-0000-000000000001', exp: now + 600, nbf: now - 10, serviceurl: 'https://smba.trafficmanager.net/emea/' })}.c2lnbmF0dXJl`,
        `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' })}.${b64({ iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/', appid: 'x', ver: '1.0', aud: '00000000-0000-0000-0000-000000000001', exp: now + 600 })}.c2lnbmF0dXJl`,
        'not-a-jwt',
      ];
      for (const token of forged) {
        const res = await fetch(`${guarded.url}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify({
            type: 'message',
            text: 'hi',
            channelId: 'msteams',
            serviceUrl: 'https://smba.trafficmanager.net/emea/',
            from: { id: 'u' },
            recipient: { id: 'b' },
            conversation: { id: 'c' },
          }),
        });
        const body = await res.text();
        expect(res.status, token.slice(0, 20)).toBe(401);
        expect(JSON.parse(body)).toEqual({ error: { code: 'Unauthorized', message: 'invalid or missing Bot Framework credentials' } });
        expect(body).not.toMatch(/\bat \S+ \(/);
      }
    } finally {
      await guarded.close();
    }
  });
});
