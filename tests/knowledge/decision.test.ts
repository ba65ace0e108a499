// The decision on its own: what a question asks for, what an entry answers, and how confidence, the one-word rule
// and the thresholds turn ranked candidates into answer / choices / handoff.
import { describe, expect, it } from 'vitest';
import { askAgreement, asksOf, entryAsks, isAskWord, mainAsk } from '../../knowledge/decision/ask.ts';
import { choose, confidenceOf, rank, type WeighedCandidate } from '../../knowledge/decision/decide.ts';
import { SIGNALS, THRESHOLDS, type DecisionThresholds, type Signals } from '../../knowledge/decision/thresholds.ts';
import { VERIFIER_FEATURES, verifierFeatures, verify, type VerifierModel } from '../../knowledge/decision/verifier.ts';
import { normalize } from '../../knowledge/text/normalize.ts';
import { Synonyms } from '../../knowledge/text/synonyms.ts';

const synonyms = Synonyms.load();
const canonical = (text: string) => synonyms.apply(normalize(text));

describe('what a question asks for', () => {
  it.each([
    ['失业金能领多长时间', 'how_long'],
    ['社保基数上下限是多少', 'how_much'],
    ['生育津贴怎么算的', 'how_much'],
    ['工伤认定要准备什么资料', 'materials'],
    ['去哪里办', 'where'],
    ['每月几号之前交', 'when'],
    ['滞纳金由谁承担', 'who'],
    ['医保卡的钱为啥变少了', 'why'],
    ['什么是视同缴费年限', 'what'],
    ['失业登记咋办理', 'how'],
    ['怎么查公积金里还有多少钱', 'how'],
    ['试用期能不能不交社保', 'whether'],
  ])('%s → %s', (text, ask) => {
    expect(mainAsk(canonical(text))).toBe(ask);
  });

  it('a topic alone asks nothing', () => {
    expect(asksOf(canonical('社保卡'))).toEqual([]);
  });

  it('ask words are whole words: 技能 and 劳动能力鉴定 are topics, not 能', () => {
    expect(isAskWord('多少')).toBe(true);
    expect(isAskWord('怎么')).toBe(true);
    expect(isAskWord('技能')).toBe(false);
    expect(isAskWord('劳动能力鉴定')).toBe(false);
  });

  it('an entry answers the asks of its question and of enough of its alternates, or what the content says', () => {
    const asks = entryAsks(['社保缴费基数每年怎么申报', '基数几月份报', '每年什么时候申报基数', '申报基数去哪', '基数在哪报'].map(canonical));
    expect([...asks]).toEqual(expect.arrayContaining(['how', 'when', 'where']));
    expect([...entryAsks(['x'], ['materials'])]).toEqual(['materials']);
  });

  it('agreement: a specific ask met, missed, or nothing specific asked; how-to entries also say where', () => {
    expect(askAgreement('how_much', new Set(['how_much', 'how']))).toBe(1);
    expect(askAgreement('how_much', new Set(['how']))).toBe(-1);
    expect(askAgreement('where', new Set(['how']))).toBe(1);
    expect(askAgreement('whether', new Set(['how']))).toBe(0);
    expect(askAgreement(undefined, new Set(['how']))).toBe(0);
  });
});

const signals = (s: Partial<Signals>): Signals => ({
  phrasing: 0.5,
  entry: 0.5,
  dense: 0.8,
  margin: 0,
  agreement: 1,
  coverage: 1,
  missing: 0,
  extra: 0,
  ask: 0,
  known: 1,
  ...s,
});

function candidate(entry: number, score: number, s: Partial<Signals> = {}): WeighedCandidate {
  const sig = signals(s);
  return {
    entry,
    score,
    lexical: sig.phrasing,
    entryLexical: sig.entry,
    dense: sig.dense,
    doc: entry,
    agreement: sig.agreement,
    evidence: { coverage: sig.coverage, missing: sig.missing, extra: sig.extra, ask: sig.ask },
  };
}

// The threshold logic on its own: the verifier, where thresholds.ts has one, is tested below with its own model.
const t: DecisionThresholds = { ...THRESHOLDS.weighted, verifier: undefined };

describe('confidence', () => {
  it('rises with every piece of evidence the model weighs positively, and falls with a missed ask', () => {
    const base = confidenceOf(t.confidence, signals({ margin: 0.1 }));
    for (const s of SIGNALS) {
      const w = t.confidence.weights[s];
      if (w === 0) continue;
      const more = confidenceOf(t.confidence, signals({ margin: 0.1, [s]: w > 0 ? 1.2 : 0.2 }));
      if (w > 0) expect(more, s).toBeGreaterThanOrEqual(base);
    }
    expect(confidenceOf(t.confidence, signals({ margin: 0.1, ask: -1 }))).toBeLessThan(base);
  });

  it('ranks by confidence, so the entry that answers what is asked overtakes a slightly higher score', () => {
    const ranked = rank([candidate(0, 0.62, { ask: -1, coverage: 0.5 }), candidate(1, 0.6, { ask: 1, coverage: 1 })], 1, t.confidence);
    expect(ranked.map((c) => c.entry)).toEqual([1, 0]);
    expect(ranked[0]!.confidence).toBeGreaterThan(ranked[1]!.confidence);
  });
});

