import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgePort } from '../../bot/knowledge-port.ts';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { ADMIN_TOKEN, desk } from '../support/desk.ts';
import { fixtureKnowledge } from '../support/knowledge.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { WechatRecorder } from '../support/wechat-recorder.ts';
import { nextMsgId, postXml, replyContent, signedQuery, textXml } from '../adapters/wechat-test-kit.ts';

const TOKEN = 'lineoneToken2026';
const SEND = '/cgi-bin/message/custom/send';

/**
 * The 服务号 through the real bot and the real ticket domain: answers, choices as numbered lines answered with a
 * digit, a ticket raised and tracked from WeChat, the desk's answer pushed back through the customer-service API,
 * the 48-hour window's limit respected without losing anything.
 */
describe('WeChat Official Account, end to end', () => {
  let target: TestDatabase;
  let recorder: WechatRecorder;
  let app: App;
  let url: string;
  let slowRelease: () => void = () => undefined;

  beforeAll(async () => {
    target = sqliteDatabase();
    recorder = await WechatRecorder.start();
    const fixture = fixtureKnowledge();
    // "慢一点" waits for the test: a turn slower than WeChat's budget.
    const knowledge: KnowledgePort = {
      ...fixture,
      search: async (text, context) => {
        if (text.includes('慢一点')) await new Promise<void>((resolve) => (slowRelease = resolve));
        return fixture.search(text.replace('慢一点', ''), context);
      },
    };
    app = await startTestApp({
      databaseUrl: target.url,
      knowledge,
      env: {
        WECHAT_OA_TOKEN: TOKEN,
        WECHAT_OA_APPID: 'wx5823bf96d3bd56c7',
        WECHAT_OA_SECRET: 'secret',
        WECHAT_API_BASE: recorder.url,
        DESK_ADMIN_TOKEN: ADMIN_TOKEN,
        OUTBOX_POLL_MS: '50',
      },
    });
    url = `${app.url}/wechat/official`;
  });
  afterAll(async () => {
    await app?.close();
    await recorder?.close();
    await target?.drop();
  });

  /** A user's message as WeChat posts it; the passive reply's text ('' for "success"). */
  const say = async (openid: string, text: string, msgId = nextMsgId()) => {
    const res = await postXml(url, signedQuery(TOKEN), textXml(openid, text, msgId));
    expect(res.status).toBe(200);
    return replyContent(res.text) ?? '';
  };
  const pushed = (openid: string) =>
    recorder
      .callsTo(SEND)
      .filter((c) => c.body?.touser === openid && c.answeredOk)
      .map((c) => String(c.body.text.content));

  it('answers a KB question passively, with the buttons as numbered lines answered by a digit', async () => {
    const answer = await say('o_answer', '公积金缴存比例是多少');
    expect(answer).toContain('住房公积金缴存比例是多少？');
    expect(answer).toContain('政策依据：《住房公积金管理条例》第十八条');
    expect(answer).not.toContain('**');
    expect(answer).toMatch(/1\. 解决了\n2\. 没解决\n3\. 主菜单/);
    expect(await say('o_answer', '2')).toContain('可以为您登记工单');
  });

  it('falls back to the customer-service API when the turn is slower than WeChat waits', async () => {
    const reply = say('o_slow', '慢一点公积金缴存比例是多少');
    const early = await Promise.race([reply, new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 6_000))]);
    expect(early).toBe(''); // "success": WeChat stops waiting at 5 s
    slowRelease();
    await recorder.until(() => pushed('o_slow').some((t) => t.includes('住房公积金缴存比例是多少')), 10_000, 'the slow answer');
  }, 20_000);

  it('runs a retried MsgId once', async () => {
    const msgId = nextMsgId();
    const first = await say('o_retry', '转人工', msgId);
    const retry = await say('o_retry', '转人工', msgId);
    expect(first).toContain('请输入企业全称');
    expect(retry).toBe(first); // the same reply again, not a second turn
    expect(await say('o_retry', '个人')).toContain('怎么称呼您'); // the intake advanced once, not twice
  });

  it('raises a ticket, answers its status, and pushes the desk’s answer; the sixth message of a window waits for the user', async () => {
    const user = 'o_ticket';
    await say(user, '转人工');
    await say(user, '1'); // 个人
    await say(user, '张先生');
    await say(user, '13812345678');
    expect(await say(user, '灵活就业人员社保怎么交')).toContain('请核对登记信息');
    const receipt = await say(user, '1'); // 确认提交
    const number = /编号 (QY\d{8}-\d{4})/.exec(receipt)?.[1] as string;
    expect(number, receipt).toBeDefined();
    expect(await say(user, '查询工单')).toContain(`工单 ${number}：待受理`);

    let version = (await desk(app.url, 'GET', `/tickets/${number}`)).body.ticket.version as number;
    version = (await desk(app.url, 'POST', `/tickets/${number}/actions/dispatch`, { expectedVersion: version })).body.ticket.version;
    await recorder.until(() => pushed(user).some((t) => t.includes(`您的工单 ${number} 已派至`)), 10_000, 'the dispatch notice');
    for (let n = 1; n <= 5; n++) {
      version = (await desk(app.url, 'POST', `/tickets/${number}/actions/reply`, { expectedVersion: version, text: `第${n}次答复` })).body.ticket.version;
    }
    // One notice and four answers fill the window of five; the fifth answer waits for the user.
    await recorder.until(() => pushed(user).some((t) => t.includes('第4次答复')), 10_000, 'the fourth answer');
    await expect.poll(async () => (await app.outbox.counts()).held).toBe(1);
    expect(pushed(user).at(-1)).toContain('回复“查询工单”');
    expect(pushed(user).some((t) => t.includes('第5次答复'))).toBe(false);

    await say(user, '好的');
    await recorder.until(() => pushed(user).some((t) => t.includes('第5次答复')), 10_000, 'the held answer after the user wrote');
    expect(pushed(user).filter((t) => t.includes('第5次答复'))).toHaveLength(1);
  }, 40_000);
});
