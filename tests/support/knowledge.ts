import type { KnowledgeEntry, KnowledgePort, KnowledgeResult } from '../../bot/knowledge-port.ts';
import { loadTopics } from '../../knowledge/content/topics.ts';
import { classify } from '../../knowledge/triage/classify.ts';

/**
 * A two-entry knowledge base for protocol tests (Direct Line, /api/messages), which check how
 * messages travel, not how well questions are answered; retrieval has its own tests.
 */
export const FIXTURE_ENTRIES: KnowledgeEntry[] = [
  {
    id: 'yibao-yidi-beian',
    question: '异地就医备案怎么办理？',
    answer: '可以在“国家医保服务平台”App 或参保地医保经办机构办理异地就医备案。',
    category: '医疗保险',
    department: '医疗保障部门',
    basis: ['《中华人民共和国社会保险法》第二十九条'],
    scope: '全国',
    related: ['gongjijin-jiaocun-bili'],
  },
  {
    id: 'gongjijin-jiaocun-bili',
    question: '住房公积金缴存比例是多少？',
    answer: '单位和职工的缴存比例均不低于 5%，原则上不高于 12%。',
    category: '住房公积金',
    department: '住房公积金管理中心',
    basis: ['《住房公积金管理条例》第十八条'],
    scope: '地方',
    related: [],
  },
];

export function fixtureKnowledge(): KnowledgePort {
  const byId = new Map(FIXTURE_ENTRIES.map((e) => [e.id, e]));
  const menu = loadTopics();
  return {
    // The real triage and menu: protocol tests see the bot's real small talk and menu buttons.
    classify,
    menu: () => menu,
    async search(text: string): Promise<KnowledgeResult> {
      const hit = FIXTURE_ENTRIES.find((e) => (e.id.startsWith('yibao') ? /备案|异地/.test(text) : /公积金/.test(text)));
      if (!hit) return { hits: [], decision: 'handoff', reason: 'out_of_scope', explanation: 'fixture: no keyword' };
      return { hits: [{ entryId: hit.id, question: hit.question, confidence: 0.9 }], decision: 'answer', explanation: 'fixture: keyword' };
    },
    entry: (id) => byId.get(id),
    byCategory: (category) => FIXTURE_ENTRIES.filter((e) => e.category === category),
  };
}
