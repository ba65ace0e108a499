import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { ADMIN_TOKEN, chat, desk } from '../support/desk.ts';

const VALID_CODE = '91110108MA01ABCDEN';
import { botTexts, getActivities, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';

/**
 * The newcomer's whole path (issue 9's "done when"): a question the bot cannot answer becomes a ticket with a
 * valid credit code, a number and a due time; its status is asked in the chat; the department's answer, given
 * through the desk API, arrives in the same conversation.
 */
function journeySuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`from a question to an answered ticket, on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      app = await startTestApp({ databaseUrl: target.url, env: { DESK_ADMIN_TOKEN: ADMIN_TOKEN, OUTBOX_POLL_MS: '50' } });
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    it('registers, reports status, and delivers the answer and the survey into the web chat', async (ctx) => {
      if (!target) return ctx.skip();
      const base = app.url;
      const c = await startConversation(base);
      const offer = await chat(base, c, '我们公司想申请一笔技改补贴，流程是怎样的');
      expect(offer).toContain('可以为您登记工单');
      expect(offer).toMatch(/预计 \d+月\d+日（周.）\d{2}:\d{2} 前答复/);
      expect(await chat(base, c, '登记工单')).toContain('请输入企业全称');
      await chat(base, c, '福州某某科技有限公司', VALID_CODE, '王会计', '13812345678');
      expect(await chat(base, c, '确认')).toContain(`统一社会信用代码：${VALID_CODE}`);
      const receipt = await chat(base, c, '确认提交');
      const number = /编号 \*\*(QY\d{8}-\d{4})\*\*/.exec(receipt)?.[1];
      expect(number, receipt).toBeDefined();
      expect(receipt).toMatch(/预计 \d+月\d+日（周.）\d{2}:\d{2} 前答复/);

      const row = await desk(base, 'GET', `/tickets/${number}`);
      expect(row.status).toBe(200);
      expect(row.body.ticket).toMatchObject({ creditCode: VALID_CODE, creditCheck: 'valid', contactMobile: '13812345678', state: 'new' });
      expect(row.body.ticket.requestText).toContain('技改补贴');
      expect(JSON.stringify(row.body.ticket.transcript)).toContain('技改补贴');

      expect(await chat(base, c, '查询工单')).toContain(`工单 ${number}：待受理`);

      let version = row.body.ticket.version as number;
      const dispatched = await desk(base, 'POST', `/tickets/${number}/actions/dispatch`, { expectedVersion: version, department: 'commerce' });
      expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
      version = dispatched.body.ticket.version;
      await expect.poll(async () => botTexts(await getActivities(base, c)).join('\n'), { timeout: 10_000 }).toContain(`您的工单 ${number} 已派至`);

      const answer = '技改补贴由市工信局受理，可登录政务服务网在线申报，材料清单见申报指南。';
      version = (await desk(base, 'POST', `/tickets/${number}/actions/reply`, { expectedVersion: version, text: answer })).body.ticket.version;
      await expect.poll(async () => botTexts(await getActivities(base, c)).join('\n'), { timeout: 10_000 }).toContain(answer);
      expect(await chat(base, c, number as string)).toContain(`答复：${answer}`);

      version = (await desk(base, 'POST', `/tickets/${number}/actions/accept`, { expectedVersion: version })).body.ticket.version;
      const resolved = await desk(base, 'POST', `/tickets/${number}/actions/resolve`, { expectedVersion: version });
      expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
      await expect.poll(async () => botTexts(await getActivities(base, c)).join('\n'), { timeout: 10_000 }).toContain('您对办理结果满意吗？');
      expect(await chat(base, c, '满意')).toContain('感谢您的评价');
      expect((await desk(base, 'GET', `/tickets/${number}`)).body.ticket).toMatchObject({ state: 'visited', satisfaction: { level: 'satisfied' } });
      // Each notice arrived exactly once.
      const all = botTexts(await getActivities(base, c)).join('\n');
      expect(all.split(`您的工单 ${number} 已派至`).length - 1).toBe(1);
    });
  });
}

journeySuite('SQLite', async () => sqliteDatabase());
journeySuite('PostgreSQL', postgresDatabase);

describe('a ticket raised on a Bot Framework channel (/api/messages)', () => {
  it('sends the department’s answer back through the Bot Connector to the conversation it came from', async () => {
    const { createServer } = await import('node:http');
    const received: Array<{ url: string; text?: string }> = [];
    const connector = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      received.push({ url: req.url ?? '', text: (JSON.parse(raw || '{}') as { text?: string }).text });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id":"r"}');
    });
    await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
    const serviceUrl = `http://127.0.0.1:${(connector.address() as { port: number }).port}`;
    const target = sqliteDatabase();
    // The connector stands in on loopback: allowed here by name, as an operator would allow the Emulator.
    const app = await startTestApp({
      databaseUrl: target.url,
      env: { DESK_ADMIN_TOKEN: ADMIN_TOKEN, OUTBOX_POLL_MS: '50', BOTFRAMEWORK_SERVICE_URLS: serviceUrl },
    });
    try {
      const conversation = { id: 'teams-conv-1' };
      const say = async (text: string) => {
        const before = received.length;
        const res = await fetch(`${app.url}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            id: `a${Math.random()}`,
            text,
            channelId: 'msteams',
            serviceUrl,
            from: { id: 'user-7', name: '李会计' },
            recipient: { id: 'bot' },
            conversation,
            locale: 'zh-CN',
          }),
        });
        expect(res.status).toBe(200);
        await expect.poll(() => received.length).toBeGreaterThan(before);
        return received
          .slice(before)
          .map((r) => r.text ?? '')
          .join('\n');
      };
      for (const text of ['转人工', '个人', '李女士', '13912345678', '灵活就业人员社保怎么交']) await say(text);
      const receipt = await say('确认提交');
      const number = /编号 \*\*(QY\d{8}-\d{4})\*\*/.exec(receipt)?.[1] as string;
      const ticket = (await desk(app.url, 'GET', `/tickets/${number}`)).body.ticket;
      await desk(app.url, 'POST', `/tickets/${number}/actions/dispatch`, { expectedVersion: ticket.version });
      await expect.poll(() => received.map((r) => r.text).join('\n'), { timeout: 10_000 }).toContain(`您的工单 ${number} 已派至`);
      expect(received.at(-1)?.url).toMatch(/^\/v3\/conversations\/teams-conv-1\/activities/);
    } finally {
      await app.close();
      await target.drop();
      connector.close();
    }
  });
});
