// A department handler (承办单位) and an agent in chromium, against the real server: the handler sees only its
// department's dispatched tickets, signs for one, returns it with a reason; the agent sees it come back without
// reloading and dispatches it again; a second ticket the handler answers and closes, and the answer reaches the user.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { launchChromium, openWidget, person, raiseTicketInWidget, shot, signIn, TABLET } from '../desk/browser.ts';
import { type DeskClient, deskEnv, signedIn, tokenCall } from '../desk/support.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

describe('the desk in a browser: a department handler', () => {
  let target: TestDatabase;
  let app: App;
  let browser: Browser | null = null;
  let agent: DeskClient;
  let handler: DeskClient;

  beforeAll(async () => {
    target = sqliteDatabase();
    app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
    agent = await signedIn(app.url, 'agent', { name: '王坐席' });
    handler = await signedIn(app.url, 'handler', { department: 'hrss', name: '人社局张科员' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await target?.drop();
  });

  /** A ticket taken by phone and dispatched to a department through the API. */
  async function dispatched(text: string, category: string): Promise<string> {
    const created = await tokenCall(app.url, 'POST', '/api/desk/tickets', { requestText: text, category });
    await tokenCall(app.url, 'POST', `/api/desk/tickets/${created.body.ticket.number}/actions/dispatch`, { expectedVersion: 1 });
    return created.body.ticket.number;
  }

  it('signs for a ticket and returns it; the agent sees it come back and dispatches it again', async (ctx) => {
    if (!browser) return ctx.skip();
    const ours = await dispatched('企业反映网约车平台乱收费（误派人社）', 'social_insurance');
    const theirs = await dispatched('网约车投诉', 'transport');
    const clerk = await person(browser);
    const desk = await person(browser);
    await signIn(clerk.page, app.url, handler.user.username);
    await signIn(desk.page, app.url, agent.user.username);

    // The handler's queue: its own department's tickets waiting to be signed for, nobody else's.
    await clerk.page.locator('.chip.on', { hasText: '待签收' }).waitFor();
    const row = clerk.page.locator(`.row[data-number="${ours}"]`);
    await row.waitFor();
    expect(await clerk.page.locator(`.row[data-number="${theirs}"]`).count()).toBe(0);
    expect(await clerk.page.locator('.topbar nav a').allTextContents()).toEqual(['工单']);
    await row.click();
    await clerk.page.locator('.actions button[data-action="accept"]').click();
    await clerk.page.locator('.action-form button.primary').click();
    await clerk.page.locator('.ticket-head .state', { hasText: '已签收' }).waitFor();
    await clerk.page.locator('.actions button[data-action="return"]').click();
    await clerk.page.locator('.action-form textarea[name="reason"]').fill('该诉求涉及网约车，属交通部门职责，请改派。');
    await shot(clerk.page, 'department');
    await clerk.page.locator('.action-form button.primary').click();
    // Returned: no longer the department's, so it leaves the handler's view.
    await clerk.page.locator('.detail .placeholder').waitFor();
    await expect.poll(() => clerk.page.locator(`.row[data-number="${ours}"]`).count(), { timeout: 5000 }).toBe(0);

    // The agent's queue shows it returned, live; the agent dispatches it to the right department.
    const returned = desk.page.locator(`.row[data-number="${ours}"]`);
    await returned.locator('.state', { hasText: '已退回' }).waitFor({ timeout: 5000 });
    await returned.click();
    await desk.page.locator('.trail li', { hasText: '属交通部门职责' }).waitFor();
    await desk.page.locator('.actions button[data-action="dispatch"]').click();
    await desk.page.locator('.action-form select[name="department"]').selectOption('transport');
    await desk.page.locator('.action-form button.primary').click();
    await desk.page.locator('.ticket-head .state', { hasText: '已派单' }).waitFor();
    expect(await desk.page.locator('.facts').textContent()).toContain('市交通运输局');
    await shot(desk.page, 'redispatch');
    expect([...clerk.errors, ...desk.errors]).toEqual([]);
    await clerk.context.close();
    await desk.context.close();
  });

  it('answers and closes a ticket on a tablet; the answer reaches the user’s widget', async (ctx) => {
    if (!browser) return ctx.skip();
    const user = await person(browser);
    await openWidget(user.page, app.url);
    const number = await raiseTicketInWidget(user.page);
    await tokenCall(app.url, 'POST', `/api/desk/tickets/${number}/actions/dispatch`, { expectedVersion: 1, department: 'hrss' });
    const clerk = await person(browser, TABLET);
    await signIn(clerk.page, app.url, handler.user.username);
    await clerk.page.locator(`.row[data-number="${number}"]`).click();
    await clerk.page.locator('.actions button[data-action="accept"]').click();
    await clerk.page.locator('.action-form button.primary').click();
    await clerk.page.locator('.ticket-head .state', { hasText: '已签收' }).waitFor();
    await clerk.page.locator('.actions button[data-action="resolve"]').click();
    await clerk.page.locator('.action-form textarea[name="reply"]').fill('技改补贴请向市工信局申报，材料清单见政务网。');
    await clerk.page.locator('.action-form button.primary').click();
    await clerk.page.locator('.ticket-head .state', { hasText: '已办结' }).waitFor();
    await user.page.locator('.lo-bubble-bot', { hasText: '技改补贴请向市工信局申报' }).waitFor({ timeout: 5000 });
    await user.page.locator('.lo-bubble-bot', { hasText: '您对办理结果满意吗' }).waitFor();
    await shot(clerk.page, 'department-tablet');
    await clerk.context.close();
    await user.context.close();
  });
});
