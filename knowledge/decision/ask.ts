// What a question asks for: how to do it, how much, how long, whether, which materials, where, when, who, what or
// why. Two entries can share every topic word (社保基数怎么算 / 社保基数怎么申报) and differ only in this, so the
// decision compares the question's ask with the asks an entry answers.
// Patterns run on canonical text (after synonyms: 咋→怎么, 多长时间→多久, 哪里→哪, 能不能→能否, 资料→材料), so
// each colloquial form is listed once, in synonyms.yaml, not here.

export const ASKS = ['materials', 'how_long', 'when', 'how_much', 'where', 'who', 'why', 'what', 'how', 'whether'] as const;
export type Ask = (typeof ASKS)[number];

/** Asks that name a specific kind of answer: an entry that does not give it does not answer the question. */
export const SPECIFIC_ASKS: ReadonlySet<Ask> = new Set(['materials', 'how_long', 'when', 'how_much', 'where', 'who']);

// Most specific first: 怎么算 is how much, not how; 最晚几号 is when, not how long.
const PATTERNS: ReadonlyArray<[Ask, RegExp]> = [
  ['materials', /材料|证件|证明材料|带什么|带哪些|准备什么|准备哪些|提供什么|提供哪些|要带|需要带|哪些手续/],
  ['when', /什么时候|几号|几月|哪天|哪一天|几点|哪个月|哪年|截止|最晚哪|何日|到账时间|多会/],
  ['how_long', /多久|几天|几个月|几年|多少年|多少个月|期限|时限|最长|有效期|几个工作日|多少个工作日|周期/],
  // 怎么查…还剩多少 asks how to look it up, not how much it is.
  ['how', /怎么查|如何查|在哪查|哪里查|去哪查|到哪查|查询|能查/],
  ['how_much', /多少钱|要钱|收钱|花钱|收费|免费|多少|比例|费率|标准|额度|几个点|百分之|怎么算|怎么计算|如何计算|上限|下限|几级|金额/],
  ['where', /哪(?!个|些|种|一)|网上|线上|窗口|地址|地点|网址|app|小程序|哪个部门|哪个网站/],
  ['who', /谁|哪个单位|由谁|找谁|哪个部门负责/],
  ['why', /为什么|为何|原因/],
  ['what', /什么是|什么意思|是什么|区别|影响|后果|有什么用|哪些情况|什么情况|有哪些|作用|怎么回事|含义/],
  ['how', /怎么办|怎么|如何|流程|手续|步骤|办理|申请|申领|操作/],
  ['whether', /能否|能|可以|是否|需要|吗|算|有没有|会不会|是不是|行不行|要不/],
];

/** Words that only ask (怎么, 多少 …): a question made of a topic word and these names its topic, nothing more. */
const QUESTION_WORDS = new Set([
  '怎么',
  '怎么办',
  '怎样',
  '如何',
  '什么',
  '什么时候',
  '为什么',
  '多少',
  '多久',
  '哪',
  '哪些',
  '哪个',
  '几',
  '几个',
  '能否',
  '是否',
  '可以',
  '能',
  '需要',
  '要',
  '吗',
  '呢',
  '算',
  '有没有',
  '是不是',
]);

/** Content words that say something beyond asking: the one-word rule counts these. */
export function substantiveWords(words: readonly string[]): number {
  return words.filter((w) => !QUESTION_WORDS.has(w)).length;
}

/** A word that only says what is asked (怎么, 多少, 材料, 多久 …), not what about. Whole-word: 技能 is not 能. */
export function isAskWord(word: string): boolean {
  return QUESTION_WORDS.has(word) || WHOLE_WORD.some((p) => p.test(word));
}

const WHOLE_WORD = PATTERNS.map(([, p]) => new RegExp(`^(?:${p.source})$`));

/** Words that make a sentence a question (a tag like 吧 or a channel word like 小程序 does not). */
const INTERROGATIVE = /什么|啥|哪|怎么|咋|多少|几|谁|吗|么|[?？]/;

/** The text asks something in so many words (怎么, 哪, 吗 …), not only states a matter. */
export function isInterrogative(text: string): boolean {
  return INTERROGATIVE.test(text);
}

/** Every ask a text shows, most specific first (empty when it shows none: a bare topic, "社保卡"). */
export function asksOf(canonical: string): Ask[] {
  const out: Ask[] = [];
  for (const [ask, pattern] of PATTERNS) if (!out.includes(ask) && pattern.test(canonical)) out.push(ask);
  return out;
}

/** The one thing a question asks for: its most specific ask. */
export function mainAsk(canonical: string): Ask | undefined {
  return asksOf(canonical)[0];
}

/**
 * What an entry answers: the asks of its standard question, plus any ask that at least `minShare` of its
 * phrasings show (users ask an entry about 怎么领 and 在哪领 alike when its answer says both). An explicit
 * annotation in the content replaces the inference.
 */
export function entryAsks(canonicalPhrasings: readonly string[], annotated?: readonly Ask[], minShare = 0.25): ReadonlySet<Ask> {
  if (annotated && annotated.length > 0) return new Set(annotated);
  const [question, ...rest] = canonicalPhrasings;
  const out = new Set<Ask>(question === undefined ? [] : asksOf(question));
  const counts = new Map<Ask, number>();
  for (const p of rest) for (const a of new Set(asksOf(p))) counts.set(a, (counts.get(a) ?? 0) + 1);
  for (const [a, n] of counts) if (n >= Math.max(2, minShare * rest.length)) out.add(a);
  return out;
}

/**
 * Which of an entry's asks satisfy a question's ask: an entry that explains how to do something says where to do
 * it; one that gives a time limit says when it ends.
 */
const SATISFIED_BY: Partial<Record<Ask, readonly Ask[]>> = { where: ['where', 'how'], when: ['when', 'how_long'], how_long: ['how_long', 'when'] };

/**
 * +1 when the question's specific ask is one the entry answers, −1 when the entry does not answer it (社保基数多少
 * against 社保基数怎么申报), 0 when the question asks nothing specific.
 */
export function askAgreement(query: Ask | undefined, entry: ReadonlySet<Ask>): number {
  if (query === undefined || !SPECIFIC_ASKS.has(query)) return 0;
  return (SATISFIED_BY[query] ?? [query]).some((a) => entry.has(a)) ? 1 : -1;
}
