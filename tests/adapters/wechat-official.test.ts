import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryDeferred } from '../../outbox/errors.ts';
import { type InboundSignal, type UndeliveredReplies } from '../../adapters/delivery-signals.ts';
import { sha1Signature, WechatCipher } from '../../adapters/wechat-official/crypto.ts';
import { WechatOfficialChannel } from '../../adapters/wechat-official/official-account.ts';
import { wechatSchema } from '../../adapters/wechat-official/schema.ts';
import { buildWechatXml } from '../../adapters/wechat-official/xml.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';
import { WechatRecorder } from '../support/wechat-recorder.ts';
import { EchoBot, encryptedCallback, eventXml, nextMsgId, postXml, replyContent, signedQuery, startServer, testLog, textXml } from './wechat-test-kit.ts';

const TOKEN = 'lineoneToken2026';
const APP_ID = 'wx5823bf96d3bd56c7';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const SEND = '/cgi-bin/message/custom/send';

describe('wechat-official: the 服务号 callback', () => {
  let target: TestDatabase;
  let db: Db;
  let recorder: WechatRecorder;
  let bot: EchoBot;
  let channel: WechatOfficialChannel;
  let server: { url: string; close(): Promise<void> };
  let url: string;
  const inbound: InboundSignal[] = [];
  const cipher = new WechatCipher(AES_KEY, APP_ID);

  beforeAll(async () => {
    target = sqliteDatabase();
    db = await openDatabase(target.url, [wechatSchema]);
    recorder = await WechatRecorder.start();
    bot = new EchoBot();
    channel = new WechatOfficialChannel({
      token: TOKEN,
      appId: APP_ID,
      appSecret: 'secret',
      encodingAesKey: AES_KEY,
      apiBase: recorder.url,
      passiveBudgetMs: 600,
      menuClicks: { MENU_SOCIAL: '社保' },
      db: db.kysely,
      log: testLog(),
      bot: (context) => bot.run(context),
      onTurnError: async (context) => void (await context.sendActivity('系统繁忙，请稍后再试')),
    });
    channel.onInbound((signal) => inbound.push(signal));
    server = await startServer((s) => channel.register(s));
    url = `${server.url}/wechat/official`;
  });
  afterAll(async () => {
    channel?.close();
    await server?.close();
    await recorder?.close();
    await db?.close();
    await target?.drop();
  });
  afterEach(() => {
    recorder.answer(SEND, () => ({ json: { errcode: 0, errmsg: 'ok' } }));
  });

  const say = async (openid: string, text: string, msgId = nextMsgId()) => postXml(url, signedQuery(TOKEN), textXml(openid, text, msgId));

  it('verifies the URL: echoes echostr when the signature is right, refuses it otherwise', async () => {
    const ok = await fetch(`${url}?${signedQuery(TOKEN, { echostr: '8734567890' })}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('8734567890');
    const forged = await fetch(`${url}?${signedQuery('otherToken', { echostr: '1' })}`);
    expect(forged.status).toBe(401);
  });

  it('verifies the URL in safe mode: msg_signature checked, echostr decrypted', async () => {
    const echostr = cipher.encrypt('echo-4711');
    const query = signedQuery(TOKEN, { echostr });
    query.set('msg_signature', sha1Signature(TOKEN, query.get('timestamp') ?? '', query.get('nonce') ?? '', echostr));
    const res = await fetch(`${url}?${query}`);
    expect(await res.text()).toBe('echo-4711');
  });

  it('answers a plaintext message passively', async () => {
    const res = await say('o_plain', '你好');
    expect(res.status).toBe(200);
    expect(replyContent(res.text)).toBe('您说：你好');
    expect(res.text).toContain('<ToUserName><![CDATA[o_plain]]></ToUserName><FromUserName><![CDATA[gh_lineone]]></FromUserName>');
  });

  it('answers a safe-mode message with an encrypted, signed passive reply', async () => {
    const { query, body } = encryptedCallback(TOKEN, cipher, textXml('o_safe', '社保'));
    const res = await postXml(url, query, body);
    expect(res.text).not.toContain('社保');
    expect(replyContent(res.text, TOKEN, cipher)).toBe(
      '社保可在网上办事大厅（https://ggfw.example.gov.cn）办理：\n\n1. 登录\n2. 提交\n\n回复数字选择：\n1. 社保缴费基数\n2. 转人工',
    );
  });

  it('reads the encrypted part in compatible mode and answers encrypted', async () => {
    const { query, body } = encryptedCallback(TOKEN, cipher, textXml('o_compat', '兼容'), true);
    expect(body).toContain('<Content><![CDATA[兼容]]></Content>');
    expect(replyContent((await postXml(url, query, body)).text, TOKEN, cipher)).toBe('您说：兼容');
  });

  it('answers "success" when the bot is slower than the budget, then sends through custom/send', async () => {
    const res = await say('o_slow', '慢900');
    expect(res.text).toBe('success');
    await recorder.until(() => recorder.sentTexts().includes('让您久等了'), 5000, 'the slow reply');
    const call = recorder.callsTo(SEND).at(-1);
    expect(call?.body).toEqual({ touser: 'o_slow', msgtype: 'text', text: { content: '让您久等了' } });
    expect(call?.query.access_token).toMatch(/^TOKEN-/);
  });

  it('runs the bot once for a retried MsgId, and once for two concurrent deliveries', async () => {
    const msgId = nextMsgId();
    const before = bot.turns;
    const first = await say('o_retry', '重试', msgId);
    const retry = await say('o_retry', '重试', msgId);
    expect(replyContent(first.text)).toBe('您说：重试');
    expect(replyContent(retry.text)).toBe('您说：重试'); // the first response may have been lost
    const concurrentId = nextMsgId();
    const both = await Promise.all([say('o_retry', '慢200', concurrentId), say('o_retry', '慢200', concurrentId)]);
    expect(bot.turns - before).toBe(2);
    expect(both.map((r) => replyContent(r.text)).filter(Boolean)).toContain('让您久等了');
  });

  it('sends the 5 messages a window allows, the last with the follow-up hint; the sixth is deferred until the user writes', async () => {
    const user = 'o_quota';
    await say(user, '你好');
    const reference = {
      channelId: 'wechat-official',
      conversation: { id: user, isGroup: false, conversationType: 'personal', name: '' },
      user: { id: user, name: '' },
      bot: { id: 'gh_lineone', name: '' },
    };
    const push = (n: number) => channel.continueConversation(reference, async (context) => void (await context.sendActivity(`工单进展${n}`)));
    for (let n = 1; n <= 5; n++) await push(n);
    const sent = recorder
      .callsTo(SEND)
      .filter((c) => c.body.touser === user)
      .map((c) => c.body.text.content);
    expect(sent.slice(0, 4)).toEqual(['工单进展1', '工单进展2', '工单进展3', '工单进展4']);
    expect(sent[4]).toBe('工单进展5\n\n如需继续咨询或查看办理进度，请回复“查询工单”查看进度。');
    const sixth = await push(6).catch((err: unknown) => err);
    expect(sixth).toBeInstanceOf(DeliveryDeferred);
    expect(sixth).toMatchObject({ reason: 'quota_used', retryWhen: 'next_inbound' });
    expect(recorder.callsTo(SEND).filter((c) => c.body.touser === user)).toHaveLength(5);
    // The user writes again: the hook fires, and the held message (re-sent by the outbox) goes out.
    const signals = inbound.length;
    await say(user, '查询工单');
    expect(inbound.slice(signals)).toEqual([expect.objectContaining({ channel: 'wechat-official', userId: user, conversationId: user })]);
    await push(6);
    expect(recorder.sentTexts().filter((t) => t === '工单进展6')).toHaveLength(1);
  });

  it('defers a push to a user who never wrote (no window), without calling WeChat', async () => {
    const calls = recorder.calls.length;
    const reference = { channelId: 'wechat-official', conversation: { id: 'o_never', isGroup: false, conversationType: 'personal', name: '' } };
    const err = await channel.continueConversation(reference, async (c) => void (await c.sendActivity('x'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DeliveryDeferred', reason: 'window_closed' });
    expect(recorder.calls.length).toBe(calls);
  });

  it('holds a message WeChat refuses as outside the window (45015) until the user writes', async () => {
    await say('o_45015', '你好');
    recorder.answer(SEND, () => ({ json: { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' } }));
    const reference = { conversation: { id: 'o_45015', isGroup: false, conversationType: 'personal', name: '' } };
    const err = await channel.continueConversation(reference, async (c) => void (await c.sendActivity('x'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DeliveryDeferred', reason: 'window_closed', retryWhen: 'next_inbound' });
  });

  it('refreshes a refused access_token once (40001) and retries the send', async () => {
    await say('o_token', '你好');
    const tokensBefore = recorder.callsTo('/cgi-bin/stable_token').length;
    let refused = 0;
    recorder.answer(SEND, () => (refused++ === 0 ? { json: { errcode: 40001, errmsg: 'invalid credential' } } : { json: { errcode: 0 } }));
    const reference = { conversation: { id: 'o_token', isGroup: false, conversationType: 'personal', name: '' } };
    await channel.continueConversation(reference, async (c) => void (await c.sendActivity('刷新后送达')));
    const tokenCalls = recorder.callsTo('/cgi-bin/stable_token').slice(tokensBefore);
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.body).toMatchObject({ grant_type: 'client_credential', appid: APP_ID, force_refresh: true });
    const sends = recorder.callsTo(SEND).slice(-2);
    expect(sends.map((c) => c.body.text.content)).toEqual(['刷新后送达', '刷新后送达']);
    expect(sends[0]?.query.access_token).not.toBe(sends[1]?.query.access_token);
  });

  it('turns WeChat being down (5xx) into a retryable DeliveryDeferred', async () => {
    await say('o_down', '你好');
    recorder.answer(SEND, () => ({ status: 502, raw: 'Bad Gateway' }));
    const reference = { conversation: { id: 'o_down', isGroup: false, conversationType: 'personal', name: '' } };
    const err = await channel.continueConversation(reference, async (c) => void (await c.sendActivity('x'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryDeferred);
    expect((err as DeliveryDeferred).reason).toBe('api_unavailable');
    expect((err as DeliveryDeferred).retryWhen).toBeInstanceOf(Date);
  });

  it('turns WeChat being unreachable (connection refused) into a retryable DeliveryDeferred', async () => {
    await say('o_refused', '你好');
    const offline = new WechatOfficialChannel({
      token: TOKEN,
      appId: 'wxoffline',
      appSecret: 'secret',
      apiBase: 'http://127.0.0.1:9',
      db: db.kysely,
      log: testLog(),
      bot: (context) => bot.run(context),
    });
    const reference = { conversation: { id: 'o_refused', isGroup: false, conversationType: 'personal', name: '' } };
    const err = await offline.continueConversation(reference, async (c) => void (await c.sendActivity('x'))).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DeliveryDeferred', reason: 'api_unavailable' });
    // The slot it claimed was given back: the user still has 5 messages.
    for (let n = 1; n <= 5; n++) await channel.continueConversation(reference, async (c) => void (await c.sendActivity(`第${n}条`)));
  });

  it('welcomes a new follower, maps a menu CLICK and voice recognition, records an unsubscribe', async () => {
    const welcome = await postXml(url, signedQuery(TOKEN), eventXml('o_events', 'subscribe'));
    expect(replyContent(welcome.text)).toBe('欢迎使用企业服务一号线！\n\n回复数字选择：\n1. 医保报销\n2. 转人工');
    const click = await postXml(url, signedQuery(TOKEN), eventXml('o_events', 'CLICK', { EventKey: 'MENU_SOCIAL' }, Math.floor(Date.now() / 1000) + 1));
    expect(replyContent(click.text)).toContain('社保可在网上办事大厅');
    const voice = buildWechatXml({
      ToUserName: 'gh_lineone',
      FromUserName: 'o_events',
      CreateTime: 1,
      MsgType: 'voice',
      MediaId: 'm1',
      Format: 'amr',
      Recognition: '公积金怎么提取',
      MsgId: nextMsgId(),
    });
    expect(replyContent((await postXml(url, signedQuery(TOKEN), voice)).text)).toBe('您说：公积金怎么提取');
    const bye = await postXml(url, signedQuery(TOKEN), eventXml('o_events', 'unsubscribe', {}, Math.floor(Date.now() / 1000) + 2));
    expect(bye.text).toBe('success');
    await expect.poll(() => bot.seen.some((a) => a.type === 'event' && a.name === 'wechat.unsubscribe' && a.from.id === 'o_events')).toBe(true);
  });

  it('answers images, locations and unknown types politely without running the bot', async () => {
    const before = bot.turns;
    for (const msgType of ['image', 'location', 'video', 'file', 'hologram']) {
      const xml = buildWechatXml({ ToUserName: 'gh_lineone', FromUserName: 'o_media', CreateTime: 1, MsgType: msgType, MediaId: 'x', MsgId: nextMsgId() });
      expect(replyContent((await postXml(url, signedQuery(TOKEN), xml)).text)).toBe('目前只能处理文字消息，请用文字描述您的问题，我们会尽快为您解答。');
    }
    expect(bot.turns).toBe(before);
  });

  it('refuses forged, missing, replayed-late and old signatures before reading the body', async () => {
    const body = textXml('o_attack', '你好');
    expect((await postXml(url, signedQuery('wrong'), body)).status).toBe(401);
    expect((await postXml(url, new URLSearchParams(), body)).status).toBe(401);
    expect((await postXml(url, signedQuery(TOKEN, {}, Date.now() - 3 * 3600_000), body)).status).toBe(401);
    const stale = signedQuery(TOKEN, {}, Date.now() - 10 * 60_000);
    expect((await postXml(url, stale, body)).status).toBe(401);
    const { query } = encryptedCallback(TOKEN, cipher, body);
    const tampered = encryptedCallback(TOKEN, cipher, textXml('o_attack', '篡改')).body;
    expect((await postXml(url, query, tampered)).status).toBe(401);
  });

  it('refuses malformed, oversized, DOCTYPE and entity XML, and keeps serving', async () => {
    const cases: Array<[string, number]> = [
      ['<xml><ToUserName>gh</FromUserName></xml>', 400],
      [`<xml><Content>${'长'.repeat(6000)}</Content></xml>`, 413],
      ['<!DOCTYPE xml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><xml><Content>&lol2;</Content></xml>', 400],
      ['<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>', 400],
      ['<xml><Nothing>here</Nothing></xml>', 400],
      ['not xml at all', 400],
    ];
    for (const [body, status] of cases) {
      const res = await postXml(url, signedQuery(TOKEN), body);
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(JSON.parse(res.text)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(replyContent((await say('o_after', '还在吗')).text)).toBe('您说：还在吗');
  });

  it('runs the bot once when the same MsgId reaches two instances at once', async () => {
    const secondDb = await openDatabase(target.url, [wechatSchema]);
    const secondBot = new EchoBot();
    const second = new WechatOfficialChannel({
      token: TOKEN,
      appId: APP_ID,
      appSecret: 'secret',
      apiBase: recorder.url,
      passiveBudgetMs: 600,
      db: secondDb.kysely,
      log: testLog(),
      bot: (context) => secondBot.run(context),
    });
    const secondServer = await startServer((s) => second.register(s));
    try {
      const before = bot.turns;
      const msgId = nextMsgId();
      const body = textXml('o_two', '两个实例', msgId);
      const replies = await Promise.all([postXml(url, signedQuery(TOKEN), body), postXml(`${secondServer.url}/wechat/official`, signedQuery(TOKEN), body)]);
      expect(bot.turns - before + secondBot.turns).toBe(1);
      expect(replies.map((r) => replyContent(r.text))).toContain('您说：两个实例');
    } finally {
      second.close();
      await secondServer.close();
      await secondDb.close();
    }
  });

  it('hands replies that could not be sent after a slow turn to onUndelivered', async () => {
    const handed: UndeliveredReplies[] = [];
    const stop = channel.onUndelivered((u) => handed.push(u));
    recorder.answer(SEND, () => ({ status: 503, raw: 'busy' }));
    expect((await say('o_slow_down', '慢800')).text).toBe('success');
    await expect.poll(() => handed.length, { timeout: 5000 }).toBe(1);
    expect(handed[0]).toMatchObject({ channel: 'wechat-official', userId: 'o_slow_down', texts: ['让您久等了'], error: { reason: 'api_unavailable' } });
    stop();
  });

  it('tells the user when the bot fails, through onTurnError', async () => {
    expect(replyContent((await say('o_error', '出错')).text)).toBe('系统繁忙，请稍后再试');
  });
});
