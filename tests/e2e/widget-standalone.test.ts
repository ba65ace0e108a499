// Drives the real webchat.js in chromium against a FAKE Direct Line server defined below. It tests
// the widget alone (rendering, resume, reconnect, polling fallback); the real server has its own tests.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildWeb } from '../../web/build.ts';
import { launchBrowser, type BrowserSession } from './browser.ts';

type Act = Record<string, unknown> & { id?: string; text?: string };
interface Conv { id: string; token: string; activities: Act[]; sockets: Set<WebSocket> }

const WELCOME_ACTIONS = [
  { type: 'imBack', title: '新参保单位如何办理社保登记？', value: '新参保单位如何办理社保登记？' },
  { type: 'postBack', title: '医保报销比例', value: '医保报销比例' },
  { type: 'openUrl', title: '办事指南', value: 'https://example.gov.cn/guide' },
];

/** Minimal Direct Line 3.0 + static file server. */
function fakeDirectLine(distDir: string) {
  const convs = new Map<string, Conv>();
  const log: string[] = [];
  let port = 0;
  let seq = 0;
  const state = { wsEnabled: true, failPosts: 0 };

  const push = (conv: Conv, act: Act) => {
    conv.activities.push({ ...act, id: `${conv.id}|${String(conv.activities.length).padStart(4, '0')}`, timestamp: new Date().toISOString() });
    const msg = JSON.stringify({ activities: [conv.activities.at(-1)], watermark: String(conv.activities.length) });
    conv.sockets.forEach((ws) => ws.send(msg));
  };
  const bot = { id: 'lineone-bot', name: '企业服务一号线', role: 'bot' };
  const say = (conv: Conv, act: Act) => push(conv, { type: 'message', from: bot, ...act });
  const info = (conv: Conv, watermark = '') => ({
    conversationId: conv.id, token: conv.token, expires_in: 1800,
    streamUrl: `ws://127.0.0.1:${port}/v3/directline/conversations/${conv.id}/stream?t=${conv.token}` +
      (watermark ? `&watermark=${watermark}` : ''),
  });
  const reply = (conv: Conv, text: string) => {
    push(conv, { type: 'typing', from: bot });
    setTimeout(() => {
      if (text.includes('xss')) {
        say(conv, { text: 'XSS 测试：<img src=x onerror=alert(1)> <script>alert(2)</script> [点我](javascript:alert(3))' });
      } else if (text.includes('社保')) {
        say(conv, {
          text: '新参保单位办理**社保登记**需要：\n\n1. 营业执照\n2. 法定代表人身份证\n3. 银行开户信息\n\n详见 https://example.gov.cn/shebao 。',
          attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: {
            title: '单位社保登记', subtitle: '人社局 · 即时办结', text: '可通过**一网通办**在线办理。',
            buttons: [{ type: 'openUrl', title: '在线办理', value: 'https://example.gov.cn/apply' }, { type: 'imBack', title: '需要多长时间？', value: '办理需要多长时间？' }],
          } }],
          suggestedActions: { actions: [{ type: 'imBack', title: '转人工', value: '转人工' }] },
        });
      } else {
        say(conv, { text: `收到您的问题：“${text}”。` });
      }
    }, 300);
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    let data = '';
    for await (const chunk of req) data += chunk;
    return data ? (JSON.parse(data) as Act) : {};
  };
  const after = (conv: Conv, w: string | null) => ({ activities: conv.activities.slice(Number(w || 0)), watermark: String(conv.activities.length) });

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    log.push(`${req.method} ${p}`);
    if (req.method === 'GET' && (p === '/' || p === '/webchat.js')) {
      const file = p === '/' ? 'index.html' : 'webchat.js';
      res.writeHead(200, { 'Content-Type': p === '/' ? 'text/html; charset=utf-8' : 'application/javascript; charset=utf-8' });
      return res.end(readFileSync(join(distDir, file)));
    }
    if (req.method === 'POST' && p === '/v3/directline/conversations') {
      const conv: Conv = { id: `conv${++seq}`, token: `tok${seq}-${Math.random()}`, activities: [], sockets: new Set() };
      convs.set(conv.id, conv);
      say(conv, { text: '您好！我是**企业服务一号线**智能客服，可为您解答社保、医保、公积金等问题。', suggestedActions: { actions: WELCOME_ACTIONS } });
      return json(res, 201, info(conv));
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (p === '/v3/directline/tokens/refresh') {
      const conv = [...convs.values()].find((c) => c.token === token);
      return conv ? json(res, 200, { conversationId: conv.id, token: conv.token, expires_in: 1800 }) : json(res, 403, {});
    }
    const m = /^\/v3\/directline\/conversations\/([^/]+)(\/activities)?$/.exec(p);
    const conv = m ? convs.get(m[1] ?? '') : undefined;
    if (!conv) return json(res, 404, { error: { code: 'BadArgument' } });
    if (token !== conv.token) return json(res, 403, { error: { code: 'TokenExpired' } });
    if (!m?.[2]) return json(res, 200, info(conv, url.searchParams.get('watermark') ?? ''));
    if (req.method === 'GET') return json(res, 200, after(conv, url.searchParams.get('watermark')));
    const body = await readBody(req);
    if (state.failPosts > 0 && state.failPosts--) return json(res, 500, {});
    push(conv, { ...body, from: body.from, channelData: body.channelData });
    json(res, 200, { id: conv.activities.at(-1)?.id });
    reply(conv, String(body.text ?? ''));
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const conv = convs.get(/conversations\/([^/]+)\/stream$/.exec(url.pathname)?.[1] ?? '');
    if (!state.wsEnabled || !conv || url.searchParams.get('t') !== conv.token) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      conv.sockets.add(ws);
      ws.on('close', () => conv.sockets.delete(ws));
      const w = url.searchParams.get('watermark');
      if (w) ws.send(JSON.stringify(after(conv, w))); // resume: replay what was missed
      ws.send(''); // heartbeat, must be ignored
    });
  });

  return {
    log, state, convs, say,
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      r(`http://127.0.0.1:${port}`);
    })),
    dropSockets: () => convs.forEach((c) => c.sockets.forEach((ws) => ws.terminate())),
    close: () => { wss.clients.forEach((ws) => ws.terminate()); server.closeAllConnections(); server.close(); },
  };
}

