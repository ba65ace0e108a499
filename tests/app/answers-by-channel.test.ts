// What the bot does with each kind of message, on the real knowledge base, as a user of the web chat (Direct Line)
// and of a Bot Framework channel (/api/messages) sees it: one table of conversations, run through both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.ts';
import { type App, startApp } from '../../app/start.ts';
import { createLogger } from '../../log/logger.ts';
import { botTexts, getActivities, postMessage, startConversation } from '../support/directline.ts';
import { sqliteDatabase, type TestDatabase } from '../support/services.ts';

interface Case {
  name: string;
  /** The user's messages; the expectation is about the replies to the last one. */
  turns: string[];
  /** Every pattern must be in the replies to the last turn. */
  says: RegExp[];
  /** None of these may be. */
  never?: RegExp[];
}

const GENERIC = /还不能准确回答/;
const TICKET_INTAKE = /先登记几项信息/;

const CASES: Case[] = [
  { name: 'a question answered directly, with its basis', turns: ['员工辞职了社保要怎么停'], says: [/减员/, /政策依据/], never: [GENERIC] },
  { name: 'thanks', turns: ['谢谢啦，讲得很清楚'], says: [/不客气/], never: [GENERIC, /登记工单/] },
  // Small talk about the conversation itself, in none of the phrase list's words: still here, and the menu.
  { name: 'stepping away', turns: ['我去开个会 回来接着问'], says: [/我一直在线/], never: [GENERIC, /不客气/] },
  { name: 'goodbye', turns: ['好嘞 拜拜'], says: [/感谢您的咨询/], never: [GENERIC] },
  { name: 'a greeting gets the menu', turns: ['在吗'], says: [/请选择您想了解的分类/] },
  // What happened, in words the KB hardly knows, in the middle of a conversation about it: its choices, not "not our matter".
  { name: "a story on the conversation's subject", turns: ['员工受伤了', '在厂里搬东西砸到脚了'], says: [/您是不是想问/, /工伤/], never: [GENERIC] },
  // The same entry for another subject: the lines about that subject are quoted, the whole answer stays a tap away.
  { name: 'a swap the last answer covers', turns: ['退休年龄现在是多少', '女的呢'], says: [/说到这一点的是/, /女职工/] },
  // Choices were offered, none picked: there is no "last answer" to quote from; the entry is answered whole.
  { name: 'a follow-up to choices not taken', turns: ['员工离职了', '社保怎么停'], says: [/减员/, /政策依据/], never: [/刚才的答复/] },
  // A topic's list, then a question with no subject of its own: about that topic, not "which matter?".
  { name: 'a question after a topic list', turns: ['失业金', '怎么领'], says: [/失业保险金怎么申领/], never: [/您想问的是哪方面的问题/] },
  { name: 'a request for a person', turns: ['能帮我转接一下人工客服吗'], says: [/为您转人工/, TICKET_INTAKE], never: [GENERIC] },
  { name: 'a complaint goes to a person', turns: ['我要投诉街道社保所的办事员态度恶劣'], says: [/投诉、举报需要人工受理/, TICKET_INTAKE], never: [GENERIC] },
  {
    name: 'a grievance in words no rule lists goes to a person (the learned triage)',
    turns: ['材料交了三次都说不对 到底要我怎么样'],
    says: [/投诉、举报需要人工受理/, TICKET_INTAKE],
    never: [GENERIC, /请选择/],
  },
  {
    name: 'praise outside the phrase list is small talk (the learned triage)',
    turns: ['好嘞 问题解决了 多谢'],
    says: [/不客气/],
    never: [GENERIC, /登记工单/],
  },
  { name: 'distress is urgent', turns: ['活着真没意思，不想活了'], says: [/110/, /12356 心理援助热线/, /加急工单/], never: [GENERIC] },
  {
    name: 'another department’s matter is named and offered as a ticket',
    turns: ['营业执照年报在哪里弄'],
    says: [/这不属于企业社保专线的范围/, /市场监督管理/, /登记工单/],
    never: [GENERIC],
  },
  { name: 'a follow-up is read in context', turns: ['失业金怎么申请', '能领多久'], says: [/失业保险金最长能领多久/], never: [GENERIC] },
  { name: 'a follow-up without context gets a question back, not a guess', turns: ['能领多久'], says: [/请把问题说完整一些/], never: [/政策依据/] },
];

describe('answers by kind of message, on the real knowledge base', () => {
  let target: TestDatabase;
  let app: App;

  beforeAll(async () => {
    target = sqliteDatabase();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: target.url, LOG_LEVEL: 'silent' });
    app = await startApp(config, { log: createLogger('silent') });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  /** Web chat: one Direct Line conversation per case; the replies after the last message. */
  async function viaDirectLine(turns: string[]): Promise<string> {
    const chat = await startConversation(app.url);
    let watermark = (await getActivities(app.url, chat)).watermark;
    let replies = '';
    for (const text of turns) {
      expect((await postMessage(app.url, chat, text)).status).toBe(200);
      const page = await getActivities(app.url, chat, watermark);
      watermark = page.watermark;
      replies = botTexts(page).join('\n');
    }
    return replies;
  }

  /** A Bot Framework channel with deliveryMode expectReplies: the replies come back in the response. */
  async function viaBotFramework(turns: string[]): Promise<string> {
    const conversation = { id: `table-${Math.random().toString(36).slice(2)}` };
    let replies = '';
    for (const [i, text] of turns.entries()) {
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          id: `m${i}`,
          text,
          channelId: 'emulator',
          serviceUrl: 'https://unused.invalid',
          deliveryMode: 'expectReplies',
          from: { id: 'hr-1', role: 'user' },
          recipient: { id: 'bot' },
          conversation,
          locale: 'zh-CN',
        }),
      });
      expect(res.status).toBe(200);
      replies = ((await res.json()) as { activities: { text?: string }[] }).activities.map((a) => a.text ?? '').join('\n');
    }
    return replies;
  }

  describe.each([
    ['web chat (Direct Line)', viaDirectLine],
    ['/api/messages', viaBotFramework],
  ])('%s', (_channel, converse) => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const replies = await converse(c.turns);
      for (const pattern of c.says) expect(replies).toMatch(pattern);
      for (const pattern of c.never ?? []) expect(replies).not.toMatch(pattern);
    });
  });
});
