/**
 * The WeChat section of `npm run bench` (BENCH_ONLY=wechat): the WeChat channels under load, against the local WeChat recorder
 * (nothing leaves the machine), with the tests' echo bot in process, on SQLite (or
 * BENCH_DATABASE_URL). Prints:
 * - the Official Account callback's turnaround for a passive reply at 50 concurrent users
 *   (target p99 < 500 ms: WeChat gives up after 5 s), and its messages/s;
 * - messages/s through 微信客服 (callback → sync_msg → bot → send_msg);
 * - messages/s through Wechaty with the mock puppet (pacing off: the pace is a setting).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WechatKfChannel } from '../adapters/wechat-kf/kf-channel.ts';
import { wechatKfSchema } from '../adapters/wechat-kf/schema.ts';
import { WechatOfficialChannel } from '../adapters/wechat-official/official-account.ts';
import { wechatSchema } from '../adapters/wechat-official/schema.ts';
import { WechatyChannel } from '../adapters/wechaty/wechaty-channel.ts';
import { wechatySchema } from '../adapters/wechaty/schema.ts';
import { openDatabase } from '../storage/database.ts';
import { EchoBot, nextMsgId, signedQuery, startServer, testLog, textXml } from '../tests/adapters/wechat-test-kit.ts';
import { sqliteDatabase } from '../tests/support/services.ts';
import { WechatRecorder } from '../tests/support/wechat-recorder.ts';
import { runLoad } from './load.ts';
import { startChild } from './server.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN = 'benchToken2026';
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** The OA callback server in a child process (as in production), so the load generator here does not share its event loop. */
async function serveOfficialAccount(): Promise<void> {
  const recorder = await WechatRecorder.start();
  const db = await openDatabase(process.env.BENCH_DATABASE_URL ?? sqliteDatabase().url, [wechatSchema]);
  const bot = new EchoBot();
  const channel = new WechatOfficialChannel({
    token: TOKEN,
    appId: 'wxbench',
    appSecret: 's',
    apiBase: recorder.url,
    db: db.kysely,
    log: testLog(),
    bot: (c) => bot.run(c),
  });
  const server = await startServer((s) => channel.register(s));
  process.stdout.write(`READY ${server.url}\n`);
}

async function benchOfficialAccount(concurrency: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-official'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /READY (\S+)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`bench: the OA server exited with ${code}`)));
    });
    return await runLoad(url, concurrency, SECONDS * 1000, (worker) => ({
      method: 'POST',
      path: `/wechat/official?${signedQuery(TOKEN)}`,
      headers: { 'Content-Type': 'text/xml' },
      body: textXml(`o_bench_${worker}`, '你好', nextMsgId()),
    }));
  } finally {
    child.kill('SIGTERM');
  }
}

async function benchKf(recorder: WechatRecorder, messages: number) {
  const db = await openDatabase(sqliteDatabase().url, [wechatSchema, wechatKfSchema]);
  const bot = new EchoBot();
  const list = Array.from({ length: messages }, (_, i) => ({
    msgid: `b${i}`,
    external_userid: `wm_${i % 200}`,
    origin: 3,
    msgtype: 'text',
    text: { content: `问题${i}` },
    send_time: Math.floor(Date.now() / 1000),
  }));
  recorder.answer('/cgi-bin/kf/sync_msg', (call) => {
    const start = Number(call.body.cursor || 0);
    const page = list.slice(start, start + 1000);
    return { json: { errcode: 0, next_cursor: String(start + page.length), has_more: start + page.length < list.length ? 1 : 0, msg_list: page } };
  });
  const channel = new WechatKfChannel({
    corpId: 'wwbench',
    secret: 's',
    token: 'kfbench',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    openKfId: 'wkbench',
    apiBase: recorder.url,
    db: db.kysely,
    log: testLog(),
    bot: (c) => bot.run(c),
  });
  const sendsBefore = recorder.callsTo('/cgi-bin/kf/send_msg').length;
  const started = performance.now();
  await channel.requestSync();
  const seconds = (performance.now() - started) / 1000;
  const sent = recorder.callsTo('/cgi-bin/kf/send_msg').length - sendsBefore;
  await db.close();
  return { messages, sent, perSecond: sent / seconds };
}

