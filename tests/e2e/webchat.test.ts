import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type BrowserSession, launchBrowser } from './browser.ts';

/**
 * The newcomer's path in a real browser against the real server: open the demo page, open the
 * widget, see the welcome, press a menu button, get the reply, ask a question, reload.
 */
describe('web chat in Chromium against the real server', () => {
  let target: TestDatabase;
  let app: App;
  let browser: BrowserSession | null;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url });
    browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await target.drop();
  });

  it('welcomes, answers a menu button and a typed question, and keeps history across a reload', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.goto(app.url);
    await expect.poll(() => page.title()).toContain('12345');
    await page.locator('.lo-launcher').click();
    const log = page.locator('.lo-log');
    await expect.poll(() => log.innerText(), { timeout: 10_000 }).toContain('企业服务一号线');

    await page.locator('.lo-chip', { hasText: '住房公积金' }).click();
    await expect.poll(() => log.innerText(), { timeout: 10_000 }).toContain('住房公积金缴存比例是多少');

    await page.locator('.lo-input').fill('异地就医怎么备案');
    await page.locator('.lo-input').press('Enter');
    await expect.poll(() => page.locator('.lo-bubble-bot').last().innerText(), { timeout: 10_000 }).toContain('异地就医备案怎么办理');
    await page.screenshot({ path: 'test-artifacts/webchat-answer.png' });

    await page.reload();
    if (!(await page.locator('.lo-panel').isVisible())) await page.locator('.lo-launcher').click();
    await expect.poll(() => page.locator('.lo-log').innerText(), { timeout: 10_000 }).toContain('异地就医怎么备案');
    await page.screenshot({ path: 'test-artifacts/webchat-after-reload.png' });
  });

  it('shows user text literally: no HTML injection', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.context.newPage(); // stands alone: a new tab with no saved conversation
    // Cleared on a page without the widget, which could still save its session while unloading.
    await page.goto(`${app.url}/readyz`);
    await page.evaluate(() => localStorage.clear());
    await page.goto(app.url);
    await page.locator('.lo-launcher').click();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.locator('.lo-input').fill('<img src=x onerror=alert(1)> 社保');
    await page.locator('.lo-input').press('Enter');
    await expect.poll(() => page.locator('.lo-bubble-user').last().innerText(), { timeout: 10_000 }).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('.lo-log img[src="x"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    await page.close();
  });
});
