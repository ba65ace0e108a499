// An agent at the desk in chromium, against the real server: signs in, sees a ticket raised in the web widget appear
// in the queue without reloading, answers it, and the answer reaches the user's widget. Keyboard, escaping, a stale
// edit, and the tablet layout. Each person has their own browser context; every test opens its own pages.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { launchChromium, openWidget, person, raiseTicketInWidget, shot, signIn, TABLET } from '../desk/browser.ts';
import { type DeskClient, deskEnv, FIRST_ADMIN, signedIn, tokenCall } from '../desk/support.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

describe('the desk in a browser: an agent', () => {
  let target: TestDatabase;
  let app: App;
  let browser: Browser | null = null;
  let agent: DeskClient;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
    agent = await signedIn(app.url, 'agent', { name: '王坐席' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await target?.drop();
  });

  it('signs the first administrator in and makes them choose a new password', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, errors, context } = await person(browser);
    await page.goto(`${app.url}/desk/`);
    await page.locator('.login-card h1', { hasText: '企业服务一号线' }).waitFor();
    await shot(page, 'login');
    await page.locator('input[name=username]').fill(FIRST_ADMIN.username);
    await page.locator('input[name=password]').fill('wrong-password-1');
    await page.locator('button[type=submit]').click();
    await page.locator('.error', { hasText: '用户名或密码错误' }).waitFor();
    await page.locator('input[name=password]').fill(FIRST_ADMIN.password);
    await page.locator('button[type=submit]').click();
    await page.locator('h1', { hasText: '首次登录，请设置新密码' }).waitFor();
    await page.locator('input[name=current]').fill(FIRST_ADMIN.password);
    await page.locator('input[name=next]').fill('Admin-Passw0rd-New');
    await page.locator('input[name=again]').fill('Admin-Passw0rd-New');
    await page.locator('button[type=submit]').click();
    await page.locator('.topbar nav a', { hasText: '管理' }).waitFor();
    await page.locator('.topbar nav a', { hasText: '管理' }).click();
    await page.locator('h3', { hasText: '新建账号' }).waitFor();
    await shot(page, 'admin');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sees a ticket from the web widget appear live, answers it, and the answer reaches the widget', async (ctx) => {
    if (!browser) return ctx.skip();
    const desk = await person(browser);
    const user = await person(browser);
    await signIn(desk.page, app.url, agent.user.username);
    await desk.page.locator('.queue .rows').waitFor();

    await openWidget(user.page, app.url);
    const number = await raiseTicketInWidget(user.page);

    // No reload: the new ticket arrives over the event stream.
    const row = desk.page.locator(`.row[data-number="${number}"]`);
    await row.waitFor({ timeout: 5000 });
    await shot(desk.page, 'queue');
    await row.click();
    await desk.page.locator('.ticket-head h2', { hasText: number }).waitFor();
    await desk.page.locator('.transcript .msg.from-user', { hasText: '技改补贴' }).first().waitFor();
    expect(await desk.page.locator('.facts').textContent()).toContain('时限');
    const answer = '技改补贴由市工信局受理，可登录政务服务网在线申报。';
    await desk.page.keyboard.press('r');
    await desk.page.keyboard.type(answer);
    await desk.page.locator('.reply button.primary', { hasText: '发送答复' }).click();
    await desk.page.locator('.reply .ok', { hasText: '答复已发送' }).waitFor();
    await desk.page.locator('.trail li', { hasText: '答复' }).first().waitFor();
    await shot(desk.page, 'ticket');
    await user.page.locator('.lo-bubble-bot', { hasText: answer }).waitFor({ timeout: 5000 });
    expect(await user.page.locator('.lo-bubble-bot', { hasText: `您的工单 ${number} 有了答复` }).count()).toBe(1);
    expect([...desk.errors, ...user.errors]).toEqual([]);
    await desk.context.close();
    await user.context.close();
  });

  it('moves through the queue with j / k, opens with Enter, and shows HTML as text', async (ctx) => {
    if (!browser) return ctx.skip();
    const html = '<img src=x onerror="window.__pwned=1">企业反映<b>加粗</b>';
    const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', {
      requestText: html,
      enterpriseName: '<script>window.__pwned=2</script>',
      category: 'tax',
      priority: 'urgent',
    });
    const { page, errors, context } = await person(browser);
    await signIn(page, app.url, agent.user.username);
    await page.locator('.queue .row').first().waitFor();
    const numbers = await page.locator('.queue .row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
    // Urgent first: the new urgent ticket leads the queue.
    expect(numbers[0]).toBe(created.body.ticket.number);
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.locator('.ticket-head h2', { hasText: created.body.ticket.number }).waitFor();
    expect(await page.locator('.ticket .request').textContent()).toBe(html);
    expect(await page.locator('.ticket img, .ticket b:has-text("加粗"), .ticket script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.row', { hasText: '<script>' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says so in Chinese when someone else changed the ticket first', async (ctx) => {
    if (!browser) return ctx.skip();
    const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: '企业咨询留抵退税', category: 'tax' });
    const number = created.body.ticket.number;
    const { page, context } = await person(browser);
    // Without live updates (a dropped stream), the page still shows version 1 when the other change lands.
    await page.route('**/api/desk/events', (route) => route.abort());
    await signIn(page, app.url, agent.user.username);
    await page.goto(`${app.url}/desk/#/tickets/${number}`);
    await page.locator('.ticket-head h2', { hasText: number }).waitFor();
    await tokenCall(app.url, 'POST', `/api/desk/tickets/${number}/actions/note`, { expectedVersion: 1, text: '另一位坐席已处理' });
    await page.locator('.actions button[data-action="dispatch"]').click();
    await page.locator('.action-form button.primary').click();
    await page.locator('.actions .error', { hasText: '工单已被其他人修改' }).waitFor();
    // The page now shows the other change; the form stays open with what was chosen, and the second try goes through.
    await page.locator('.trail li', { hasText: '另一位坐席已处理' }).waitFor();
    await shot(page, 'conflict');
    await page.locator('.action-form button.primary').click();
    await page.locator('.ticket-head .state', { hasText: '已派单' }).waitFor();
    await context.close();
  });

  it('works on a tablet: the list, then the ticket in its place', async (ctx) => {
    if (!browser) return ctx.skip();
    const { page, errors, context } = await person(browser, TABLET);
    await signIn(page, app.url, agent.user.username);
    await page.locator('.queue .row').first().click();
    await page.locator('.ticket-head').waitFor();
    expect(await page.locator('.queue').isVisible()).toBe(false);
    await shot(page, 'tablet');
    await page.locator('.ticket-head .back').click();
    await page.locator('.queue').waitFor({ state: 'visible' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
