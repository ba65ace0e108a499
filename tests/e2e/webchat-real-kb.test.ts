import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { createLogger } from '../../log/logger.ts';
import { type App, startApp } from '../../app/start.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type BrowserSession, launchBrowser } from './browser.ts';

/** What a newcomer sees after `npm start`: the real knowledge base answering in the widget. */
describe('web chat with the real knowledge base', () => {
  let target: TestDatabase;
  let app: App;
  let browser: BrowserSession | null;

  beforeAll(async () => {
    target = sqliteDatabase();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: target.url, LOG_LEVEL: 'silent' });
    app = await startApp(config, { log: createLogger('silent') });
    browser = await launchBrowser({ viewport: { width: 390, height: 844 } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await target?.drop();
  });

  it('answers a colloquial question with the answer and its policy basis, quotes the part a follow-up asks about, and hands over what it cannot answer', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page } = browser;
    await page.goto(app.url);
    await page.locator('.lo-launcher').click();
    await expect.poll(() => page.locator('.lo-log').innerText(), { timeout: 10_000 }).toContain('企业服务一号线');
    const ask = async (text: string) => {
      const before = await page.locator('.lo-bubble-bot').count();
      await page.locator('.lo-input').fill(text);
      await page.locator('.lo-input').press('Enter');
      await expect.poll(() => page.locator('.lo-bubble-bot').count(), { timeout: 10_000 }).toBeGreaterThan(before);
      return page.locator('.lo-bubble-bot').last().innerText();
    };
    const answer = await ask('新来的员工入职多少天内要给他办社保');
    expect(answer).toMatch(/30\s*日内/);
    expect(answer).toContain('政策依据');
    await page.screenshot({ path: 'test-artifacts/webchat-real-kb-answer.png' });
    // A follow-up on the answer just read gets the part of it that speaks to the follow-up, not the whole again.
    expect(await ask('社保卡怎么激活')).toContain('激活');
    const quoted = await ask('要本人去吗');
    expect(quoted).toContain('说到这一点的是');
    expect(quoted).toContain('本人持身份证');
    expect(quoted).not.toContain('政策依据');
    await page.screenshot({ path: 'test-artifacts/webchat-real-kb-followup.png' });
    expect(await ask('楼下烧烤店油烟太大了能不能管管')).toContain('可以为您登记工单');
  });
});
