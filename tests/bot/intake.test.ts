import { type Activity, TestAdapter, TurnContext } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../bot/create-bot.ts';
import type { KnowledgePort } from '../../bot/knowledge-port.ts';
import { createLogger } from '../../log/logger.ts';
import { MemoryKeyValueStore } from '../../storage/kv.ts';
import { fixtureKnowledge } from '../support/knowledge.ts';
import { fakeTickets } from '../support/tickets.ts';

const VALID_CODE = '91110108MA01ABCDEN';
const RED_LIST_CODE = '91350100M000100Y43';

function harness(options: { store?: MemoryKeyValueStore; tickets?: ReturnType<typeof fakeTickets>; knowledge?: KnowledgePort; userId?: string } = {}) {
  const store = options.store ?? new MemoryKeyValueStore();
  const tickets = options.tickets ?? fakeTickets();
  const bot = createBot({ store, knowledge: options.knowledge ?? fixtureKnowledge(), tickets, log: createLogger('silent') });
  const template = options.userId ? { from: { id: options.userId, name: '' }, conversation: { id: `conv-${options.userId}` } } : undefined;
  const adapter = new TestAdapter(bot.run, template as Partial<Activity> | undefined);
  adapter.onTurnError = bot.onTurnError;
  return { adapter, tickets, store, bot };
}

/** Sends each message in turn; returns all the bot said to the last one, as one text, and its buttons. */
async function say(adapter: TestAdapter, ...messages: string[]): Promise<{ text: string; buttons: string[] }> {
  let last: Partial<Activity>[] = [];
  for (const m of messages) {
    const before = adapter.activeQueue.length;
    await adapter.receiveActivity(m);
    last = adapter.activeQueue.splice(before);
  }
  return { text: last.map((a) => a.text ?? '').join('\n'), buttons: last.at(-1)?.suggestedActions?.actions.map((a) => a.title) ?? [] };
}

const ENTERPRISE = '福州某某科技有限公司';

