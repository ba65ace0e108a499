import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha1Signature, WechatCipher } from '../../adapters/wechat-official/crypto.ts';
import { buildWechatXml } from '../../adapters/wechat-official/xml.ts';
import type { App } from '../../app/start.ts';
import { startTestApp } from '../support/app.ts';
import { ADMIN_TOKEN, desk } from '../support/desk.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { WechatRecorder } from '../support/wechat-recorder.ts';
import { postXml } from '../adapters/wechat-test-kit.ts';

/** Waits for a condition outside a test body (hooks cannot use expect.poll). */
async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Pulls the ticket number out of a receipt; dispatches and answers it through the desk API. */
async function answerThroughDesk(app: App, receipt: string, answer: string): Promise<string> {
  const number = /编号 (QY\d{8}-\d{4})/.exec(receipt)?.[1];
  if (!number) throw new Error(`no ticket number in: ${receipt}`);
  let version = (await desk(app.url, 'GET', `/tickets/${number}`)).body.ticket.version as number;
  version = (await desk(app.url, 'POST', `/tickets/${number}/actions/dispatch`, { expectedVersion: version })).body.ticket.version;
  await desk(app.url, 'POST', `/tickets/${number}/actions/reply`, { expectedVersion: version, text: answer });
  return number;
}

const INTAKE = ['转人工', '1', '赵女士', '13712345678', '失业金能领多久', '1'];

describe('微信客服 through the real bot and ticket domain', () => {
  const CORP_ID = 'ww1234567890abcdef';
  const TOKEN = 'kfToken2026';
  const AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
  const OPEN_KFID = 'wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw';
  const SEND = '/cgi-bin/kf/send_msg';
  const cipher = new WechatCipher(AES_KEY, CORP_ID);
  let target: TestDatabase;
  let recorder: WechatRecorder;
  let app: App;
  /** The next sync_msg page: each callback hands out what the user said since the last one. */
  let cursor = 0;
  const pages = new Map<string, unknown[]>();
  let serial = 0;

  beforeAll(async () => {
    target = sqliteDatabase();
    recorder = await WechatRecorder.start();
    recorder.answer('/cgi-bin/kf/sync_msg', (call) => {
      const at = String(call.body.cursor ?? '0');
      const msgs = pages.get(at) ?? [];
      return { json: { errcode: 0, errmsg: 'ok', next_cursor: msgs.length > 0 ? String(Number(at) + 1) : at, has_more: 0, msg_list: msgs } };
    });
    app = await startTestApp({
      databaseUrl: target.url,
      env: {
        WECHAT_KF_CORPID: CORP_ID,
        WECHAT_KF_SECRET: 'kf-secret',
        WECHAT_KF_TOKEN: TOKEN,
        WECHAT_KF_AESKEY: AES_KEY,
        WECHAT_KF_OPEN_KFID: OPEN_KFID,
        WECHAT_KF_API_BASE: recorder.url,
        DESK_ADMIN_TOKEN: ADMIN_TOKEN,
        OUTBOX_POLL_MS: '50',
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await recorder?.close();
    await target?.drop();
  });

  const sent = (user: string) =>
    recorder
      .callsTo(SEND)
      .filter((c) => c.body?.touser === user && c.answeredOk)
      .map((c) => String(c.body.text?.content ?? ''));

  /** A user's message through WeCom: a signed callback, then sync_msg hands it out; returns the replies to it. */
  async function say(user: string, text: string): Promise<string> {
    const before = sent(user).length;
    pages.set(String(cursor++), [
      {
        msgid: `kf-${++serial}`,
        open_kfid: OPEN_KFID,
        external_userid: user,
        send_time: Math.floor(Date.now() / 1000),
        origin: 3,
        msgtype: 'text',
        text: { content: text },
      },
    ]);
    const inner = buildWechatXml({
      ToUserName: CORP_ID,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'kf_msg_or_event',
      Token: `T${serial}`,
      OpenKfId: OPEN_KFID,
    });
    const encrypt = cipher.encrypt(inner);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({ msg_signature: sha1Signature(TOKEN, timestamp, '1', encrypt), timestamp, nonce: '1' });
    expect((await postXml(`${app.url}/wechat/kf`, query, buildWechatXml({ ToUserName: CORP_ID, Encrypt: encrypt }))).text).toBe('success');
    await app.settled(); // the sync the callback started, and the turns it ran
    return sent(user).slice(before).join('\n');
  }

  it('answers, takes a ticket, reports its status and delivers the agent’s answer', async () => {
    const user = 'wm_zhao';
    const answer = await say(user, '公积金缴存比例是多少');
    expect(answer).toContain('住房公积金缴存比例是多少？');
    expect(answer).toContain('回复数字选择');
    let receipt = '';
    for (const text of INTAKE) receipt = await say(user, text);
    const number = await answerThroughDesk(app, receipt, '失业保险金领取期限按累计缴费时间计算，最长24个月。');
    expect(await say(user, '查询工单')).toContain(`工单 ${number}`);
    await recorder.until(() => sent(user).some((t) => t.includes('最长24个月')), 10_000, 'the agent’s answer');
  });
});

describe('Wechaty through the real bot and ticket domain', () => {
  let target: TestDatabase;
  let app: App;
  let mocker: any;
  let botUser: any;
  let contact: any;
  const heard: string[] = [];

  beforeAll(async () => {
    const { PuppetMock, mock } = await import('wechaty-puppet-mock');
    mocker = new mock.Mocker();
    target = sqliteDatabase();
    app = await startTestApp({
      databaseUrl: target.url,
      env: { DESK_ADMIN_TOKEN: ADMIN_TOKEN, OUTBOX_POLL_MS: '50', WECHATY_PACE_MS: '0' },
      wechatyPuppet: () => new PuppetMock({ mocker }),
    });
    await until(() => app.wechat.wechaty?.loginState === 'waiting_login', 30_000);
    botUser = mocker.createContact({ name: '一号线' });
    mocker.login(botUser);
    await until(() => app.wechat.wechaty?.loginState === 'logged_in', 10_000);
    contact = mocker.createContact({ name: '钱经理' });
    contact.on('message', (m: { payload?: { talkerId?: string }; text(): string }) => {
      if (m.payload?.talkerId === botUser.id) heard.push(m.text());
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  async function say(text: string): Promise<string> {
    const before = heard.length;
    contact.say(text).to(botUser);
    await expect.poll(() => heard.length, { timeout: 8000 }).toBeGreaterThan(before);
    await app.settled(); // the whole turn, however many messages it sends
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)); // the mock's events
    return heard.slice(before).join('\n');
  }

  it('answers, takes a ticket and delivers the agent’s answer to the contact', async () => {
    expect(await say('公积金缴存比例是多少')).toContain('住房公积金缴存比例是多少？');
    let receipt = '';
    for (const text of INTAKE) receipt = await say(text);
    await answerThroughDesk(app, receipt, '请按月到社保经办机构领取。');
    await expect.poll(() => heard.join('\n'), { timeout: 10_000 }).toContain('请按月到社保经办机构领取。');
  });
});
