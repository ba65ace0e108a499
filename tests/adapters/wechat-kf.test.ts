import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryFailed } from '../../outbox/errors.ts';
import { type UndeliveredReplies } from '../../adapters/delivery-signals.ts';
import { WechatKfChannel } from '../../adapters/wechat-kf/kf-channel.ts';
import { KfCursorStore, wechatKfSchema } from '../../adapters/wechat-kf/schema.ts';
import { sha1Signature, WechatCipher } from '../../adapters/wechat-official/crypto.ts';
import { wechatSchema } from '../../adapters/wechat-official/schema.ts';
import { buildWechatXml } from '../../adapters/wechat-official/xml.ts';
import { type Db, openDatabase } from '../../storage/database.ts';
import { allDatabases, type TestDatabase } from '../support/services.ts';
import { WechatRecorder } from '../support/wechat-recorder.ts';
import { connectionsClosed, EchoBot, postXml, startServer, testLog } from './wechat-test-kit.ts';

const CORP_ID = 'ww1234567890abcdef';
const TOKEN = 'kfToken2026';
const AES_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';
const OPEN_KFID = 'wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw';
const SYNC = '/cgi-bin/kf/sync_msg';
const SEND = '/cgi-bin/kf/send_msg';
const cipher = new WechatCipher(AES_KEY, CORP_ID);

/** What WeCom posts: an encrypted nudge carrying a short-lived sync token. */
function kfCallback(token = `SYNC-${Math.random()}`) {
  const inner = buildWechatXml({
    ToUserName: CORP_ID,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'event',
    Event: 'kf_msg_or_event',
    Token: token,
    OpenKfId: OPEN_KFID,
  });
  const encrypt = cipher.encrypt(inner);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ msg_signature: sha1Signature(TOKEN, timestamp, nonce, encrypt), timestamp, nonce });
  return { query, body: buildWechatXml({ ToUserName: CORP_ID, AgentID: '', Encrypt: encrypt }), token };
}

let serial = 0;
const text = (user: string, content: string, msgid = `m${++serial}`) => ({
  msgid,
  open_kfid: OPEN_KFID,
  external_userid: user,
  send_time: Math.floor(Date.now() / 1000),
  origin: 3,
  msgtype: 'text',
  text: { content },
});