describe('registering a ticket in the chat', () => {
  it('turns 没解决 into a ticket with the question filled in, and gives a receipt with number, department and due time', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '异地就医备案');
    const offer = await say(adapter, '没解决');
    expect(offer.text).toContain('抱歉没能解决您的问题');
    expect(offer.buttons).toEqual(['登记工单', '主菜单']);
    expect((await say(adapter, '登记工单')).text).toContain('请输入企业全称');
    expect((await say(adapter, ENTERPRISE)).text).toContain('统一社会信用代码');
    expect((await say(adapter, VALID_CODE.toLowerCase())).text).toContain('怎么称呼您');
    expect((await say(adapter, '王会计')).text).toContain('请留一个手机号');
    const request = await say(adapter, '138 1234 5678');
    expect(request.text).toContain('“异地就医备案”');
    const summary = await say(adapter, '确认');
    expect(summary.text).toContain(`企业：${ENTERPRISE}`);
    expect(summary.text).toContain(`统一社会信用代码：${VALID_CODE}`);
    expect(summary.text).toContain('手机：138****5678');
    expect(summary.buttons).toEqual(['确认提交', '修改', '取消']);
    const receipt = await say(adapter, '确认提交');
    expect(receipt.text).toContain('工单已登记，编号 **QY20261130-0001**');
    expect(receipt.text).toContain('承办：社会保险经办机构；预计 12月3日（周四）18:00 前答复');
    expect(receipt.text).toContain('回复“查询工单”');
    expect(tickets.tickets[0]).toMatchObject({
      enterpriseName: ENTERPRISE,
      creditCode: VALID_CODE,
      creditCodeUnverified: false,
      contactName: '王会计',
      mobile: '13812345678',
      request: '异地就医备案',
      reason: 'not_resolved',
    });
    expect(tickets.tickets[0]?.transcript.map((l) => `${l.from}:${l.text.slice(0, 6)}`)).toContain('user:异地就医备案');
  });

  it('does not take a question typed for a name as the name: says so and asks again', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工');
    const refused = await say(adapter, '社保卡丢了怎么补办');
    expect(refused.text).toContain('这一步需要填写企业全称');
    // Spoken forms without 怎么 or a question mark are questions too.
    expect((await say(adapter, '新开的公司在哪刻公章')).text).toContain('这一步需要填写企业全称');
    expect((await say(adapter, '社保断了咋补')).text).toContain('这一步需要填写企业全称');
    expect(refused.text).toContain('请回复“取消”退出登记');
    expect((await say(adapter, ENTERPRISE)).text).toContain('统一社会信用代码');
    expect((await say(adapter, VALID_CODE)).text).toContain('怎么称呼您');
    expect((await say(adapter, '能不能直接打电话给我？')).text).toContain('请输入联系人姓名');
    expect((await say(adapter, '王会计')).text).toContain('请留一个手机号');
    await say(adapter, '13812345678', '社保卡丢了怎么补办', '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ enterpriseName: ENTERPRISE, contactName: '王会计', request: '社保卡丢了怎么补办' });
  });

  it.each([
    ['🙏🙏', '企业全称'],
    ['。。。', '企业全称'],
    ['好的', '企业全称'],
  ])('does not take a chat reply typed for the enterprise (%s) as its name', async (reply, asked) => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工');
    expect((await say(adapter, reply)).text).toContain(`请输入营业执照上的${asked}`);
    expect((await say(adapter, ENTERPRISE)).text).toContain('统一社会信用代码');
    expect((await say(adapter, VALID_CODE)).text).toContain('怎么称呼您');
    expect((await say(adapter, '👍')).text).toContain('请输入联系人的姓名');
    expect((await say(adapter, '嗯嗯')).text).toContain('请输入联系人的姓名');
    await say(adapter, '李女士', '13812345678', '异地就医备案', '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ enterpriseName: ENTERPRISE, contactName: '李女士' });
  });

  it('explains what is wrong with a credit code, re-asks, and takes the same code a second time for review', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工', ENTERPRISE);
    expect((await say(adapter, '91110108MA01ABCDE')).text).toContain('应为 18 位');
    expect((await say(adapter, '91110108MA01ABCDEO')).text).toContain('不会出现 I、O、S、V、Z');
    const wrongCheck = await say(adapter, '91110108MA01ABCDE1');
    expect(wrongCheck.text).toContain('校验位不对');
    expect(wrongCheck.text).toContain('再发送一次同样的号码');
    const accepted = await say(adapter, '91110108MA01ABCDE1');
    expect(accepted.text).toContain('工作人员会再核实');
    expect(accepted.text).toContain('怎么称呼您');
    await say(adapter, '王会计', '13812345678', '单位社保缴费基数报错了要怎么改', '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ creditCode: '91110108MA01ABCDE1', creditCodeUnverified: true, request: '单位社保缴费基数报错了要怎么改' });
  });

  it('re-asks an invalid mobile number and never stores it', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工', '个人', '张先生');
    expect((await say(adapter, '1381234')).text).toContain('手机号应为 11 位数字');
    expect((await say(adapter, '23812345678')).text).toContain('手机号应为 11 位数字');
    await say(adapter, '13912345678', '我想问下灵活就业怎么交社保', '确认提交');
    expect(tickets.tickets).toHaveLength(1);
    expect(tickets.tickets[0]?.mobile).toBe('13912345678');
    expect(tickets.tickets[0]?.enterpriseName).toBeUndefined(); // an individual: no enterprise, no code
    expect(tickets.tickets[0]?.creditCode).toBeUndefined();
  });

  it('asks again for the request when 确认 is sent with nothing to keep (转人工 alone has no question)', async () => {
    const { adapter, tickets } = harness();
    expect((await say(adapter, '转人工', '个人', '张三', '13900001111')).text).toContain('请简要描述您的问题或诉求');
    const again = await say(adapter, '确认');
    expect(again.text).toContain('请简要描述您的问题或诉求');
    expect(again.text).not.toContain('请核对登记信息');
    expect((await say(adapter, '单位一直没给我交社保')).text).toContain('诉求：单位一直没给我交社保');
    await say(adapter, '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ contactName: '张三', request: '单位一直没给我交社保' });
  });

  it('asks someone in distress only for a name and a phone, and registers an urgent ticket without an enterprise', async () => {
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      search: async () => ({ hits: [], decision: 'handoff', reason: 'urgent', explanation: '' }),
    };
    const { adapter, tickets } = harness({ knowledge });
    const first = await say(adapter, '活着太累了 不想干了');
    expect(first.text).toContain('12356 心理援助热线');
    expect(first.text).toContain('怎么称呼您');
    expect(first.text).not.toContain('企业全称');
    expect((await say(adapter, '小李')).text).toContain('请留一个手机号');
    await say(adapter, '13912345678', '确认', '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ contactName: '小李', mobile: '13912345678', reason: 'urgent', request: '活着太累了 不想干了' });
    expect(tickets.tickets[0]?.enterpriseName).toBeUndefined();
  });

  it.each([['取消'], ['算了'], ['退出']])('"%s" leaves at any step and registers nothing', async (word) => {
    for (const steps of [[], [ENTERPRISE], [ENTERPRISE, VALID_CODE, '王会计'], [ENTERPRISE, VALID_CODE, '王会计', '13812345678', '社保怎么停']]) {
      const { adapter, tickets } = harness();
      await say(adapter, '转人工', ...steps);
      expect((await say(adapter, word)).text).toContain('已取消登记');
      expect(tickets.tickets).toEqual([]);
      expect((await say(adapter, '公积金缴存比例是多少')).text).toContain('住房公积金缴存比例是多少'); // back to questions
    }
  });

  it('修改 goes round again offering what was given, and submits the corrected ticket', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工', ENTERPRISE, VALID_CODE, '王会计', '13812345678', '公积金怎么提取');
    const again = await say(adapter, '修改');
    expect(again.buttons).toContain(`沿用：${ENTERPRISE}`);
    await say(adapter, `沿用：${ENTERPRISE}`, `沿用：${VALID_CODE}`, '李经理', '13987654321', '公积金租房提取要什么材料', '确认提交');
    expect(tickets.tickets).toHaveLength(1);
    expect(tickets.tickets[0]).toMatchObject({
      enterpriseName: ENTERPRISE,
      creditCode: VALID_CODE,
      contactName: '李经理',
      mobile: '13987654321',
      request: '公积金租房提取要什么材料',
    });
  });

  it('continues where the user was after a restart (the dialog state is persisted)', async () => {
    const store = new MemoryKeyValueStore();
    const tickets = fakeTickets();
    const first = harness({ store, tickets });
    await say(first.adapter, '转人工', ENTERPRISE, VALID_CODE);
    const restarted = harness({ store, tickets }); // a new process: nothing shared but the storage
    expect((await say(restarted.adapter, '王会计')).text).toContain('请留一个手机号');
    await say(restarted.adapter, '13812345678', '工伤认定怎么申请', '确认提交');
    expect(tickets.tickets[0]).toMatchObject({ contactName: '王会计', creditCode: VALID_CODE });
  });

  it('tells a red-list enterprise it is served first, and offers the last mobile next time', async () => {
    const { adapter } = harness();
    await say(adapter, '转人工', ENTERPRISE, RED_LIST_CODE, '王会计', '13812345678', '稳岗返还怎么申请');
    expect((await say(adapter, '确认提交')).text).toContain('重点企业名单（龙头骨干）中，我们会优先办理');
    await say(adapter, '转人工', ENTERPRISE, RED_LIST_CODE);
    const mobile = await say(adapter, '王会计');
    expect(mobile.text).toContain('沿用上次的 138****5678 请回复“确认”');
    expect(mobile.buttons).toContain('确认');
  });

  it('caps a very long request with a note', async () => {
    const { adapter, tickets } = harness();
    await say(adapter, '转人工', '个人', '张先生', '13812345678');
    const note = await say(adapter, '社保'.repeat(1500));
    expect(note.text).toContain('只保留了前 2000 个字');
    await say(adapter, '确认提交');
    expect(tickets.tickets[0]?.request).toHaveLength(2000);
  });
});

