import { type Activity, TestAdapter } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { createBot } from '../../bot/create-bot.ts';
import type { KnowledgePort } from '../../bot/knowledge-port.ts';
import { createLogger } from '../../log/logger.ts';
import { MemoryKeyValueStore } from '../../storage/kv.ts';
import { fixtureKnowledge } from '../support/knowledge.ts';
import { fakeTickets } from '../support/tickets.ts';

function harness(knowledge: KnowledgePort = fixtureKnowledge()) {
  const bot = createBot({ store: new MemoryKeyValueStore(), knowledge, tickets: fakeTickets(), log: createLogger('silent') });
  const adapter = new TestAdapter(bot.run);
  adapter.onTurnError = bot.onTurnError;
  return adapter;
}

/** Sends one message and returns every reply the bot made to it. */
async function replies(adapter: TestAdapter, text: string): Promise<Partial<Activity>[]> {
  const before = adapter.activeQueue.length;
  await adapter.receiveActivity(text);
  return adapter.activeQueue.splice(before);
}

const buttons = (a: Partial<Activity> | undefined) => a?.suggestedActions?.actions.map((x) => x.title) ?? [];
const texts = (list: Partial<Activity>[]) => list.map((a) => a.text ?? '').join('\n');

/** The fixture KB, unsure about 两个都想问: both entries offered as choices. */
function unsureAboutTwo(): KnowledgePort {
  const base = fixtureKnowledge();
  return {
    ...base,
    search: async (text, context) =>
      text === '两个都想问'
        ? {
            decision: 'clarify',
            explanation: 'test: unsure',
            hits: [
              { entryId: 'yibao-yidi-beian', question: '异地就医备案怎么办理？', confidence: 0.5 },
              { entryId: 'gongjijin-jiaocun-bili', question: '住房公积金缴存比例是多少？', confidence: 0.4 },
            ],
          }
        : base.search(text, context),
  };
}

