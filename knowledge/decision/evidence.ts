// Evidence beyond the fused score that a candidate entry answers THIS question:
// - coverage: how much of the question's distinctive vocabulary (IDF-weighted) the entry uses. 公积金基数 against an
//   entry about 社保基数 leaves 公积金 uncovered; 工伤复发 against 工伤待遇 leaves 复发 uncovered.
// - missing: the most distinctive word the entry does not use (0 when it uses them all).
// - ask: whether the entry answers what the question asks for (how much, how long, which materials …).
import type { LexicalIndex } from '../index/lexical.ts';
import { askAgreement, isAskWord, type Ask } from './ask.ts';
import type { EntryProfile } from './profiles.ts';

export interface Evidence {
  coverage: number;
  missing: number;
  ask: number;
}

export interface QueryWord {
  word: string;
  idf: number;
}

/**
 * The words that say what a question is about: known to the KB, not ask words (怎么, 多少, 能否 say what is
 * asked, which `ask` covers), weighted by how rare they are across entries.
 */
export function distinctiveWords(words: Iterable<string>, entries: LexicalIndex): QueryWord[] {
  const out: QueryWord[] = [];
  for (const word of words) {
    if (isAskWord(word)) continue;
    const idf = entries.idfOf(word);
    if (idf > 0) out.push({ word, idf });
  }
  return out;
}

/** A word used by one of the entry's phrasings counts fully; used only in its answer, half. */
function used(entries: LexicalIndex, word: string, entry: number): number {
  const w = entries.weightOf(word, entry);
  return w >= 1 ? 1 : w > 0 ? 0.5 : 0;
}

export function evidenceFor(words: readonly QueryWord[], ask: Ask | undefined, entries: LexicalIndex, entry: number, profile: EntryProfile): Evidence {
  let total = 0;
  let covered = 0;
  let missing = 0;
  for (const { word, idf } of words) {
    const u = used(entries, word, entry);
    total += idf;
    covered += idf * u;
    missing = Math.max(missing, idf * (1 - u));
  }
  return {
    coverage: total > 0 ? covered / total : 0,
    missing: missing / entries.maxIdf,
    ask: askAgreement(ask, profile.asks),
  };
}

/**
 * Coverage of the question's domain terms other than `word` (and the words inside it or around it): whether the entry
 * speaks to the rest of the question when one word of it belongs to another department (户口 in 给孩子办社保卡要
 * 户口本吗 is incidental; 公司注册 in 公司注册要什么材料 is the whole question).
 */
export function coverageBeside(words: readonly QueryWord[], word: string, entries: LexicalIndex, entry: number, isDomainTerm: (w: string) => boolean): number {
  let total = 0;
  let covered = 0;
  for (const w of words) {
    if (word.includes(w.word) || w.word.includes(word) || !isDomainTerm(w.word)) continue;
    total += w.idf;
    covered += w.idf * used(entries, w.word, entry);
  }
  return total > 0 ? covered / total : 0;
}
