import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ActivityHandler, MessageFactory, type TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import { sha1Signature, WechatCipher } from '../../adapters/wechat-official/crypto.ts';
import { buildWechatXml, parseWechatXml } from '../../adapters/wechat-official/xml.ts';
import { createServer } from '../../http/server.ts';
import { createLogger } from '../../log/logger.ts';

/** Quiet unless LINEONE_TEST_LOG is set. */
export const testLog = () => createLogger(process.env.LINEONE_TEST_LOG ?? 'silent');

/**
 * A tiny echo/FAQ bot standing in for the real one: welcome with choices, "社保" answered in
 * markdown with choices, "慢<ms>" answers after a delay, "三条" sends three messages, anything
 * else is echoed. `turns` counts how often it ran (dedupe tests).
 */
export class EchoBot extends ActivityHandler {
  turns = 0;
  seen: TurnContext['activity'][] = [];

  constructor() {
    super();
    this.onTurn(async (context, next) => {
      this.turns++;
      this.seen.push(context.activity);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      if ((context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient.id)) {
        await context.sendActivity(MessageFactory.suggestedActions(['医保报销', '转人工'], '欢迎使用**企业服务一号线**！'));
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      const slow = /^慢(\d+)$/.exec(text);
      if (slow) {
        await new Promise((resolve) => setTimeout(resolve, Number(slow[1])));
        await context.sendActivity('让您久等了');
      } else if (text === '社保') {
        const reply = MessageFactory.suggestedActions(
          ['社保缴费基数', '转人工'],
          '**社保**可在[网上办事大厅](https://ggfw.example.gov.cn)办理：\n\n1. 登录\n2. 提交',
        );
        reply.textFormat = 'markdown';
        await context.sendActivity(reply);
      } else if (text === '三条') {
        await context.sendActivities([MessageFactory.text('一'), MessageFactory.text('二'), MessageFactory.text('三')]);
      } else if (text === '出错') {
        throw new Error('bot broke');
      } else {
        await context.sendActivity(`您说：${text}`);
      }
      await next();
    });
  }
}

/** A restify server on a free port with the project's shared plumbing. */
export async function startServer(register: (server: Server) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer({ corsOrigins: '*', maxBodyBytes: 64 * 1024 }, testLog());
  register(server);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.server.closeAllConnections();
      await new Promise<void>((resolve) => server.server.close(() => resolve()));
    },
  };
}

/** The query string WeChat adds to a callback, signed with `token`. */
export function signedQuery(token: string, extra: Record<string, string> = {}, at = Date.now()): URLSearchParams {
  const timestamp = String(Math.floor(at / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  return new URLSearchParams({ signature: sha1Signature(token, timestamp, nonce), timestamp, nonce, ...extra });
}

let msgSerial = 23_637_352_235_060_880n;
export const nextMsgId = () => String(++msgSerial);

/** An OA text message as WeChat posts it (plaintext). */
export function textXml(openid: string, content: string, msgId = nextMsgId()): string {
  return buildWechatXml({
    ToUserName: 'gh_lineone',
    FromUserName: openid,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
    MsgId: msgId,
  });
}

export function eventXml(openid: string, event: string, extra: Record<string, string> = {}, createTime = Math.floor(Date.now() / 1000)): string {
  return buildWechatXml({ ToUserName: 'gh_lineone', FromUserName: openid, CreateTime: createTime, MsgType: 'event', Event: event, ...extra });
}

/** A safe-mode (or, with `plainToo`, compatible-mode) body and its signed query. */
export function encryptedCallback(token: string, cipher: WechatCipher, innerXml: string, plainToo = false) {
  const encrypt = cipher.encrypt(innerXml);
  const query = signedQuery(token, { encrypt_type: 'aes' });
  query.set('msg_signature', sha1Signature(token, query.get('timestamp') ?? '', query.get('nonce') ?? '', encrypt));
  const outer = plainToo
    ? innerXml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`)
    : buildWechatXml({ ToUserName: 'gh_lineone', Encrypt: encrypt });
  return { query, body: outer };
}

export async function postXml(url: string, query: URLSearchParams, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}?${query}`, { method: 'POST', headers: { 'Content-Type': 'text/xml' }, body });
  return { status: res.status, text: await res.text() };
}

/** The Content of a passive reply (decrypting it in safe mode, checking its signature). */
export function replyContent(xml: string, token?: string, cipher?: WechatCipher): string | undefined {
  if (xml === 'success') return undefined;
  let fields = parseWechatXml(xml);
  if (cipher && token) {
    const { Encrypt, MsgSignature, TimeStamp, Nonce } = fields as Record<string, string>;
    if (MsgSignature !== sha1Signature(token, TimeStamp ?? '', Nonce ?? '', Encrypt ?? '')) throw new Error('reply signature does not verify');
    fields = parseWechatXml(cipher.decrypt(Encrypt ?? ''));
  }
  return String(fields.Content);
}

/**
 * Before a PostgreSQL test database is dropped (WITH FORCE): waits until the closed pools'
 * connections are really gone. pg's pool.end() resolves while sockets are still closing, and a
 * connection killed by the drop then surfaces as an uncaught error in the test run.
 */
export async function connectionsClosed(databaseUrl: string, timeoutMs = 3000): Promise<void> {
  if (!/^postgres/.test(databaseUrl)) return;
  const { default: pg } = await import('pg');
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/?]+(\?|$)/, '/postgres$1') });
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
      if (Number(rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await admin.end();
  }
}