describe('LineOneBot', () => {
  it('welcomes a new member with the main menu', async () => {
    const adapter = harness();
    await adapter.receiveActivity({ type: 'conversationUpdate', membersAdded: [{ id: 'user', name: '' }] } as Partial<Activity>);
    const [welcome] = adapter.activeQueue;
    expect(welcome?.text).toContain('企业服务一号线');
    expect(buttons(welcome)).toEqual(['社保登记缴费', '医保报销', '住房公积金', '工伤认定', '失业保险', '养老退休', '生育津贴', '社保卡', '转人工']);
  });

  it.each([
    ['你好', '请选择您想了解的分类'],
    ['菜单', '请选择您想了解的分类'],
    ['？', '请选择您想了解的分类'],
    ['   ', '请输入文字问题'],
    ['谢谢！', '不客气'],
    ['你是机器人吗？', '智能客服'],
    ['拜拜', '感谢您的咨询'],
    ['社保？', '请选择具体分类'],
  ])('replies to "%s"', async (text, expected) => {
    const [reply] = await replies(harness(), text);
    expect(reply?.text).toContain(expected);
  });

  it('answers with the policy basis, a local-rules note where needed, follow-ups and 解决了/没解决', async () => {
    const [reply] = await replies(harness(), '公积金缴存比例是多少');
    expect(reply?.text).toContain('**住房公积金缴存比例是多少？**');
    expect(reply?.text).toContain('政策依据：《住房公积金管理条例》第十八条');
    expect(reply?.text).toContain('以当地规定为准');
    expect(buttons(reply)).toEqual(['解决了', '没解决', '主菜单']);
    const [national] = await replies(harness(), '异地就医备案');
    expect(national?.text).not.toContain('以当地规定为准');
    expect(buttons(national)).toEqual(['住房公积金缴存比例是多少？', '解决了', '没解决', '主菜单']);
  });

  it('offers the close neighbours of a clear answer as 您可能还想问', async () => {
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      search: async () => ({
        decision: 'answer',
        explanation: '',
        hits: [
          { entryId: 'yibao-yidi-beian', question: '异地就医备案怎么办理？', confidence: 0.95 },
          { entryId: 'gongjijin-jiaocun-bili', question: '住房公积金缴存比例是多少？', confidence: 0.6 },
        ],
      }),
    };
    const [reply] = await replies(harness(knowledge), '外地看病要备案吗');
    expect(reply?.text).toContain('国家医保服务平台');
    expect(reply?.text).toContain('您可能还想问：');
    expect(buttons(reply)).toEqual(['住房公积金缴存比例是多少？', '解决了', '没解决', '主菜单']);
  });

  it('answers a bare topic word with that topic’s questions', async () => {
    const [list] = await replies(harness(), '公积金');
    expect(list?.text).toContain('1. 住房公积金缴存比例是多少？');
  });

  it('lists a topic and lets the user pick by number', async () => {
    const adapter = harness();
    const [list] = await replies(adapter, '医保报销');
    expect(list?.text).toContain('1. 异地就医备案怎么办理？');
    const [answer] = await replies(adapter, '1');
    expect(answer?.text).toContain('国家医保服务平台');
    // After an answer, the numbers pick its follow-ups; full-width digits work too.
    const [followUp] = await replies(adapter, '１');
    expect(followUp?.text).toContain('住房公积金缴存比例是多少');
  });

  it('offers a ticket, saying who handles it and by when, for what it cannot answer', async () => {
    const adapter = harness();
    const [first] = await replies(adapter, '明天会下雨吗');
    expect(first?.text).toContain('这个问题我还不能准确回答');
    expect(first?.text).toContain('可以为您登记工单，由社会保险经办机构办理，预计 12月3日（周四）18:00 前答复');
    expect(buttons(first)).toEqual(['登记工单', '主菜单']);
    const [second] = await replies(adapter, '晚上吃什么好');
    expect(second?.text).toContain('这个问题看来需要工作人员来处理'); // two misses in a row
    const intake = await replies(adapter, '1'); // the digit picks 登记工单
    expect(texts(intake)).toContain('请输入企业全称');
  });

  it.each(['我要找人工问下社保断缴的事', '能不能转人工', '人工客服', '转人工'])('starts the ticket intake for "%s" without searching', async (text) => {
    let searched = false;
    const knowledge: KnowledgePort = { ...fixtureKnowledge(), search: async () => ((searched = true), { hits: [], decision: 'handoff', explanation: '' }) };
    const reply = await replies(harness(knowledge), text);
    expect(texts(reply)).toContain('为您转人工');
    expect(texts(reply)).toContain('请输入企业全称');
    expect(searched).toBe(false);
  });

  it.each([
    ['complaint', '收到您的反映。投诉、举报需要人工受理', '请输入企业全称'],
    // Distress: the help lines first, and only a name and a phone asked for.
    ['urgent', '如有人身危险请立即拨打 110 或 120；如果您心里压力很大、有想不开的念头，可以随时拨打 12356 心理援助热线', '怎么称呼您'],
  ])('goes straight to the intake when retrieval says %s', async (reason, expected, firstField) => {
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      search: async () => ({ hits: [], decision: 'handoff', reason: reason as 'complaint', explanation: '' }),
    };
    const reply = await replies(harness(knowledge), '单位三个月没发工资了');
    expect(texts(reply)).toContain(expected);
    expect(texts(reply)).toContain(firstField);
  });

  it('names the department for an out-of-scope matter and asks what an elliptical question is about', async () => {
    const seen: Array<string | undefined> = [];
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      async search(text, context) {
        seen.push(context?.lastEntryId);
        if (text.includes('营业执照')) return { hits: [], decision: 'handoff', reason: 'out_of_scope', department: '市场监管部门', explanation: '' };
        if (text === '能领多久？' && !context?.lastEntryId) return { hits: [], decision: 'handoff', needsContext: true, explanation: '' };
        return fixtureKnowledge().search(text, context);
      },
    };
    const adapter = harness(knowledge);
    const [licence] = await replies(adapter, '营业执照怎么年检');
    expect(licence?.text).toContain('一般由市场监管部门负责');
    expect(licence?.text).toContain('12345');
    expect(buttons(licence)).toEqual(['登记工单', '主菜单']);
    const [ask] = await replies(adapter, '能领多久？');
    expect(ask?.text).toContain('您想问的是哪方面的问题');
    expect(buttons(ask)).toContain('失业保险');
    await replies(adapter, '公积金缴存比例是多少');
    await replies(adapter, '能领多久？');
    expect(seen.at(-1)).toBe('gongjijin-jiaocun-bili');
  });

  it('quotes the part of the answer just given that a follow-up asks about, with the whole answer a tap away', async () => {
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      async search(text, context) {
        if (text === '手机上能办吗') {
          const hit = { entryId: 'yibao-yidi-beian', question: '异地就医备案怎么办理？', confidence: 0.9 };
          return { hits: [hit], decision: 'answer', explanation: '', passages: ['打开“国家医保服务平台”App，进入“异地备案”。'] };
        }
        return fixtureKnowledge().search(text, context);
      },
    };
    const adapter = harness(knowledge);
    await replies(adapter, '异地就医备案');
    const [quoted] = await replies(adapter, '手机上能办吗');
    expect(quoted?.text).toContain('刚才的答复“异地就医备案怎么办理？”里，说到这一点的是');
    expect(quoted?.text).toContain('- 打开“国家医保服务平台”App，进入“异地备案”。');
    expect(quoted?.text).not.toContain('政策依据');
    expect(buttons(quoted)).toEqual(['看完整答复', '解决了', '没解决', '主菜单']);
    const [whole] = await replies(adapter, '1');
    expect(whole?.text).toContain('参保地医保经办机构办理异地就医备案');
    expect(whole?.text).toContain('政策依据');
    // Passages quote the answer the user has just read: in a new conversation there is none, and the answer is whole.
    const [other] = await replies(harness(knowledge), '手机上能办吗');
    expect(other?.text).not.toContain('刚才的答复');
    expect(other?.text).toContain('政策依据');
  });

  it('says when the answer just given does not speak to a follow-up, and does not offer it again', async () => {
    let others = true;
    const knowledge: KnowledgePort = {
      ...fixtureKnowledge(),
      async search(text, context) {
        if (text === '多久能到账') {
          const read = { entryId: context?.lastEntryId ?? '', question: '', confidence: 0.8 };
          const other = { entryId: 'gongjijin-jiaocun-bili', question: '', confidence: 0.3 };
          return { hits: others ? [read, other] : [read], decision: 'clarify', explanation: '', notInLastAnswer: true };
        }
        return fixtureKnowledge().search(text, context);
      },
    };
    const adapter = harness(knowledge);
    const [answer] = await replies(adapter, '异地就医备案');
    expect(answer?.text).toContain('异地就医备案怎么办理');
    const [choices] = await replies(adapter, '多久能到账');
    expect(choices?.text).toContain('刚才的答复“异地就医备案怎么办理？”里没有找到这一点的具体说明');
    expect(choices?.text).not.toContain('1. 异地就医备案怎么办理');
    expect(buttons(choices)[0]).toBe(fixtureKnowledge().entry('gongjijin-jiaocun-bili')?.question);
    // With nothing else to offer, a ticket is.
    others = false;
    const [ticket] = await replies(adapter, '多久能到账');
    expect(ticket?.text).toContain('里没有找到这一点的具体说明');
    expect(buttons(ticket)).toEqual(['登记工单', '主菜单']);
  });

  it('answers 没看懂 by asking which part, with the whole answer a tap away, and 再说一遍 with the answer again', async () => {
    const adapter = harness();
    const [unclearAlone] = await replies(adapter, '没看懂');
    expect(unclearAlone?.text).toContain('换个说法再问一次');
    expect(buttons(unclearAlone)).toEqual(['转人工', '主菜单']);
    const [nothing] = await replies(adapter, '再说一遍');
    expect(nothing?.text).toContain('还没有可以重复的答复');
    await replies(adapter, '异地就医备案');
    const [unclear] = await replies(adapter, '看不太懂啊');
    expect(unclear?.text).toContain('刚才的答复是“异地就医备案怎么办理？”');
    expect(buttons(unclear)).toEqual(['看完整答复', '转人工', '主菜单']);
    const [whole] = await replies(adapter, '1');
    expect(whole?.text).toContain('政策依据');
    const [again] = await replies(adapter, '好的 再说一遍');
    expect(again?.text).toContain('**异地就医备案怎么办理？**');
    expect(again?.text).toContain('政策依据');
  });

  it('after choices none of which was picked, 再说一遍 shows the choices again and 没看懂 names no answer', async () => {
    const adapter = harness(unsureAboutTwo());
    await replies(adapter, '两个都想问');
    const [again] = await replies(adapter, '再说一遍');
    expect(again?.text).toContain('您是不是想问以下问题');
    expect(again?.text).not.toContain('政策依据');
    expect(buttons(again)).toContain('住房公积金缴存比例是多少？');
    const [unclear] = await replies(adapter, '没看懂');
    expect(unclear?.text).not.toContain('刚才的答复是');
    expect(unclear?.text).toContain('换个说法再问一次');
  });

  it('lets a digit pick any offered button, not only questions', async () => {
    const adapter = harness();
    const [handoff] = await replies(adapter, '明天会下雨吗');
    expect(buttons(handoff)).toEqual(['登记工单', '主菜单']);
    const [menu] = await replies(adapter, '2');
    expect(menu?.text).toContain('请选择您想了解的分类');
    const [topic] = await replies(adapter, '2');
    expect(topic?.text).toContain('“医保报销”常见问题');
  });

  it('records each question’s outcome and the 解决了 / 没解决 vote with the turn it is about', async () => {
    const records: Array<{ id: string; outcome: string; entryId?: string; reason?: string; vote?: string }> = [];
    const recorder = {
      record: async (r: { outcome: string; entryId?: string; reason?: string }) => (records.push({ id: `t${records.length}`, ...r }), `t${records.length - 1}`),
      vote: async (id: string, vote: string) => void Object.assign(records.find((r) => r.id === id) ?? {}, { vote }),
      picked: async () => undefined,
    };
    const bot = createBot({ store: new MemoryKeyValueStore(), knowledge: fixtureKnowledge(), tickets: fakeTickets(), log: createLogger('silent'), recorder });
    const adapter = new TestAdapter(bot.run);
    await replies(adapter, '公积金缴存比例是多少');
    await replies(adapter, '明天会下雨吗');
    await replies(adapter, '异地就医备案');
    await replies(adapter, '解决了');
    expect(records).toMatchObject([
      { id: 't0', outcome: 'answered', entryId: 'gongjijin-jiaocun-bili', topic: '住房公积金', question: '公积金缴存比例是多少' },
      { id: 't1', outcome: 'handed_over', reason: 'out_of_scope', question: '明天会下雨吗' },
      { id: 't2', outcome: 'answered', entryId: 'yibao-yidi-beian', topic: '医疗保险', vote: 'resolved' },
    ]);
    expect(records[0]?.vote).toBeUndefined();
  });

  it('labels a question with the choice the user picks, and takes the vote that follows for it', async () => {
    const records: Array<{ id: string; outcome: string; question?: string; picked?: string; vote?: string }> = [];
    const recorder = {
      record: async (r: { outcome: string; question: string }) => (records.push({ id: `t${records.length}`, ...r }), `t${records.length - 1}`),
      vote: async (id: string, vote: string) => void Object.assign(records.find((r) => r.id === id) ?? {}, { vote }),
      picked: async (id: string, entryId: string) => void Object.assign(records.find((r) => r.id === id) ?? {}, { picked: entryId }),
    };
    const knowledge = unsureAboutTwo();
    const bot = createBot({ store: new MemoryKeyValueStore(), knowledge, tickets: fakeTickets(), log: createLogger('silent'), recorder });
    const adapter = new TestAdapter(bot.run);
    const [choices] = await replies(adapter, '两个都想问');
    expect(buttons(choices)).toContain('住房公积金缴存比例是多少？');
    const [answer] = await replies(adapter, '2');
    expect(answer?.text).toContain('**住房公积金缴存比例是多少？**');
    await replies(adapter, '解决了');
    expect(records).toMatchObject([{ id: 't0', outcome: 'clarified', question: '两个都想问', picked: 'gongjijin-jiaocun-bili', vote: 'resolved' }]);
    // A related question picked under an answer labels nothing: only choices offered for a question do.
    await replies(adapter, '异地就医备案');
    await replies(adapter, '住房公积金缴存比例是多少？');
    expect(records.filter((r) => r.picked)).toHaveLength(1);
  });

  it('offers the choices of a question that also names another department’s matter, and names that department', async () => {
    const base = fixtureKnowledge();
    const knowledge: KnowledgePort = {
      ...base,
      search: async (text) =>
        text === '二手房贷款能用公积金吗'
          ? {
              decision: 'clarify',
              explanation: 'test: besides',
              alsoDepartment: '住房和城乡建设部门',
              hits: [{ entryId: 'gongjijin-jiaocun-bili', question: '住房公积金缴存比例是多少？', confidence: 0.6 }],
            }
          : base.search(text),
    };
    const [choices] = await replies(harness(knowledge), '二手房贷款能用公积金吗');
    expect(choices?.text).toContain('1. 住房公积金缴存比例是多少？');
    expect(choices?.text).toContain('一般由住房和城乡建设部门负责');
    expect(buttons(choices)).toContain('住房公积金缴存比例是多少？');
  });

  it('stays silent and relays while a person owns the conversation', async () => {
    const relayed: string[] = [];
    let owner: 'bot' | 'person' = 'person';
    const bot = createBot({
      store: new MemoryKeyValueStore(),
      knowledge: fixtureKnowledge(),
      tickets: fakeTickets(),
      log: createLogger('silent'),
      ownership: { ownerOf: async () => owner, relay: async (_ref, text) => void relayed.push(text) },
    });
    const adapter = new TestAdapter(bot.run);
    expect(await replies(adapter, '公积金缴存比例是多少')).toEqual([]);
    expect(relayed).toEqual(['公积金缴存比例是多少']);
    owner = 'bot';
    const [answer] = await replies(adapter, '公积金缴存比例是多少');
    expect(answer?.text).toContain('住房公积金缴存比例是多少');
  });

  it('apologises in Chinese and offers a human when a turn fails', async () => {
    const broken: KnowledgePort = { ...fixtureKnowledge(), search: async () => Promise.reject(new Error('index gone')) };
    const [reply] = await replies(harness(broken), '公积金缴存比例是多少');
    expect(reply?.text).toContain('系统刚才出了点问题');
    expect(buttons(reply)).toEqual(['转人工']);
  });
});
