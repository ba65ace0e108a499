// Two instances behind an imaginary load balancer, sharing PostgreSQL and Redis: an agent signed in on one sees,
// live, what happens on the other (a new ticket, a user's message in the conversation they took, a colleague
// opening the same ticket), and one session works on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { postMessage, startConversation } from '../support/directline.ts';
import { postgresDatabase, redisUrl, type TestDatabase } from '../support/services.ts';
import { DeskClient, deskEnv, readEvents, signedIn } from './support.ts';

describe('the desk on two instances (PostgreSQL + Redis)', () => {
  let target: TestDatabase | undefined;
  let redis: string | undefined;
  let a: App;
  let b: App;

  beforeAll(async () => {
    target = await postgresDatabase();
    redis = await redisUrl();
    if (!target || !redis) return;
    a = await startTestApp({ databaseUrl: target.url, env: deskEnv({ REDIS_URL: redis }) });
    b = await startTestApp({ databaseUrl: target.url, env: deskEnv({ REDIS_URL: redis }) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await target?.drop();
  });

  it('shows an agent on one instance what happens on the other', async (ctx) => {
    if (!target || !redis) return ctx.skip();
    const agentOnA = await signedIn(a.url, 'agent', { name: '小王' });
    const colleagueOnB = await signedIn(b.url, 'agent', { name: '小李' });
    // The same session cookie works on either instance.
    const sameAgentOnB = Object.assign(new DeskClient(b.url), { cookie: agentOnA.cookie, csrf: agentOnA.csrf, user: agentOnA.user });
    expect((await sameAgentOnB.get('/api/desk/tickets')).status).toBe(200);

    const stream = await readEvents(agentOnA);
    await stream.next((e) => e.type === 'hello');
    const created = await colleagueOnB.post('/api/desk/tickets', { requestText: '跨实例的工单', category: 'tax' });
    await stream.next((e) => e.type === 'ticket' && e.number === created.body.ticket.number);

    await colleagueOnB.post('/api/desk/presence', { ticket: created.body.ticket.number });
    expect((await agentOnA.post('/api/desk/presence', { ticket: created.body.ticket.number })).body.viewers).toEqual([
      { id: colleagueOnB.user.id, name: '小李' },
    ]);

    // A user chatting through instance B, in a conversation the agent took on instance A.
    const c = await startConversation(b.url);
    const reference = { channelId: 'lineone-webchat', conversation: { id: c.conversationId }, user: { id: 'u' }, bot: { id: 'line-one' }, serviceUrl: b.url };
    const request = await b.desk.live.request({ channelId: 'lineone-webchat', userId: 'u', reference });
    expect((await agentOnA.post(`/api/desk/live/${request!.id}/take`)).status).toBe(200);
    expect((await postMessage(b.url, c, '你好，在吗？')).status).toBe(200);
    expect(await stream.next((e) => e.type === 'live_message')).toMatchObject({ message: { sender: 'user', text: '你好，在吗？' } });
    stream.close();
  });
});
