// Taking a conversation live (接管) against the real server, on both engines: the user's widget conversation over
// Direct Line, the agent at the desk API and its event stream. While the agent owns the conversation the bot says
// nothing; the user hears the agent join, write and leave; a request for a person nobody takes in time is told so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { chat } from '../support/desk.ts';
import { botTexts, getActivities, postMessage, type Started, startConversation } from '../support/directline.ts';
import { postgresDatabase, sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { type DeskClient, deskEnv, readEvents, signedIn } from './support.ts';

const VALID_CODE = '91110108MA01ABCDEN';

/** Raises a ticket in the web chat the way a user does; returns its number. */
async function raiseTicket(base: string, c: Started): Promise<string> {
  await chat(base, c, '我们公司想申请一笔技改补贴，流程是怎样的', '登记工单', '福州某某科技有限公司', VALID_CODE, '王会计', '13812345678', '确认');
  const receipt = await chat(base, c, '确认提交');
  const number = /编号 \*\*(QY\d{8}-\d{4})\*\*/.exec(receipt)?.[1];
  if (!number) throw new Error(`no ticket: ${receipt}`);
  return number;
}

/** Asks for a person: the intake for an individual, then the ticket. */
async function askForPerson(base: string, c: Started): Promise<string> {
  await chat(base, c, '转人工', '个人', '李女士', '13912345678', '灵活就业人员社保怎么交');
  const receipt = await chat(base, c, '确认提交');
  return /编号 \*\*(QY\d{8}-\d{4})\*\*/.exec(receipt)?.[1] as string;
}

const allBotText = async (base: string, c: Started) => botTexts(await getActivities(base, c)).join('\n');

function liveSuite(engine: string, make: () => Promise<TestDatabase | undefined>) {
  describe(`live conversations on ${engine}`, () => {
    let target: TestDatabase | undefined;
    let app: App;
    let agent: DeskClient;
    let other: DeskClient;

    beforeAll(async () => {
      target = await make();
      if (!target) return;
      app = await startTestApp({ databaseUrl: target.url, env: deskEnv() });
      agent = await signedIn(app.url, 'agent', { name: '小王' });
      other = await signedIn(app.url, 'agent', { name: '小李' });
    });
    afterAll(async () => {
      await app?.close();
      await target?.drop();
    });

    it('takes a conversation from its ticket: the bot is silent, words go both ways, and the bot resumes after', async (ctx) => {
      if (!target) return ctx.skip();
      const base = app.url;
      const c = await startConversation(base);
      const number = await raiseTicket(base, c);
      const stream = await readEvents(agent);

      const taken = await agent.post(`/api/desk/tickets/${number}/live`);
      expect(taken.body.session).toMatchObject({ status: 'live', agentName: '小王', ticketNumber: number });
      expect(taken.body.session).not.toHaveProperty('reference');
      const sessionId = taken.body.session.id as string;
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain('人工坐席 小王 已接入');
      expect((await other.post(`/api/desk/tickets/${number}/live`)).body.error.message).toBe('desk: 该对话已由 小王 接入');

      // The user's words reach the agent; the bot stays silent.
      const before = (await getActivities(base, c)).watermark;
      expect((await postMessage(base, c, '请问补贴<b>多久</b>能批下来？')).status).toBe(200);
      await app.settled();
      expect(botTexts(await getActivities(base, c, before))).toEqual([]);
      const heard = await stream.next((e) => e.type === 'live_message' && e.message.sender === 'user');
      expect(heard).toMatchObject({ sessionId, message: { text: '请问补贴<b>多久</b>能批下来？' } });
      expect((await agent.get(`/api/desk/live/${sessionId}`)).body.messages.map((m: { text: string }) => m.text)).toEqual(['请问补贴<b>多久</b>能批下来？']);

      // The agent's words reach the user, and only the owner may write.
      expect((await other.post(`/api/desk/live/${sessionId}/messages`, { text: '插话' })).status).toBe(403);
      expect((await agent.post(`/api/desk/live/${sessionId}/messages`, { text: '一般 15 个工作日内答复。' })).status).toBe(201);
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain('【人工坐席】一般 15 个工作日内答复。');

      // The user typing is shown to the agent.
      await fetch(`${base}/v3/directline/conversations/${c.conversationId}/activities`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${c.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'typing', from: { id: 'user1' } }),
      });
      expect(await stream.next((e) => e.type === 'live_typing')).toMatchObject({ sessionId });

      expect((await agent.post(`/api/desk/live/${sessionId}/end`, { reason: '问题已解答' })).body.session).toMatchObject({ status: 'ended' });
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain('人工坐席已结束本次对话');
      expect(await chat(base, c, '公积金缴存比例是多少')).toContain('住房公积金缴存比例');
      stream.close();
    });

    it('lets an agent take a waiting request for a person', async (ctx) => {
      if (!target) return ctx.skip();
      const base = app.url;
      const c = await startConversation(base);
      const number = await askForPerson(base, c);
      const waiting = (await agent.get('/api/desk/live')).body.sessions.find((s: { ticketNumber: string }) => s.ticketNumber === number);
      expect(waiting).toMatchObject({ status: 'waiting', agentId: null });
      const [first, second] = await Promise.all([agent.post(`/api/desk/live/${waiting.id}/take`), other.post(`/api/desk/live/${waiting.id}/take`)]);
      expect([first.status, second.status].sort()).toEqual([200, 409]);
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toMatch(/人工坐席 小[王李] 已接入/);
      expect((await allBotText(base, c)).match(/已接入/g)).toHaveLength(1);
    });

    it('refuses to take a ticket that came by phone', async (ctx) => {
      if (!target) return ctx.skip();
      const created = await agent.post('/api/desk/tickets', { requestText: '来电咨询', category: 'tax' });
      const res = await agent.post(`/api/desk/tickets/${created.body.ticket.number}/live`);
      expect(res).toMatchObject({ status: 409, body: { error: { code: 'NoChat' } } });
    });

    it('tells every agent screen about a new ticket within a second, and a handler only about its department', async (ctx) => {
      if (!target) return ctx.skip();
      const hrss = await signedIn(app.url, 'handler', { department: 'hrss' });
      const agentStream = await readEvents(agent);
      const handlerStream = await readEvents(hrss);
      await agentStream.next((e) => e.type === 'hello');
      const started = performance.now();
      const created = await other.post('/api/desk/tickets', { requestText: '网约车乱收费', category: 'transport' });
      const number = created.body.ticket.number;
      await agentStream.next((e) => e.type === 'ticket' && e.number === number && e.action === 'create');
      expect(performance.now() - started).toBeLessThan(1000);
      await other.post(`/api/desk/tickets/${number}/actions/dispatch`, { expectedVersion: 1 });
      await agentStream.next((e) => e.type === 'ticket' && e.number === number && e.state === 'dispatched');
      const social = await other.post('/api/desk/tickets', { requestText: '社保转移', category: 'social_insurance' });
      await other.post(`/api/desk/tickets/${social.body.ticket.number}/actions/dispatch`, { expectedVersion: 1 });
      await handlerStream.next((e) => e.type === 'ticket' && e.number === social.body.ticket.number);
      expect(handlerStream.events.filter((e) => e.type === 'ticket' && e.number === number)).toEqual([]);
      expect(handlerStream.events.some((e) => e.type.startsWith('live'))).toBe(false);
      // A return takes the ticket from the department: its handlers hear that too, so their lists drop it.
      await hrss.post(`/api/desk/tickets/${social.body.ticket.number}/actions/return`, { expectedVersion: 2, reason: '非本单位职责' });
      expect(await handlerStream.next((e) => e.type === 'ticket' && e.number === social.body.ticket.number && e.state === 'returned')).toMatchObject({
        department: null,
        previousDepartment: 'hrss',
      });
      agentStream.close();
      handlerStream.close();
    });

    it('shows two agents on the same ticket to each other', async (ctx) => {
      if (!target) return ctx.skip();
      const created = await agent.post('/api/desk/tickets', { requestText: '医保报销', category: 'medical_insurance' });
      const number = created.body.ticket.number;
      const stream = await readEvents(agent);
      expect((await agent.post('/api/desk/presence', { ticket: number })).body.viewers).toEqual([]);
      const seen = await other.post('/api/desk/presence', { ticket: number });
      expect(seen.body.viewers).toEqual([{ id: agent.user.id, name: '小王' }]);
      const told = await stream.next((e) => e.type === 'presence' && e.ticket === number && e.viewers.length === 2);
      expect(told.viewers.map((v: { name: string }) => v.name).sort()).toEqual(['小李', '小王']);
      await other.post('/api/desk/presence', { ticket: number, leaving: true });
      await stream.next((e) => e.type === 'presence' && e.ticket === number && e.viewers.length === 1);
      stream.close();
    });

    it('still delivers the desk’s words after a notice was written inside a chat turn (不满意 reopens the ticket)', async (ctx) => {
      if (!target) return ctx.skip();
      const base = app.url;
      const c = await startConversation(base);
      const number = await raiseTicket(base, c);
      await agent.post(`/api/desk/tickets/${number}/actions/resolve`, { expectedVersion: 1, reply: '已办结：请登录政务网申报。' });
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain('您对办理结果满意吗');
      await chat(base, c, '不满意');
      // The reopen happens inside this turn, and its notice wakes the outbox from there.
      await chat(base, c, '材料清单没说清楚');
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain(`您的工单 ${number} 已重新办理`);
      const version = (await agent.get(`/api/desk/tickets/${number}`)).body.ticket.version;
      await agent.post(`/api/desk/tickets/${number}/actions/reply`, { expectedVersion: version, text: '材料清单：营业执照、申请表。' });
      await expect.poll(() => allBotText(base, c), { timeout: 5000 }).toContain('材料清单：营业执照、申请表。');
    });

    it('refuses a stale edit with 409 and says so', async (ctx) => {
      if (!target) return ctx.skip();
      const created = await agent.post('/api/desk/tickets', { requestText: '失业金申领', category: 'unemployment' });
      const number = created.body.ticket.number;
      expect((await other.post(`/api/desk/tickets/${number}/actions/note`, { expectedVersion: 1, text: '先处理' })).status).toBe(200);
      const stale = await agent.post(`/api/desk/tickets/${number}/actions/dispatch`, { expectedVersion: 1 });
      expect(stale).toMatchObject({ status: 409, body: { error: { code: 'Conflict' } } });
    });
  });
}

