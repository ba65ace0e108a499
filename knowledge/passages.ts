// A follow-up answered by the entry the user has just read ("要本人去吗" after 社保卡挂失补办): sending the whole answer
// again makes them look for the part they asked about, or shows them an answer that never says it. This finds the
// lines of the answer that speak to the follow-up: ones that use its words, or, for a follow-up that only asks
// (要多久, 多少钱), ones that give that kind of answer (a time, a figure, a list of materials …).
import { asksOf, isAskWord, type Ask } from './decision/ask.ts';
import type { Analyzer } from './text/analyzer.ts';
import { normalize } from './text/normalize.ts';

/** At most this many lines are quoted: the full answer stays a tap away. */
const MAX_PASSAGES = 3;

/** What a line that answers each specific ask contains (on canonical text: 多长时间 is 多久, 资料 is 材料 …). */
const ANSWER_SHAPES: Partial<Record<Ask, RegExp>> = {
  how_long: /\d+(个)?(工作日|日|天|周|月|年)|当日|当天|次月|即时|实时|当场|立即|天数|期限|时限/,
  when: /\d+(日|号|月)|每月|每年|次月|当月|月底|年底|截止|之前|以前|起|日期/,
  how_much: /\d|%|元|比例|标准|基数|费率|额度|费用|工本费|收费|免费|金额/,
  materials: /材料|证明|身份证|原件|复印件|证件|申请表|合同|发票|社保卡|病历/,
  where: /网上|app|小程序|窗口|大厅|经办机构|服务平台|网厅|12333|12345|电子社保卡|银行|税务/,
  who: /单位|本人|个人|职工|家属|委托|代办|经办机构/,
};

/** 网上/手机上/线上 (one canonical word) asks about doing it online: a line naming an office does not answer that. */
const ONLINE_ASK = /网上/;
const ONLINE = /网上|线上|在线|app|小程序|网厅|电子社保卡|掌上|服务平台/;

export interface AnswerLine {
  /** The line as written (markdown markers of a list item removed). */
  text: string;
  /** Canonical, without spaces: what words are looked up in. */
  canonical: string;
}

/** Each analyzer's answers already cut into lines: a follow-up reads the last entry's on every turn. */
const linesCache = new WeakMap<Analyzer, Map<string, AnswerLine[]>>();

/** An answer's quotable lines: list items and sentences, not headings. */
export function answerLines(answer: string, analyzer: Analyzer): readonly AnswerLine[] {
  let cached = linesCache.get(analyzer);
  if (!cached) linesCache.set(analyzer, (cached = new Map()));
  let lines = cached.get(answer);
  if (!lines) cached.set(answer, (lines = cutLines(answer, analyzer)));
  return lines;
}

function cutLines(answer: string, analyzer: Analyzer): AnswerLine[] {
  return answer
    .split('\n')
    .map((line) => line.replace(/^\s*(?:[-*]\s+|\d+[.、)]\s*)/, '').trim())
    .filter((line) => line !== '' && !/^\*\*[^*]+\*\*[:：]?$/.test(line))
    .map((text) => ({ text, canonical: analyzer.synonyms.apply(normalize(text, { maxLength: 10_000 })).replace(/\s+/g, '') }));
}

/**
 * The lines of `lines` that speak to `followup`, in the answer's order; empty when none does. Its own words count
 * first (本人 in 要本人去吗); a follow-up that is all asking words is matched by the shape of its answer. When no line
 * names any of its words, the words that only ask or qualify (`generic`: 具体, 时间, 费用 …) and those the KB uses
 * anyway (`known`: 大概, 今年, 每次) are let go and the rest tried again: 具体几天 is all asking, and the line on 天数
 * answers it. A word the KB never uses (老年证) is a new subject and stays: no line of this answer speaks to it.
 */
export function passagesFor(
  followup: string,
  lines: readonly AnswerLine[],
  analyzer: Analyzer,
  generic: ReadonlySet<string> = new Set(),
  known: (word: string) => boolean = () => false,
): string[] {
  const canonical = analyzer.canonical(followup);
  const words = analyzer.tokenizer.words(canonical).filter((w) => [...w].length >= 2 && !isAskWord(w));
  const shapes = ONLINE_ASK.test(canonical) ? [ONLINE] : asksOf(canonical).flatMap((ask) => ANSWER_SHAPES[ask] ?? []);
  const named = linesNaming(words, shapes, lines);
  const letGo = (w: string) => generic.has(w) || known(w);
  return named.length > 0 || !words.some(letGo)
    ? named
    : linesNaming(
        words.filter((w) => !letGo(w)),
        shapes,
        lines,
      );
}

/**
 * The lines that name the new subject of a swap answered by the entry just read ("女的呢" after 法定退休年龄: the lines
 * on 女职工). Every word of the subject counts, one character long too: in a swap it is the whole point (女, 男).
 */
export function linesNamingSubject(subject: string, lines: readonly AnswerLine[], analyzer: Analyzer, generic: ReadonlySet<string> = new Set()): string[] {
  const words = analyzer.tokenizer.words(analyzer.canonical(subject)).filter((w) => !isAskWord(w) && !generic.has(w));
  return words.length > 0 ? linesNaming(words, [], lines) : [];
}

function linesNaming(words: readonly string[], shapes: readonly RegExp[], lines: readonly AnswerLine[]): string[] {
  const scored = lines.map((line, i) => {
    const named = words.filter((w) => line.canonical.includes(w)).length;
    const shaped = shapes.some((shape) => shape.test(line.canonical));
    return { i, score: words.length > 0 ? (named > 0 ? named + (shaped ? 0.5 : 0) : 0) : shaped ? 1 : 0 };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, MAX_PASSAGES)
    .sort((a, b) => a.i - b.i)
    .map((s) => (lines[s.i] as AnswerLine).text);
}
