// The demo page and widget under the page's Content-Security-Policy in Chromium (nothing refused, the
// chat works), and the widget not trusting channelData.displayText from history.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type BrowserSession, launchBrowser } from './browser.ts';

const SECRET = 'widget-security-secret-0123456789-abcdef';

describe('widget security in Chromium', () => {
  let target: TestDatabase;
  let app: App;
  let browser: BrowserSession | null = null;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: { DIRECTLINE_SECRET: SECRET } });
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await target.drop();
  });

  async function freshPage(): Promise<{ page: Page; violations: string[] }> {
    const page = await browser!.context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    page.on('pageerror', (e) => violations.push(String(e)));
    // Cleared on a page without the widget, which could still save its session while unloading.
    await page.goto(`${app.url}/readyz`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(app.url);
    return { page, violations };
  }

  async function openChat(page: Page): Promise<string> {
    const started = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/v3/directline/conversations');
    await page.locator('.lo-launcher').click();
    const { conversationId } = (await (await started).json()) as { conversationId: string };
    await page.locator('.lo-bubble-bot', { hasText: '企业服务一号线' }).waitFor();
    return conversationId;
  }

  it('works under the page’s policy: styles, the stream and a reply, with nothing refused', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, violations } = await freshPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    const response = await page.goto(app.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await openChat(page);
    await page.locator('.lo-input').fill('公积金缴存比例');
    await page.locator('.lo-input').press('Enter');
    await expect.poll(() => page.locator('.lo-bubble-bot').last().innerText(), { timeout: 10_000 }).toContain('住房公积金缴存比例是多少');
    expect(sockets.some((u) => u.includes('/stream'))).toBe(true); // connect-src let the stream through
    // The shadow root's stylesheet applied (a refused <style> would leave the launcher unstyled).
    const launcherPosition = await page.locator('.lo-launcher').evaluate((el) => getComputedStyle(el).position);
    expect(launcherPosition).toBe('fixed');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows what the bot received, not a displayText the sender chose, unless it is a button the bot offered', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = await freshPage();
    const conversationId = await openChat(page);
    const post = (body: object) =>
      fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SECRET}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', ...body }),
      });
    expect((await post({ text: '我要投诉', channelData: { displayText: '已撤销投诉，无需处理' } })).status).toBe(200);
    expect((await post({ text: 'gongjijin', channelData: { displayText: '住房公积金' } })).status).toBe(200); // a menu chip's label
    await page.reload();
    if (!(await page.locator('.lo-panel').isVisible())) await page.locator('.lo-launcher').click();
    await expect.poll(() => page.locator('.lo-bubble-user').allInnerTexts(), { timeout: 10_000 }).toEqual(['我要投诉', '住房公积金']);
    await page.close();
  });
});