liveSuite('SQLite', async () => sqliteDatabase());
liveSuite('PostgreSQL', postgresDatabase);

describe('a request for a person that nobody takes', () => {
  it('is told no agent came in time, and the ticket stands', async () => {
    const target = sqliteDatabase();
    const app = await startTestApp({ databaseUrl: target.url, env: deskEnv({ DESK_LIVE_WAIT_SECONDS: '2' }) });
    try {
      const c = await startConversation(app.url);
      const number = await askForPerson(app.url, c);
      await expect.poll(() => allBotText(app.url, c), { timeout: 20_000 }).toContain(`暂时没有坐席可以接入，您的工单 ${number} 已登记`);
      const agent = await signedIn(app.url, 'agent');
      const session = (await agent.get(`/api/desk/tickets/${number}/live`)).body.sessions[0];
      expect(session).toMatchObject({ status: 'missed', endReason: 'no agent in time' });
      expect((await agent.post(`/api/desk/live/${session.id}/take`)).body.error.message).toBe('desk: 该请求已结束（用户已离开或已超时）');
      expect((await agent.get(`/api/desk/tickets/${number}`)).body.ticket.state).toBe('new');
      // The bot still answers this user.
      expect(await chat(app.url, c, '公积金缴存比例是多少')).toContain('住房公积金缴存比例');
    } finally {
      await app.close();
      await target.drop();
    }
  });
});