function kfSuite(target: TestDatabase) {
  describe(`wechat-kf: 微信客服 on ${target.engine}`, () => {
    let db: Db;
    let recorder: WechatRecorder;
    let bot: EchoBot;
    let channel: WechatKfChannel;
    let server: { url: string; close(): Promise<void> };
    let url: string;
    const undelivered: UndeliveredReplies[] = [];
    /** sync_msg pages by cursor ('' = the first). */
    let pages: Record<string, { msgs: unknown[]; next: string; more?: boolean }> = {};

    const build = () => {
      const built = new WechatKfChannel({
        corpId: CORP_ID,
        secret: 'kf-secret',
        token: TOKEN,
        encodingAesKey: AES_KEY,
        openKfId: OPEN_KFID,
        apiBase: recorder.url,
        db: db.kysely,
        log: testLog(),
        bot: (context) => bot.run(context),
      });
      built.onUndelivered((u) => undelivered.push(u));
      return built;
    };

    beforeAll(async () => {
      db = await openDatabase(target.url, [wechatSchema, wechatKfSchema]);
      recorder = await WechatRecorder.start();
      recorder.answer(SYNC, (call) => {
        const page: { msgs: unknown[]; next: string; more?: boolean } = pages[call.body.cursor ?? ''] ?? { msgs: [], next: call.body.cursor ?? '' };
        return { json: { errcode: 0, errmsg: 'ok', next_cursor: page.next, has_more: page.more ? 1 : 0, msg_list: page.msgs } };
      });
      bot = new EchoBot();
      channel = build();
      server = await startServer((s) => channel.register(s));
      url = `${server.url}/wechat/kf`;
    });
    afterAll(async () => {
      await channel?.close();
      await server?.close();
      await recorder?.close();
      await db?.close();
      await connectionsClosed(target.url);
      await target.drop();
    });

    it('verifies the callback URL: msg_signature checked, echostr decrypted', async () => {
      const echostr = cipher.encrypt('kf-echo-42');
      const timestamp = String(Math.floor(Date.now() / 1000));
      const query = new URLSearchParams({ msg_signature: sha1Signature(TOKEN, timestamp, '7', echostr), timestamp, nonce: '7', echostr });
      expect(await (await fetch(`${url}?${query}`)).text()).toBe('kf-echo-42');
      query.set('msg_signature', sha1Signature('forged', timestamp, '7', echostr));
      expect((await fetch(`${url}?${query}`)).status).toBe(401);
    });

    it('pulls messages after a callback (has_more loop), answers each with send_msg, saves the cursor', async () => {
      pages = {
        '': { msgs: [text('wm_a', '你好')], next: 'c1', more: true },
        c1: { msgs: [text('wm_b', '社保', `${target.engine}-b`)], next: 'c2' },
      };
      const { query, body, token } = kfCallback();
      const res = await postXml(url, query, body);
      expect(res.text).toBe('success');
      await recorder.until(() => recorder.callsTo(SEND).length >= 2, 8000, 'two replies');
      const syncs = recorder.callsTo(SYNC);
      expect(syncs.map((c) => c.body.cursor)).toEqual([undefined, 'c1']);
      expect(syncs[0]?.body).toMatchObject({ token, open_kfid: OPEN_KFID, limit: 1000 });
      const sends = recorder.callsTo(SEND).map((c) => c.body);
      expect(sends).toContainEqual({ touser: 'wm_a', open_kfid: OPEN_KFID, msgtype: 'text', text: { content: '您说：你好' } });
      expect(sends.find((b) => b.touser === 'wm_b')?.text.content).toContain('社保可在网上办事大厅（https://ggfw.example.gov.cn）办理');
      await channel.close();
      expect(await new KfCursorStore(db.kysely).get(OPEN_KFID)).toBe('c2');
    });

    it('resumes from the saved cursor after a restart, reading nothing twice', async () => {
      const turns = bot.turns;
      // The first message was handled before the restart: WeCom may hand it out again.
      pages.c2 = { msgs: [text('wm_b', '社保', `${target.engine}-b`), text('wm_c', '重启之后')], next: 'c3' };
      const restarted = build();
      await restarted.requestSync();
      await restarted.close();
      expect(recorder.callsTo(SYNC).at(-1)?.body.cursor).toBe('c2');
      expect(bot.turns - turns).toBe(1);
      expect(recorder.sentTexts(SEND)).toContain('您说：重启之后');
      expect(await new KfCursorStore(db.kysely).get(OPEN_KFID)).toBe('c3');
    });

    it('welcomes on enter_session through send_msg_on_event and hands scene_param to the bot', async () => {
      pages.c3 = {
        msgs: [
          {
            msgid: 'e1',
            send_time: Math.floor(Date.now() / 1000),
            origin: 4,
            msgtype: 'event',
            event: {
              event_type: 'enter_session',
              open_kfid: OPEN_KFID,
              external_userid: 'wm_new',
              scene: 'qrcode',
              scene_param: '91350100M000100Y43',
              welcome_code: 'WELCOME-CODE-1',
            },
          },
        ],
        next: 'c4',
      };
      await channel.requestSync();
      const welcome = recorder.callsTo('/cgi-bin/kf/send_msg_on_event').at(-1);
      expect(welcome?.body).toEqual({
        code: 'WELCOME-CODE-1',
        msgtype: 'text',
        text: { content: '欢迎使用企业服务一号线！\n\n回复数字选择：\n1. 医保报销\n2. 转人工' },
      });
      const seen = bot.seen.find((a) => a.type === 'conversationUpdate' && a.from.id === 'wm_new');
      expect(seen?.channelData).toMatchObject({ sceneParam: '91350100M000100Y43', scene: 'qrcode' });
    });

    it('answers an image politely without the bot', async () => {
      const turns = bot.turns;
      pages.c4 = { msgs: [{ msgid: 'img1', external_userid: 'wm_img', origin: 3, msgtype: 'image', image: { media_id: 'x' } }], next: 'c5' };
      await channel.requestSync();
      expect(recorder.callsTo(SEND).at(-1)?.body).toMatchObject({
        touser: 'wm_img',
        text: { content: '目前只能处理文字消息，请用文字描述您的问题，我们会尽快为您解答。' },
      });
      expect(bot.turns).toBe(turns);
    });

    it('surfaces 95018 (a WeCom 接待人员 owns the session) as DeliveryFailed, for turns and pushes alike', async () => {
      recorder.answer(SEND, () => ({ json: { errcode: 95018, errmsg: 'send msg session status invalid' } }));
      pages.c5 = { msgs: [text('wm_human', '在吗')], next: 'c6' };
      await channel.requestSync();
      expect(undelivered.at(-1)).toMatchObject({ channel: 'wechat-kf', userId: 'wm_human', texts: ['您说：在吗'] });
      expect(undelivered.at(-1)?.error).toBeInstanceOf(DeliveryFailed);
      expect(undelivered.at(-1)?.error).toMatchObject({ code: 95018 });
      const reference = { channelId: 'wechat-kf', conversation: { id: 'wm_human', isGroup: false, conversationType: 'personal', name: '' } };
      const err = await channel.continueConversation(reference, async (c) => void (await c.sendActivity('坐席回复'))).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryFailed);
      expect(err).toMatchObject({ channel: 'wechat-kf', code: 95018 });
      recorder.answer(SEND, () => ({ json: { errcode: 0, errmsg: 'ok', msgid: 'x' } }));
      await channel.continueConversation(reference, async (c) => void (await c.sendActivity('坐席回复')));
      expect(recorder.sentTexts(SEND).at(-1)).toBe('坐席回复');
    });

    it('refuses a forged callback and a stale one', async () => {
      const { query, body } = kfCallback();
      query.set('msg_signature', sha1Signature('forged', query.get('timestamp') ?? '', query.get('nonce') ?? '', 'x'));
      expect((await postXml(url, query, body)).status).toBe(401);
      const old = kfCallback();
      old.query.set('timestamp', String(Math.floor(Date.now() / 1000) - 7200));
      expect((await postXml(url, old.query, old.body)).status).toBe(401);
    });
  });
}

for (const target of await allDatabases()) kfSuite(target);
