// Spoken forms a synonym table cannot express, because they depend on position or on numbers. Runs after
// normalization and before synonyms, on phrasings and questions alike:
// - a clause ending in 不/没/没有 asks a yes-no question ("算工伤不", "到账了没", "能领不"): it ends in 吗, so the
//   trailing 不 is not read as a negation (不予认定 is about not recognising a work injury);
// - Chinese numerals before a unit of time or count are written as digits ("十五年" → "15年", "三个月" → "3个月"),
//   as most phrasings write them, so the two forms meet.

const TRAILING_NOT = /(?<=[^不没有\s])(不|没有|没)(?=$|\s)/g;
const UNIT = '(?:个工作日|工作日|个月|周岁|小时|年|月|天|日|岁|周|级)';
const NUMERAL = new RegExp(`([零〇一二两三四五六七八九十百]+)(?=${UNIT})`, 'g');
const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 十五 → 15, 二十 → 20, 一百二十 → 120; undefined when it is not a well-formed number. */
export function chineseNumber(text: string): number | undefined {
  let total = 0;
  let current = 0;
  let seen = false;
  for (const ch of text) {
    if (ch in DIGIT) {
      current = DIGIT[ch] as number;
      seen = true;
    } else if (ch === '十') {
      total += (seen ? current : 1) * 10;
      current = 0;
      seen = false;
    } else if (ch === '百') {
      total += (seen ? current : 1) * 100;
      current = 0;
      seen = false;
    } else return undefined;
  }
  return total + current;
}

export function colloquial(normalized: string): string {
  return normalized.replace(TRAILING_NOT, '吗').replace(NUMERAL, (m) => {
    // A lone 一 is usually a word, not a count (一次性, 统一, 一样); before a unit (一年, 一个月) it is a count.
    const n = chineseNumber(m);
    return n === undefined ? m : String(n);
  });
}
