// Elliptical follow-ups ("能领多久？", "那灵活就业人员呢？"): read against the entry the bot answered last, or the
// user is asked what they mean. Never a guess without context.
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTEXT_BONUS, preferContext, type Followup } from '../../knowledge/context.ts';
import type { EntryCandidate } from '../../knowledge/index/fusion.ts';
import type { IndexSnapshot } from '../../knowledge/index/snapshot.ts';
import { KnowledgeBase } from '../../knowledge/search.ts';
import { ellipsisOf, outsideFamiliesOf, type FollowupVocabulary } from '../../knowledge/triage/followup.ts';
import { ENTRIES, fixtureOptions, writeFixture } from './fixture-kb.ts';

let kb: KnowledgeBase;

beforeAll(async () => {
  // Two entries about 失业保险金 (how to apply, how long) so that a follow-up has something to choose between.
  const entries = [
    ...ENTRIES,
    {
      id: 'shiye-qixian',
      question: '失业保险金最长能领多久？',
      alternates: ['失业金能领几个月', '失业保险金领取期限', '失业金最多领多长时间', '交了五年失业保险能领多久', '失业金领取时间怎么算', '失業金能領多久'],
      category: '失业保险',
    },
  ];
  kb = await KnowledgeBase.open(fixtureOptions(writeFixture({ entries })));
});

describe('elliptical follow-ups', () => {
  it.each([
    '能领多久？',
    '需要带什么材料',
    '可以在网上办吗',
    '那灵活就业人员呢？',
    '租房的话呢',
    '怎么申请',
    '要交多少钱',
    '什么时候到账',
    '然后呢',
    '那我呢',
    '举个例子',
  ])('without a conversation, asks what it is about and never guesses: %s', async (text) => {
    const r = await kb.search(text);
    expect(r.needsContext).toBe(true);
    expect(r.decision).toBe('handoff');
    expect(r.hits).toEqual([]);
  });

  it.each(['失业保险金怎么领取', '公积金能取吗', '社保断缴了有什么影响', '失业金能领几个月'])('a complete question is not a follow-up: %s', async (text) => {
    const r = await kb.search(text);
    expect(r.needsContext).toBeUndefined();
    expect(r.ranked.length).toBeGreaterThan(0);
  });

  it('reads a bare follow-up against the last answer, and prefers the entry that answers what it asks', async () => {
    const first = await kb.search('失业保险金怎么领取');
    expect(first.hits[0]?.entryId).toBe('shiye-jin');
    const r = await kb.search('能领多久？', { lastEntryId: 'shiye-jin' });
    expect(r.needsContext).toBeUndefined();
    expect(r.resolvedAs).toContain('失业');
    expect(r.ranked[0]?.entryId).toBe('shiye-qixian');
  });

  it('the same words after another answer read as a question about that topic', async () => {
    const r = await kb.search('需要带什么材料', { lastEntryId: 'yibao-yidi' });
    expect(r.resolvedAs).toMatch(/异地就医|备案/);
    expect(r.ranked[0]?.entryId).toBe('yibao-yidi');
  });

  it('a swapped subject is answered with the entry about it, ahead of the entry it follows', async () => {
    // The entry it follows stays in play (one entry often covers both subjects: 女职工多大退休 → 男的呢), at a cost.
    const r = await kb.search('那灵活就业人员呢', { lastEntryId: 'shebao-jishu' });
    expect(r.resolvedAs).toContain('灵活就业');
    expect(r.ranked[0]?.entryId).toBe('shebao-linghuo');
  });

  it('那个 at the start is a filler, not 那 + a subject: the question after it is read as it stands', async () => {
    const r = await kb.search('那个我想问灵活就业人员', { lastEntryId: 'shebao-jishu' });
    expect(r.resolvedAs).toBeUndefined();
    expect(r.ranked[0]?.entryId).toBe('shebao-linghuo');
    expect((await kb.search('那个体户呢', { lastEntryId: 'shebao-jishu' })).resolvedAs).toContain('个体户');
  });

  it('the same question about another subject said with 也 is a swap within a conversation, a question of its own alone', async () => {
    const inConversation = await kb.search('灵活就业人员也能交吗', { lastEntryId: 'shebao-jishu' });
    expect(inConversation.resolvedAs).toContain('灵活就业');
    expect(inConversation.ranked[0]?.entryId).toBe('shebao-linghuo');
    expect((await kb.search('灵活就业人员也能交吗')).needsContext).toBeUndefined();
  });

  it('a short message not sure alone is also read against the last entry, keeping the surer reading', async () => {
    // Not an ellipsis (alone it is searched, not asked about), but alone it is sure of nothing.
    const plain = await KnowledgeBase.open(fixtureOptions(writeFixture({ entries: ENTRIES })));
    expect((await plain.search('交了8个月')).decision).not.toBe('answer');
    const inContext = await plain.search('交了8个月', { lastEntryId: 'shiye-jin' });
    expect(inContext.resolvedAs).toContain('失业');
    expect(inContext.ranked[0]?.entryId).toBe('shiye-jin');
  });

  it('an id the KB no longer has is no context at all', async () => {
    expect((await kb.search('能领多久', { lastEntryId: 'gone-away' })).needsContext).toBe(true);
  });

  it('another department’s matter in a follow-up is still named, not read against the last answer', async () => {
    const r = await kb.search('那营业执照呢', { lastEntryId: 'gongjijin-tiqu' });
    expect(r).toMatchObject({ decision: 'handoff', reason: 'out_of_scope', ticketCategory: '市场监管' });
  });
});