describe('choose', () => {
  const scored = (confidences: number[], s: Partial<Signals> = {}) =>
    confidences.map((confidence, i) => ({ ...candidate(i, 0.5 - i * 0.01, s), signals: signals(s), confidence }));

  it('answers when sure, with close neighbours for "您可能还想问"', () => {
    const c = choose(scored([0.97, 0.4, 0.1]), t, 3);
    expect(c).toMatchObject({ decision: 'answer', offered: 1, neighbours: 1 });
  });

  it('a sure match on one word is still a choice', () => {
    expect(choose(scored([0.99, 0.2]), t, 1).decision).toBe('clarify');
  });

  it('offers a prefix of choices above the floor when unsure', () => {
    const c = choose(scored([0.6, 0.3, 0.2, 0.01]), t, 3);
    expect(c.decision).toBe('clarify');
    expect(c.offered).toBe(3);
  });

  it('never answers a message the KB knows few words of, however sure the model is, unless it is a phrasing', () => {
    const fewKnown = { known: t.minKnownToAnswer - 0.15, coverage: 1 };
    expect(choose(scored([0.99, 0.01], fewKnown), t, 3).decision).toBe('clarify');
    const [phrasing, other] = scored([0.99, 0.01], fewKnown);
    expect(choose([{ ...phrasing!, lexical: 1 }, other!], t, 3).decision).toBe('answer');
    expect(choose(scored([0.99, 0.01], { known: t.minKnownToAnswer }), t, 3).decision).toBe('answer');
  });

  it('a follow-up answers at its own, lower threshold', () => {
    const between = (t.followupAnswer + t.answer) / 2;
    expect(choose(scored([between, 0.1]), t, 3).decision).toBe('clarify');
    expect(choose(scored([between, 0.1]), t, 3, true).decision).toBe('answer');
  });

  it('hands over: out of scope when the KB does not know the words, unsure otherwise; no choices for chit-chat', () => {
    expect(choose(scored([0.05]), t, 3)).toMatchObject({ decision: 'handoff', reason: 'low_confidence' });
    // Mostly unknown words and few key terms covered, or no key term at all: nothing to offer.
    const unsure = t.surelyAboutTheKb - 0.1;
    expect(choose(scored([unsure], { known: 0.2, coverage: 0.3 }), t, 3)).toMatchObject({ decision: 'handoff', reason: 'out_of_scope' });
    expect(choose(scored([unsure], { known: 0.6, coverage: 0 }), t, 3)).toMatchObject({ decision: 'handoff', reason: 'out_of_scope' });
    // Key terms covered outweigh unknown words of a long story; a question all in the KB's words needs no key term;
    // and a confident candidate is about the KB whatever else the story says.
    expect(choose(scored([unsure], { known: 0.4, coverage: 0.8 }), t, 3).decision).toBe('clarify');
    expect(choose(scored([unsure], { known: 0.9, coverage: 0 }), t, 3).decision).toBe('clarify');
    expect(choose(scored([t.surelyAboutTheKb], { known: 0.2, coverage: 0.3 }), t, 3).decision).toBe('clarify');
    // A message that names one of the KB's schemes (公积金余额 …) is about the KB whatever else it says.
    expect(choose(scored([unsure], { known: 0.2, coverage: 0.3 }), t, 3, false, true).decision).toBe('clarify');
    expect(choose([], t, 3)).toMatchObject({ decision: 'handoff', reason: 'out_of_scope' });
  });
});

describe('the answer verifier', () => {
  const hit = (confidence: number, s: Partial<Signals> = {}) => ({ confidence, signals: signals(s) });

  it('reads the best candidate against its rivals: confidence gap, and its edge on key words, ask and channels', () => {
    const f = verifierFeatures([hit(0.9, { coverage: 1, ask: 1, dense: 0.9 }), hit(0.1, { coverage: 0.5, ask: -1, dense: 0.7 })], 3)!;
    expect(f.gap).toBeCloseTo(Math.log(9) - Math.log(1 / 9));
    expect(f.coverageEdge).toBeCloseTo(0.5);
    expect(f.askEdge).toBe(2);
    expect(f.denseEdge).toBeCloseTo(0.2);
    expect(f.length).toBeCloseTo(3 / 12);
    expect(verifierFeatures([], 3)).toBeUndefined();
  });

  it('decides a question instead of the confidence threshold when present, never a follow-up', () => {
    const scored = [0.5, 0.1].map((confidence, i) => ({ ...candidate(i, 0.5 - i * 0.01), signals: signals({}), confidence }));
    const zero = Object.fromEntries(VERIFIER_FEATURES.map((f) => [f, 0])) as VerifierModel['weights'];
    const sure: DecisionThresholds = { ...t, verifier: { model: { bias: 5, weights: zero }, answer: 0.9 } };
    expect(choose(scored, t, 3).decision).toBe('clarify');
    expect(choose(scored, sure, 3).decision).toBe('answer');
    expect(choose(scored, sure, 3, true).decision).toBe('clarify');
    expect(verify({ bias: 0, weights: zero }, verifierFeatures(scored, 3)!)).toBe(0.5);
  });
});