describe('ticket status from the chat', () => {
  async function withTicket() {
    const h = harness();
    await say(h.adapter, '转人工', '个人', '张先生', '13812345678', '医保断缴了怎么补', '确认提交');
    return h;
  }

  it('shows the user’s own tickets for 查询工单 and for the number', async () => {
    const { adapter } = await withTicket();
    for (const ask of ['查询工单', '我的工单', 'qy20261130-0001', '请问 QY202611300001 到哪一步了']) {
      const status = await say(adapter, ask);
      expect(status.text, ask).toContain('工单 QY20261130-0001：已受理');
    }
  });

  it('asks for the mobile before showing a ticket raised elsewhere, and says 未找到 for a wrong one, as for one that does not exist', async () => {
    const { tickets } = await withTicket();
    const other = harness({ tickets, userId: 'someone-else' }); // another conversation, another user
    expect((await say(other.adapter, 'QY20261130-0001')).text).toContain('请输入登记该工单时留的手机号');
    expect((await say(other.adapter, '13900000000')).text).toContain('未找到该工单');
    expect((await say(other.adapter, 'QY20261130-9999')).text).toContain('请输入登记该工单时留的手机号');
    expect((await say(other.adapter, '13812345678')).text).toContain('未找到该工单');
    await say(other.adapter, 'QY20261130-0001');
    expect((await say(other.adapter, '13812345678')).text).toContain('工单 QY20261130-0001：已受理');
    expect((await say(other.adapter, '我的工单')).text).toContain('没有找到您在本渠道登记的工单');
  });
});