describe('the entry just read, against its neighbours', () => {
  // Two entries of one category, the one read last a little behind on retrieval.
  const entries = [
    { id: 'chanjia-tianshu', category: '生育保险', related: [] },
    { id: 'chanjia-jintie', category: '生育保险', related: [] },
  ];
  const snapshot = { entries, positionOf: new Map(entries.map((e, i) => [e.id, i])) } as unknown as IndexSnapshot;
  const candidate = (entry: number, score: number) => ({ entry, score }) as EntryCandidate;
  const behind = [candidate(1, 0.5), candidate(0, 0.46)];
  const bare = (speaks: boolean): Followup => ({
    ellipsis: { kind: 'bare' },
    last: 0,
    resolvedAs: '产假 难产呢',
    lastPassages: speaks ? ['难产的，增加产假15天。'] : [],
  });

  it('wins a near tie when some lines of its answer speak to the follow-up (难产呢 after 产假多少天)', () => {
    expect(preferContext(behind, bare(true), snapshot)[0]?.entry).toBe(0);
  });

  it('yields when none does: the user asks for something it did not make clear', () => {
    const ranked = preferContext(behind, bare(false), snapshot);
    expect(ranked[0]?.entry).toBe(1);
    expect(ranked.find((c) => c.entry === 0)?.score).toBeCloseTo(0.46 + CONTEXT_BONUS.lastSilent);
  });

  it('a swap costs it more, whatever its answer says', () => {
    const swap: Followup = { ellipsis: { kind: 'swap', subject: '男职工' }, last: 0, resolvedAs: '男职工 男职工 产假' };
    expect(preferContext([candidate(0, 0.6), candidate(1, 0.5)], swap, snapshot)[0]?.entry).toBe(1);
  });
});

describe('ellipsis detection', () => {
  const vocabulary: FollowupVocabulary = {
    generic: new Set(['能', '领', '多久', '需要', '带', '什么', '材料', '可以', '网上', '办', '吗']),
    swap: [/^(那|如果)?(?<subject>.{1,8}?)(的话)?呢$/],
    families: new Map([
      ['医保', new Set(['险种'])],
      ['养老保险', new Set(['险种'])],
      ['职工', new Set(['人员'])],
    ]),
  };
  const words = (text: string) => text.split(/\s+/).filter(Boolean);

  it.each<[string, string[], string | undefined]>([
    ['能领多久', ['能', '领', '多久'], 'bare'],
    ['需要带什么材料', ['需要', '带', '什么', '材料'], 'bare'],
    ['那灵活就业呢', ['灵活就业'], 'swap'],
    ['租房的话呢', ['租房'], 'swap'],
    ['失业金能领多久', ['失业金', '能', '领', '多久'], undefined],
    ['社保断缴有什么影响呢', ['社保', '断缴', '有', '什么', '影响'], undefined],
    ['', [], undefined],
  ])('%s → %s', (compact, content, kind) => {
    // The swap subject is cut into words by the caller; here a subject is one word.
    expect(ellipsisOf(compact, content, vocabulary, (t) => (t === '' ? [] : [t]))?.kind).toBe(kind);
  });

  it('a swap keeps the last question’s words outside the new subject’s family', () => {
    expect(outsideFamiliesOf(['医保'], words('养老保险 最少 缴 多少 年'), vocabulary.families)).toEqual(['最少', '缴', '多少', '年']);
    expect(outsideFamiliesOf(['灵活就业'], words('职工 养老保险 怎么 缴'), vocabulary.families)).toEqual(['职工', '养老保险', '怎么', '缴']);
  });
});
