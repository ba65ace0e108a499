// Evidence beyond the fused score that a candidate entry answers THIS question:
// - coverage: how much of the question's distinctive vocabulary (IDF-weighted) the entry uses. 公积金基数 against an
//   entry about 社保基数 leaves 公积金 uncovered; 工伤复发 against 工伤待遇 leaves 复发 uncovered.
// - missing: the most distinctive word the entry does not use (0 when it uses them all).
// - extra: the entry is about something more specific the question does not mention (产假多少天 against an entry
//   defined by 流产).
// - ask: whether the entry answers what the question asks for (how much, how long, which materials …).
import type { LexicalIndex } from '../index/lexical.ts';
import { askAgreement, isAskWord, type Ask } from './ask.ts';
import type { EntryProfile } from './profiles.ts';

export interface Evidence {
  coverage: number;
  missing: number;
  /** The rarest of the entry's defining terms the question does not use, normalized (0: it uses them all). */
  extra: number;
  ask: number;
}

export interface QueryWord {
  word: string;
  idf: number;
}

/**
 * The words that say what a question is about: known to the KB, not ask words (怎么, 多少, 能否 say what is
 * asked, which `ask` covers), weighted by how rare they are across entries. With `isKeyTerm`, only the KB's key
 * terms count (an incidental word of a long story is not something an entry must cover).
 */
export function distinctiveWords(words: Iterable<string>, entries: LexicalIndex, isKeyTerm?: (w: string) => boolean): QueryWord[] {
  const out: QueryWord[] = [];
  for (const word of words) {
    if (isAskWord(word) || (isKeyTerm && !isKeyTerm(word))) continue;
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

/**
 * @param askAnswered whether any candidate answers the question's specific ask: a mismatch only counts against an
 *   entry when another entry does answer it (社保基数怎么算 has an answer; a mismatch with nothing better is noise).
 */
export function evidenceFor(
  words: readonly QueryWord[],
  ask: Ask | undefined,
  askAnswered: boolean,
  entries: LexicalIndex,
  entry: number,
  profile: EntryProfile,
  queryWords: ReadonlySet<string>,
): Evidence {
  let total = 0;
  let covered = 0;
  let missing = 0;
  for (const { word, idf } of words) {
    const u = used(entries, word, entry);
    total += idf;
    covered += idf * u;
    missing = Math.max(missing, idf * (1 - u));
  }
  let extra = 0;
  for (const term of profile.defining) if (!queryWords.has(term)) extra = Math.max(extra, entries.idfOf(term));
  return {
    coverage: total > 0 ? covered / total : 0,
    missing: missing / entries.maxIdf,
    extra: extra / entries.maxIdf,
    ask: Math.max(askAgreement(ask, profile.asks), askAnswered ? -1 : 0),
  };
}

/**
 * Whether another department's word in the question is incidental to what the best entry answers: the entry
 * speaks to the rest of the question (its KB terms, IDF-weighted), and either mentions the word itself or the
 * rest is a topic of its own (enough weight) that the entry plausibly answers (社保卡 + 挂失 in 社保卡在地铁上丢了). 户口 in 给孩子办社保卡要户口本吗 is incidental (the entry about 社保卡 names
 * 户口簿); 发票 in 发票怎么开 is the question; 落户 in 落户需要交几个月社保 is the topic, 社保 a common word beside it.
 */
export function incidental(
  words: readonly QueryWord[],
  word: string,
  entries: LexicalIndex,
  entry: number,
  how: { mentions: boolean; plausible: boolean; isDomainTerm: (w: string) => boolean },
): boolean {
  let total = 0;
  let covered = 0;
  for (const w of words) {
    if (word.includes(w.word) || w.word.includes(word) || !how.isDomainTerm(w.word)) continue;
    total += w.idf;
    covered += w.idf * used(entries, w.word, entry);
  }
  if (total === 0 || covered / total < INCIDENTAL.coverage) return false;
  return how.mentions || (how.plausible && covered >= INCIDENTAL.weightAlone);
}

/** Coverage of the rest of the question needed, and the IDF mass that makes it a topic of its own. */
export const INCIDENTAL = { coverage: 0.6, weightAlone: 2 } as const;
