// The supervisor's dashboard in chromium, against the real server: the figures and charts render from scripts
// served by Line One only; when a ticket is created and resolved elsewhere, the KPIs move without a reload. The
// canned replies page too.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { launchChromium, person, shot, signIn } from '../desk/browser.ts';
import { type DeskClient, deskEnv, signedIn, tokenCall } from '../desk/support.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

describe('the desk in a browser: a supervisor', () => {
  let target: TestDatabase;
  let app: App;
  let browser: Browser | null = null;
  let supervisor: DeskClient;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
    supervisor = await signedIn(app.url, 'supervisor', { name: '李班长' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await target?.drop();
  });

  it('sees the KPIs move as tickets are created and resolved', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, errors, context } = await person(browser);
    const origins = new Set<string>();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await signIn(page, app.url, supervisor.user.username);
    await page.locator('.topbar nav a', { hasText: '看板' }).click();
    const kpi = (name: string) => page.locator(`.kpi[data-kpi="${name}"] .value`);
    await kpi('新建工单').waitFor();
    expect(await kpi('新建工单').textContent()).toBe('0');
    expect(await kpi('按时办结率').textContent()).toBe('—');
    expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(2);

    const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: '企业咨询稳岗返还', category: 'unemployment' });
    await expect.poll(() => kpi('新建工单').textContent(), { timeout: 8000 }).toBe('1');
    await tokenCall(app.url, 'POST', `/api/desk/tickets/${created.body.ticket.number}/actions/resolve`, {
      expectedVersion: 1,
      reply: '稳岗返还无需申请，符合条件的直接发放。',
    });
    await expect.poll(() => kpi('按时办结率').textContent(), { timeout: 8000 }).toBe('100.0%');
    expect(await page.locator('.bars li', { hasText: '失业' }).count()).toBeGreaterThan(0);
    await shot(page, 'dashboard');
    // Charts and styles come from Line One itself: no CDN.
    expect([...origins]).toEqual([app.url]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('manages the canned replies agents use', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, errors, context } = await person(browser);
    await signIn(page, app.url, supervisor.user.username);
    await page.locator('.topbar nav a', { hasText: '快捷回复' }).click();
    await page.locator('.canned-form input[name="title"]').fill('社保转移材料');
    await page.locator('.canned-form textarea[name="text"]').fill('请携带身份证、参保缴费凭证到转入地社保经办机构办理。<b>不是HTML</b>');
    await page.locator('.canned-form button.primary').click();
    await page.locator('.canned-list b', { hasText: '社保转移材料' }).waitFor();
    expect(await page.locator('.canned-list .pre').textContent()).toContain('<b>不是HTML</b>');
    await shot(page, 'canned');
    expect(errors).toEqual([]);
    await context.close();
  });
});