async function benchWechaty(messages: number) {
  const { PuppetMock, mock } = await import('wechaty-puppet-mock');
  const db = await openDatabase(sqliteDatabase().url, [wechatySchema]);
  const bot = new EchoBot();
  const mocker = new mock.Mocker();
  const channel = new WechatyChannel({
    name: 'bench',
    paceMs: 0,
    db: db.kysely,
    log: testLog(),
    bot: (c) => bot.run(c),
    printQr: () => {},
    puppet: () => new PuppetMock({ mocker }),
  });
  await channel.start();
  await until(() => channel.loginState === 'waiting_login');
  const me = mocker.createContact({ name: 'bench-bot' });
  mocker.login(me);
  await until(() => channel.loginState === 'logged_in');
  const contacts = Array.from({ length: 20 }, (_, i) => mocker.createContact({ name: `c${i}` }));
  let heard = 0;
  for (const c of contacts) c.on('message', (m: { payload?: { talkerId?: string } }) => void (m.payload?.talkerId === me.id && heard++));
  const started = performance.now();
  for (let i = 0; i < messages; i++) contacts[i % contacts.length]?.say(`问题${i}`).to(me);
  const deadline = Date.now() + 120_000;
  while (heard < messages && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const seconds = (performance.now() - started) / 1000;
  await channel.close();
  await db.close();
  return { messages, answered: heard, perSecond: heard / seconds };
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('bench: timed out waiting for the mock login');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The real Line One (knowledge base, bot, tickets) in a child process with the 服务号 pointed at the recorder. */
async function benchOfficialAccountRealBot(recorder: WechatRecorder, concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'lineone-bench-oa-'));
  const app = await startChild('app/main.ts', {
    DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    WECHAT_OA_TOKEN: TOKEN,
    WECHAT_OA_APPID: 'wxbench',
    WECHAT_OA_SECRET: 's',
    WECHAT_API_BASE: recorder.url,
  });
  try {
    return await runLoad(app.url, concurrency, SECONDS * 1000, (worker, i) => ({
      method: 'POST',
      path: `/wechat/official?${signedQuery(TOKEN)}`,
      headers: { 'Content-Type': 'text/xml' },
      body: textXml(`o_bench_${worker}`, QUESTIONS[i % QUESTIONS.length] as string, nextMsgId()),
    }));
  } finally {
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const QUESTIONS = ['公积金缴存比例是多少', '异地就医怎么备案', '新员工入职社保怎么增员', '工伤认定要多久', '失业金怎么领', '生育津贴怎么算'];

/** The WeChat section of `npm run bench`. */
export async function benchWechat(): Promise<string[]> {
  const recorder = await WechatRecorder.start();
  const lines = [`### WeChat channels (${SECONDS} s per run)`, ''];
  lines.push(
    '| Official Account passive reply | concurrent users | requests | errors | msgs/s | server p50 ms | server p99 ms | client p50 ms | client p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const concurrency of [1, 50]) {
    const r = await benchOfficialAccountRealBot(recorder, concurrency);
    lines.push(
      `| Line One (KB answers), SQLite, child process | ${r.concurrency} | ${r.requests} | ${r.errors} | ${fmt(r.perSecond, 0)} | ${fmt(r.serverP50, 2)} | ${fmt(r.serverP99, 2)} | ${fmt(r.clientP50)} | ${fmt(r.clientP99)} |`,
    );
  }
  for (const concurrency of [1, 50]) {
    const r = await benchOfficialAccount(concurrency);
    lines.push(
      `| channel only (echo bot), child process | ${r.concurrency} | ${r.requests} | ${r.errors} | ${fmt(r.perSecond, 0)} | ${fmt(r.serverP50, 2)} | ${fmt(r.serverP99, 2)} | ${fmt(r.clientP50)} | ${fmt(r.clientP99)} |`,
    );
  }
  const kf = await benchKf(recorder, 2000);
  lines.push('', `- 微信客服 (echo bot): ${kf.sent}/${kf.messages} messages answered (200 users, pages of 1000), ${fmt(kf.perSecond, 0)} msgs/s`);
  const wechaty = await benchWechaty(500);
  lines.push(`- Wechaty (mock puppet, echo bot, no pacing): ${wechaty.answered}/${wechaty.messages} answered, ${fmt(wechaty.perSecond, 0)} msgs/s`);
  await recorder.close();
  return [lines.join('\n')];
}

if (process.argv.includes('--serve-official')) {
  serveOfficialAccount().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