describe('guessing ticket numbers and mobiles', () => {
  it('stops after five wrong pairs in an hour, even for a right pair', async () => {
    const h = harness();
    await say(h.adapter, '转人工', '个人', '张先生', '13812345678', '医保断缴了怎么补', '确认提交');
    const other = harness({ tickets: h.tickets, userId: 'guesser' });
    for (let i = 0; i < 5; i++) {
      await say(other.adapter, 'QY20261130-0001');
      expect((await say(other.adapter, `1390000000${i}`)).text).toContain('未找到该工单');
    }
    await say(other.adapter, 'QY20261130-0001');
    expect((await say(other.adapter, '13812345678')).text).toContain('查询次数过多');
  });
});

describe('messages outside a turn', () => {
  /** Runs the bot's notify in the test adapter's conversation, as the outbox does through a channel. */
  async function notify(adapter: TestAdapter, bot: Bot, notice: Parameters<Bot['notify']>[1]) {
    const reference = TurnContext.getConversationReference(adapter.template as Activity);
    const event = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true);
    const before = adapter.activeQueue.length;
    await adapter.processActivity(event, (context) => bot.notify(context, notice));
    return adapter.activeQueue.splice(before);
  }

  it('tells the user when the ticket is answered, asks for a rating when resolved, and 不满意 reopens it', async () => {
    const { adapter, bot, tickets } = harness();
    await say(adapter, '转人工', '个人', '张先生', '13812345678', '医保断缴了怎么补', '确认提交');
    const [answered] = await notify(adapter, bot, {
      kind: 'answered',
      number: 'QY20261130-0001',
      department: '医疗保障部门',
      reply: '请于本月内到参保地经办机构补缴。',
    });
    expect(answered?.text).toContain('您的工单 QY20261130-0001 有了答复（医疗保障部门）');
    const [resolved] = await notify(adapter, bot, { kind: 'resolved', number: 'QY20261130-0001' });
    expect(resolved?.text).toContain('您对办理结果满意吗？');
    expect(resolved?.suggestedActions?.actions.map((a) => a.title)).toEqual(['满意', '基本满意', '不满意']);
    expect((await say(adapter, '3')).text).toContain('请简单说说哪里不满意');
    expect((await say(adapter, '答复没有说清楚要带什么材料')).text).toContain('工单将重新办理');
    expect(tickets.tickets[0]).toMatchObject({ rating: '不满意', comment: '答复没有说清楚要带什么材料', state: '重新办理' });
  });

  it('a 满意 rating is thanked and stored', async () => {
    const { adapter, bot, tickets } = harness();
    await say(adapter, '转人工', '个人', '张先生', '13812345678', '医保断缴了怎么补', '确认提交');
    await notify(adapter, bot, { kind: 'resolved', number: 'QY20261130-0001', reply: '已补缴。' });
    expect((await say(adapter, '满意')).text).toContain('感谢您的评价');
    expect(tickets.tickets[0]?.rating).toBe('满意');
  });
});
