// 接管 in chromium against the real server: a user in the web widget asks for a person; the agent sees the request
// (a badge, the 在线接管 page), takes it, and the bot goes silent; the user's message reaches the agent, the agent's
// reaches the widget; when the agent ends the conversation the bot answers again.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { askForPersonInWidget, launchChromium, openWidget, person, raiseTicketInWidget, say, shot, signIn } from '../desk/browser.ts';
import { type DeskClient, deskEnv, signedIn } from '../desk/support.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

describe('the desk in a browser: taking a conversation live', () => {
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

  it('answers a request for a person: the bot is silent while the agent talks, and answers again after', async (ctx) => {
    if (!browser) return ctx.skip();
    const desk = await person(browser);
    const user = await person(browser);
    await signIn(desk.page, app.url, agent.user.username);
    await openWidget(user.page, app.url);
    const number = await askForPersonInWidget(user.page);

    // The request shows on the top bar and on the 在线接管 page without a reload.
    await desk.page.locator('.topbar nav a', { hasText: '在线接管' }).locator('.badge', { hasText: '1' }).waitFor({ timeout: 5000 });
    await desk.page.locator('.topbar nav a', { hasText: '在线接管' }).click();
    const request = desk.page.locator('.live-list .row', { hasText: number });
    await request.locator('.state', { hasText: '等待接入' }).waitFor();
    await request.locator('button', { hasText: '接入' }).click();
    await user.page.locator('.lo-bubble-bot', { hasText: '人工坐席 王坐席 已接入' }).waitFor({ timeout: 5000 });

    // The user's words reach the agent; the bot says nothing.
    const botsBefore = await user.page.locator('.lo-bubble-bot').count();
    await say(user.page, '你好，我是灵活就业人员，<b>社保</b>断缴了怎么补？');
    await desk.page.locator('.live-chat .msg.from-user', { hasText: '你好，我是灵活就业人员，<b>社保</b>断缴了怎么补？' }).waitFor({ timeout: 5000 });
    await app.settled();
    expect(await user.page.locator('.lo-bubble-bot').count()).toBe(botsBefore);

    // The agent's words reach the widget.
    const input = desk.page.locator('.live-chat textarea');
    await input.fill('您好，断缴可以在社保网厅补缴，我把链接发给您。');
    await input.press('Enter');
    await user.page.locator('.lo-bubble-bot', { hasText: '【人工坐席】您好，断缴可以在社保网厅补缴' }).waitFor({ timeout: 5000 });
    await desk.page.locator('.live-chat .msg.from-agent', { hasText: '断缴可以在社保网厅补缴' }).waitFor();
    await shot(desk.page, 'live');
    await shot(user.page, 'live-widget');

    await desk.page.locator('.live-chat button', { hasText: '结束对话' }).click();
    await user.page.locator('.lo-bubble-bot', { hasText: '人工坐席已结束本次对话' }).waitFor({ timeout: 5000 });
    await say(user.page, '公积金缴存比例是多少', '住房公积金缴存比例');
    expect([...desk.errors, ...user.errors]).toEqual([]);
    await desk.context.close();
    await user.context.close();
  });

  it('takes a conversation from its ticket, and shows the user typing', async (ctx) => {
    if (!browser) return ctx.skip();
    const desk = await person(browser);
    const user = await person(browser);
    await signIn(desk.page, app.url, agent.user.username);
    await openWidget(user.page, app.url);
    const number = await raiseTicketInWidget(user.page);
    await desk.page.goto(`${app.url}/desk/#/tickets/${number}`);
    await desk.page.locator('.live button', { hasText: '接管对话' }).click();
    await user.page.locator('.lo-bubble-bot', { hasText: '人工坐席 王坐席 已接入' }).waitFor({ timeout: 5000 });
    // The user types in the widget (without sending). Typing is passed on at most every two seconds, and
    // the widget typed the intake answers a moment ago, so keep typing until the desk shows it.
    const indicator = desk.page.locator('.live-chat .typing', { hasText: '用户正在输入' });
    await expect
      .poll(
        async () => {
          await user.page.locator('.lo-input').pressSequentially('好');
          return indicator.isVisible();
        },
        { timeout: 10_000, interval: 250 },
      )
      .toBe(true);
    await user.page.locator('.lo-input').fill('');
    await say(user.page, '好的，谢谢');
    await desk.page.locator('.live-chat .msg.from-user', { hasText: '好的，谢谢' }).waitFor({ timeout: 5000 });
    await desk.page.locator('.live-chat button', { hasText: '结束对话' }).click();
    await user.page.locator('.lo-bubble-bot', { hasText: '人工坐席已结束本次对话' }).waitFor({ timeout: 5000 });
    await desk.context.close();
    await user.context.close();
  });
});