const ARTIFACTS = join(process.cwd(), 'test-artifacts');

describe('webchat widget against a fake Direct Line', () => {
  const distDir = mkdtempSync(join(tmpdir(), 'lineone-dist-'));
  const fake = fakeDirectLine(distDir);
  let base = '';
  let browser: BrowserSession | null = null;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await buildWeb(distDir); // own copy: concurrent test runs must not share web/dist
    base = await fake.listen();
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
    browser?.page.on('pageerror', (e) => pageErrors.push(String(e)));
    browser?.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  });
  afterAll(async () => {
    await browser?.close();
    fake.close();
    rmSync(distDir, { recursive: true, force: true });
  });

  const bubbleTexts = (sel: string) => browser!.page.locator(sel).allTextContents();
  const shot = (name: string) => browser!.page.screenshot({ path: join(ARTIFACTS, `webchat-${name}.png`) });

  it('opens from the launcher and shows the welcome message with suggested actions', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.goto(base + '/');
    await expect(page.locator('.lo-panel').isVisible()).resolves.toBe(false);
    expect(fake.log.filter((l) => l.startsWith('POST /v3'))).toEqual([]); // lazy: nothing until opened
    await page.locator('.lo-launcher').click();
    await page.locator('.lo-bubble-bot', { hasText: '您好' }).waitFor();
    expect(await page.locator('.lo-chip').allTextContents()).toEqual(WELCOME_ACTIONS.map((a) => a.title));
    expect(await page.locator('.lo-chip[href]').getAttribute('target')).toBe('_blank');
    expect(await page.locator('[role="log"]').getAttribute('aria-live')).toBe('polite');
    expect(Math.round((await page.locator('.lo-chip').first().boundingBox())?.height ?? 0)).toBeGreaterThanOrEqual(40); // rounded: sub-pixel during the open animation
    expect(await page.locator('.lo-input').getAttribute('placeholder')).toBe('请输入您的问题…');
    await shot('desktop-welcome');
  });

  it('sends a suggested action and renders the reply with markdown and a hero card', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.locator('.lo-chip', { hasText: '社保登记' }).click();
    await page.locator('.lo-card-title', { hasText: '单位社保登记' }).waitFor();
    expect(await bubbleTexts('.lo-bubble-user')).toEqual(['新参保单位如何办理社保登记？']); // echo not shown twice
    expect(await page.locator('.lo-chip').allTextContents()).toEqual(['转人工']); // welcome chips replaced
    expect(await page.locator('.lo-bubble-bot ol li').count()).toBe(3);
    expect(await page.locator('.lo-bubble-bot strong').last().textContent()).toBe('社保登记');
    expect(await page.locator('.lo-bubble-bot a.lo-link').getAttribute('href')).toBe('https://example.gov.cn/shebao');
    expect(await page.locator('.lo-typing').count()).toBe(0);
    await shot('desktop-reply');
  });

  it('keeps hostile bot text literal and handles Enter / Shift+Enter', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    const input = page.locator('.lo-input');
    await input.click();
    await input.pressSequentially('第一行');
    await input.press('Shift+Enter');
    await input.pressSequentially('第二行');
    expect(await input.inputValue()).toBe('第一行\n第二行');
    await input.fill('xss 测试');
    await input.press('Enter');
    const bubble = page.locator('.lo-bubble-bot', { hasText: 'XSS 测试' });
    await bubble.waitFor();
    expect(await bubble.textContent()).toContain('<img src=x onerror=alert(1)> <script>alert(2)</script> 点我');
    expect(await page.locator('.lo-log img, .lo-log script').count()).toBe(0);
    expect(await bubble.locator('a').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    expect(await input.inputValue()).toBe('');
  });

  it('offers a retry when sending fails, and the retried message is not duplicated', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    fake.state.failPosts = 1;
    await page.locator('.lo-input').fill('重试测试');
    await page.locator('.lo-input').press('Enter');
    await page.locator('.lo-retry', { hasText: '发送失败，点击重试' }).click();
    await page.locator('.lo-bubble-bot', { hasText: '收到您的问题：“重试测试”' }).waitFor();
    expect((await bubbleTexts('.lo-bubble-user')).filter((t) => t === '重试测试')).toHaveLength(1);
    expect(await page.locator('.lo-retry').isVisible()).toBe(false);
  });

  it('restores the conversation after a page reload', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    const users = await bubbleTexts('.lo-bubble-user');
    const bots = await bubbleTexts('.lo-bubble-bot');
    const posts = fake.log.filter((l) => l === 'POST /v3/directline/conversations').length;
    await page.reload();
    await page.locator('.lo-bubble-bot', { hasText: 'XSS 测试' }).waitFor(); // panel reopened by itself
    expect(await bubbleTexts('.lo-bubble-user')).toEqual(users);
    expect(await bubbleTexts('.lo-bubble-bot')).toEqual(bots);
    expect(fake.log.filter((l) => l === 'POST /v3/directline/conversations').length).toBe(posts);
    expect(fake.log).toContain('GET /v3/directline/conversations/conv1');
  });

  it('reconnects after a network drop without losing or duplicating messages', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    fake.state.wsEnabled = false;
    fake.dropSockets();
    const status = page.locator('.lo-status');
    await status.filter({ hasText: '网络已断开，正在重新连接…' }).waitFor();
    fake.say(fake.convs.get('conv1')!, { text: '断线期间的消息' });
    await shot('desktop-reconnecting');
    setTimeout(() => (fake.state.wsEnabled = true), 1500);
    await page.locator('.lo-bubble-bot', { hasText: '断线期间的消息' }).waitFor({ timeout: 10_000 });
    await status.waitFor({ state: 'hidden' });
    expect((await bubbleTexts('.lo-bubble-bot')).filter((t) => t === '断线期间的消息')).toHaveLength(1);
  });

  it('fills a phone-size screen with comfortable touch targets', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.locator('.lo-panel').boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.locator('.lo-launcher').isVisible()).toBe(false);
    expect(await page.locator('.lo-input').evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    for (const sel of ['.lo-close', '.lo-send', '.lo-card-btn']) {
      const box = await page.locator(sel).first().boundingBox();
      expect(Math.round(box?.height ?? 0), sel).toBeGreaterThanOrEqual(40);
    }
    await page.locator('.lo-log').evaluate((el) => (el.scrollTop = 0));
    await shot('mobile-panel');
    await page.locator('.lo-close').click();
    await page.locator('.lo-launcher').waitFor();
    await shot('mobile-closed');
  });

  it('falls back to polling when WebSockets are blocked', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.setViewportSize({ width: 1280, height: 800 });
    fake.state.wsEnabled = false;
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.locator('.lo-launcher').click();
    await page.locator('.lo-bubble-bot', { hasText: '您好' }).waitFor({ timeout: 15_000 });
    await page.locator('.lo-input').fill('你好');
    await page.locator('.lo-send').click();
    await page.locator('.lo-bubble-bot', { hasText: '收到您的问题：“你好”' }).waitFor();
    expect(await bubbleTexts('.lo-bubble-user')).toEqual(['你好']);
    expect(fake.log.filter((l) => l === 'GET /v3/directline/conversations/conv2/activities').length).toBeGreaterThan(1);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
