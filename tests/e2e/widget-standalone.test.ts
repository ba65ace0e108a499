// Drives the real webchat.js in chromium against the REAL server (fixture knowledge base). Network faults
// (a failed send, a dropped or blocked WebSocket) are injected in the browser with Playwright's routing, so
// the widget talks the same Direct Line the protocol tests check. Every test opens its own fresh page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type BrowserSession, launchBrowser } from './browser.ts';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const MENU_CHIPS = ['社保登记缴费', '医保报销', '住房公积金', '工伤认定', '失业保险', '养老退休', '生育津贴', '社保卡', '转人工'];

describe('webchat widget against the real server', () => {
  let target: TestDatabase;
  let app: App;
  let browser: BrowserSession | null = null;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url });
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await target.drop();
  });

  /** A new tab with no saved conversation, its errors and dialogs recorded. */
  async function freshPage(): Promise<{ page: Page; errors: string[]; dialogs: string[]; requests: string[] }> {
    const page = await browser!.context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(`${r.method()} ${new URL(r.url()).pathname}`));
    // Clear the origin's storage on a page without the widget: a widget page cleared and then reloaded can still
    // write its session while it unloads, and the next page would resume that conversation instead of starting one.
    await page.goto(`${app.url}/readyz`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(app.url);
    return { page, errors, dialogs, requests };
  }

  /** Opens the panel and waits for the welcome; returns the conversation id the widget started. */
  async function openChat(page: Page): Promise<string> {
    // Each wait is bounded below the test's own timeout, so a failure names the step that did not happen.
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v3/directline/conversations', {
      timeout: 10_000,
    });
    await page.locator('.lo-launcher').click({ timeout: 10_000 });
    const { conversationId } = (await (await started).json()) as { conversationId: string };
    await page.locator('.lo-bubble-bot', { hasText: '企业服务一号线' }).waitFor({ timeout: 10_000 });
    return conversationId;
  }

  /** A bot message pushed into the conversation from outside a turn (as an agent's reply would be). */
  async function push(conversationId: string, activity: Record<string, unknown>): Promise<void> {
    const reference = {
      channelId: 'lineone-webchat',
      serviceUrl: app.url,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      bot: { id: 'line-one', name: '企业服务一号线' },
    };
    await app.channels.continueConversation(reference, async (context) => void (await context.sendActivity({ type: 'message', ...activity })));
  }

  const texts = (page: Page, selector: string) => page.locator(selector).allTextContents();
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `webchat-${name}.png`) });

  it('starts nothing until opened, then shows the welcome with the menu as chips', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, requests } = await freshPage();
    await expect(page.locator('.lo-panel').isVisible()).resolves.toBe(false);
    expect(requests.filter((r) => r.startsWith('POST /v3'))).toEqual([]); // lazy: idle page views cost nothing
    await openChat(page);
    expect(await texts(page, '.lo-chip')).toEqual(MENU_CHIPS);
    expect(await page.locator('[role="log"]').getAttribute('aria-live')).toBe('polite');
    await expect.poll(async () => Math.round((await page.locator('.lo-chip').first().boundingBox())?.height ?? 0)).toBeGreaterThanOrEqual(40);
    expect(await page.locator('.lo-input').getAttribute('placeholder')).toBe('请输入您的问题…');
    await shot(page, 'desktop-welcome');
    await page.close();
  });

  it('sends a chip, shows the echo once and renders the answer’s markdown', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    await openChat(page);
    await page.locator('.lo-chip', { hasText: '医保报销' }).click();
    await page.locator('.lo-bubble-bot', { hasText: '“医保报销”常见问题' }).waitFor();
    await page.locator('.lo-chip', { hasText: '异地就医备案怎么办理？' }).click();
    await page.locator('.lo-bubble-bot strong', { hasText: '异地就医备案怎么办理？' }).waitFor();
    expect(await texts(page, '.lo-bubble-user')).toEqual(['医保报销', '异地就医备案怎么办理？']);
    expect(await texts(page, '.lo-chip')).toEqual(['住房公积金缴存比例是多少？', '解决了', '没解决', '主菜单']); // chips replaced
    expect(await page.locator('.lo-typing').count()).toBe(0);
    await shot(page, 'desktop-reply');
    await page.close();
  });

  it('renders a hero card and keeps hostile text literal', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, dialogs } = await freshPage();
    const conversationId = await openChat(page);
    await push(conversationId, {
      text: '办理**社保登记**需要：\n\n1. 营业执照\n2. 法定代表人身份证\n\n详见 https://example.gov.cn/shebao 。',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.hero',
          content: {
            title: '单位社保登记',
            text: '可通过**一网通办**在线办理。',
            buttons: [
              { type: 'openUrl', title: '在线办理', value: 'https://example.gov.cn/apply' },
              { type: 'imBack', title: '需要多长时间？', value: '需要多长时间？' },
            ],
          },
        },
      ],
    });
    await page.locator('.lo-card-title', { hasText: '单位社保登记' }).waitFor();
    expect(await page.locator('.lo-bubble-bot ol li').count()).toBe(2);
    expect(await page.locator('.lo-bubble-bot a.lo-link').last().getAttribute('href')).toBe('https://example.gov.cn/shebao');
    await push(conversationId, { text: 'XSS 测试：<img src=x onerror=alert(1)> <script>alert(2)</script> [点我](javascript:alert(3))' });
    const hostile = page.locator('.lo-bubble-bot', { hasText: 'XSS 测试' });
    await hostile.waitFor();
    expect(await hostile.textContent()).toContain('<img src=x onerror=alert(1)> <script>alert(2)</script> 点我');
    // No element was created from the text, so no handler can ever run.
    expect(await page.locator('.lo-log img, .lo-log script').count()).toBe(0);
    expect(await hostile.locator('a').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('handles Enter and Shift+Enter, and a user’s markup stays text; typing is signalled, not flooded', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    await openChat(page);
    const typing: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/activities') && r.postData()?.includes('"typing"')) typing.push(r.url());
    });
    const input = page.locator('.lo-input');
    await input.click();
    await input.pressSequentially('第一行');
    await input.press('Shift+Enter');
    await input.pressSequentially('第二行');
    expect(await input.inputValue()).toBe('第一行\n第二行');
    await expect.poll(() => typing.length).toBe(1); // one signal for a burst of keystrokes
    await input.fill('<img src=x onerror=alert(1)> 社保');
    await input.press('Enter');
    await page.locator('.lo-bubble-user', { hasText: '<img src=x onerror=alert(1)> 社保' }).waitFor();
    expect(await page.locator('.lo-log img').count()).toBe(0);
    expect(await input.inputValue()).toBe('');
    await page.close();
  });

  it('offers a retry when sending fails, and the retried message is not duplicated', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    await openChat(page);
    let failures = 1;
    await page.route('**/activities', async (route) => {
      if (route.request().method() === 'POST' && route.request().postData()?.includes('"message"') && failures > 0) {
        failures--;
        return route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":{"code":"ServiceError","message":"injected"}}' });
      }
      return route.continue();
    });
    await page.locator('.lo-input').fill('公积金缴存比例');
    await page.locator('.lo-input').press('Enter');
    await page.locator('.lo-retry', { hasText: '发送失败，点击重试' }).click();
    await page.locator('.lo-bubble-bot', { hasText: '住房公积金缴存比例是多少' }).waitFor();
    expect((await texts(page, '.lo-bubble-user')).filter((t) => t === '公积金缴存比例')).toHaveLength(1);
    expect(await page.locator('.lo-retry').isVisible()).toBe(false);
    await page.close();
  });

  it('restores the conversation after a page reload without starting a new one', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, requests } = await freshPage();
    await openChat(page);
    await page.locator('.lo-input').fill('异地就医怎么备案');
    await page.locator('.lo-input').press('Enter');
    await page.locator('.lo-bubble-bot', { hasText: '国家医保服务平台' }).waitFor();
    const users = await texts(page, '.lo-bubble-user');
    const bots = await texts(page, '.lo-bubble-bot');
    const starts = () => requests.filter((r) => r === 'POST /v3/directline/conversations').length;
    const before = starts();
    await page.reload();
    await page.locator('.lo-bubble-bot', { hasText: '国家医保服务平台' }).waitFor(); // panel reopened by itself
    expect(await texts(page, '.lo-bubble-user')).toEqual(users);
    expect(await texts(page, '.lo-bubble-bot')).toEqual(bots);
    expect(starts()).toBe(before);
    await page.close();
  });

  it('reconnects after a network drop without losing or duplicating messages', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    let online = true;
    const open: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/stream/, (ws) => {
      if (!online) return ws.close({ code: 1006, reason: 'network down' });
      ws.connectToServer();
      open.push(ws);
    });
    const conversationId = await openChat(page);
    online = false;
    for (const ws of open.splice(0)) await ws.close({ code: 1006, reason: 'network down' });
    const status = page.locator('.lo-status');
    await status.filter({ hasText: '网络已断开，正在重新连接…' }).waitFor();
    await push(conversationId, { text: '断线期间的消息' });
    await shot(page, 'desktop-reconnecting');
    online = true;
    await page.locator('.lo-bubble-bot', { hasText: '断线期间的消息' }).waitFor({ timeout: 20_000 });
    await status.waitFor({ state: 'hidden' });
    expect((await texts(page, '.lo-bubble-bot')).filter((t) => t === '断线期间的消息')).toHaveLength(1);
    await page.close();
  }, 40_000);

  it('fills a phone-size screen with comfortable touch targets', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const conversationId = await openChat(page);
    await push(conversationId, {
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.hero',
          content: { title: '办事指南', buttons: [{ type: 'openUrl', title: '打开', value: 'https://example.gov.cn' }] },
        },
      ],
    });
    await page.locator('.lo-card-btn').first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page.locator('.lo-panel').boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    expect(await page.locator('.lo-launcher').isVisible()).toBe(false);
    expect(await page.locator('.lo-input').evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
    for (const sel of ['.lo-close', '.lo-send', '.lo-card-btn']) {
      const box = await page.locator(sel).first().boundingBox();
      expect(Math.round(box?.height ?? 0), sel).toBeGreaterThanOrEqual(40);
    }
    await page.locator('.lo-log').evaluate((el) => (el.scrollTop = 0));
    await shot(page, 'mobile-panel');
    await page.locator('.lo-close').click({ timeout: 10_000 });
    await page.locator('.lo-launcher').waitFor({ timeout: 10_000 });
    await shot(page, 'mobile-closed');
    await page.close();
  }, 40_000);

  it('falls back to polling when WebSockets are blocked', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, requests, errors } = await freshPage();
    await page.routeWebSocket(/\/stream/, (ws) => ws.close({ code: 1006, reason: 'blocked by a proxy' }));
    await page.locator('.lo-launcher').click();
    await page.locator('.lo-bubble-bot', { hasText: '企业服务一号线' }).waitFor({ timeout: 20_000 });
    await page.locator('.lo-input').fill('公积金缴存比例');
    await page.locator('.lo-send').click();
    await page.locator('.lo-bubble-bot', { hasText: '住房公积金缴存比例是多少' }).waitFor({ timeout: 10_000 });
    expect(await texts(page, '.lo-bubble-user')).toEqual(['公积金缴存比例']);
    expect(requests.filter((r) => /^GET \/v3\/directline\/conversations\/[^/]+\/activities$/.test(r)).length).toBeGreaterThan(1);
    expect(errors).toEqual([]);
    await page.close();
  }, 40_000);
});
