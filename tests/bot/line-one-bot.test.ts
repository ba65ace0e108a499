import { type Activity, TestAdapter } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { createBot } from '../../bot/create-bot.ts';
import type { KnowledgePort } from '../../bot/knowledge-port.ts';
import { createLogger } from '../../log/logger.ts';
import { MemoryKeyValueStore } from '../../storage/kv.ts';
import { fixtureKnowledge } from '../support/knowledge.ts';

function harness(knowledge: KnowledgePort = fixtureKnowledge()) {
  const bot = createBot({ store: new MemoryKeyValueStore(), knowledge, log: createLogger('silent') });
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
    ['转人工', '12345'],
    ['人工客服', '12345'],
    ['   ', '请输入文字问题'],
    ['今天天气怎么样', '这个问题我还不能准确回答'],
    ['谢谢！', '不客气'],
    ['你是机器人吗？', '智能客服'],
    ['拜拜', '感谢您的咨询'],
    ['社保？', '请选择具体分类'],
  ])('replies to "%s"', async (text, expected) => {
    const [reply] = await replies(harness(), text);
    expect(reply?.text).toContain(expected);
  });

  it('answers with the policy basis, a local-rules note where needed, and follow-ups', async () => {
    const [reply] = await replies(harness(), '公积金缴存比例是多少');
    expect(reply?.text).toContain('**住房公积金缴存比例是多少？**');
    expect(reply?.text).toContain('政策依据：《住房公积金管理条例》第十八条');
    expect(reply?.text).toContain('以当地规定为准');
    expect(buttons(reply)).toEqual(['转人工', '主菜单']);
    const [national] = await replies(harness(), '异地就医备案');
    expect(national?.text).not.toContain('以当地规定为准');
    expect(buttons(national)).toContain('住房公积金缴存比例是多少？');
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

  it.each(['我要找人工问下社保', '能不能转人工', '人工客服', '转人工'])('routes "%s" to the human route without searching', async (text) => {
    let searched = false;
    const knowledge: KnowledgePort = { ...fixtureKnowledge(), search: async () => ((searched = true), { hits: [], decision: 'handoff', explanation: '' }) };
    const [reply] = await replies(harness(knowledge), text);
    expect(reply?.text).toContain('12345');
    expect(searched).toBe(false);
  });

  it('lets a digit pick any offered button, not only questions', async () => {
    const adapter = harness();
    const [handoff] = await replies(adapter, '今天天气怎么样');
    expect(buttons(handoff)).toEqual(['转人工', '主菜单']);
    const [human] = await replies(adapter, '1');
    expect(human?.text).toContain('12345');
    // A plain reply offers nothing new: the last buttons stay pickable.
    const [menu] = await replies(adapter, '2');
    expect(menu?.text).toContain('请选择您想了解的分类');
    expect(buttons(menu)).toContain('医保报销');
    const [topic] = await replies(adapter, '2');
    expect(topic?.text).toContain('“医保报销”常见问题');
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
    expect(buttons(licence)).toEqual(['转人工', '主菜单']);
    const [ask] = await replies(adapter, '能领多久？');
    expect(ask?.text).toContain('您想问的是哪方面的问题');
    expect(buttons(ask)).toContain('失业保险');
    await replies(adapter, '公积金缴存比例是多少');
    await replies(adapter, '能领多久？');
    expect(seen.at(-1)).toBe('gongjijin-jiaocun-bili');
  });

  it('stays silent and relays while a person owns the conversation', async () => {
    const relayed: string[] = [];
    let owner: 'bot' | 'person' = 'person';
    const bot = createBot({
      store: new MemoryKeyValueStore(),
      knowledge: fixtureKnowledge(),
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
