// Homophone typos from pinyin input methods (社宝 → 社保, 公基金 → 公积金, 医宝 → 医保): a stretch of the query that
// is not a known word but sounds exactly like a word the KB uses is replaced by that word.
import { pinyin } from 'pinyin-pro';

const HAN_RUN = /\p{Script=Han}{2,}/gu;
const FUNCTION_CHARS = new Set([...'不没无未别非否是的了在有和与及或也都就还又很太吗呢吧啊么能会要可以把被给让去来到从对为向往过着得地个几这那哪啥什怎谁']);
const MIN_LEN = 2;
const MAX_LEN = 4;

export interface Correction {
  from: string;
  to: string;
}

export interface WordOracle {
  /** In the KB's own vocabulary. */
  known(word: string): boolean;
  /** A real Chinese word (jieba's dictionary), even if the KB never uses it: never "corrected". */
  isWord(word: string): boolean;
  /** Jieba's cut, to see which characters are already covered by known words. */
  segments(text: string): string[];
}

export function syllables(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', v: true });
}

// Character → every reading, cached: bounded by the characters there are.
const charReadings = new Map<string, readonly string[]>();

/** Every reading of one character, tones aside (行 → xing, hang). */
export function allReadings(char: string): readonly string[] {
  let readings = charReadings.get(char);
  if (!readings) {
    readings = pinyin(char, { toneType: 'none', type: 'array', v: true, multiple: true });
    charReadings.set(char, readings);
  }
  return readings;
}

/**
 * A syllable with the distinctions many speakers (and their input-method settings) blur removed:
 * zh/ch/sh → z/c/s, -ng → -n. Used for sound features, not for corrections (those stay exact).
 */
export function fuzzySyllable(s: string): string {
  return s.replace(/^([zcs])h/, '$1').replace(/([aeio])ng$/, '$1n');
}

// Word → fuzzy syllables. Words recur endlessly (社保, 怎么), and pinyin-pro costs tens of µs a call, so the
// sound of each word is computed once. A word alone gives the right reading for most polyphones (调整, 银行).
const wordSounds = new Map<string, string[]>();
const MAX_CACHED_WORDS = 200_000;

function soundsOf(word: string): string[] {
  let sounds = wordSounds.get(word);
  if (!sounds) {
    sounds = syllables(word).map(fuzzySyllable);
    if (wordSounds.size >= MAX_CACHED_WORDS) wordSounds.clear();
    wordSounds.set(word, sounds);
  }
  return sounds;
}

/**
 * Sound bigrams over runs of Han words: 必例 and 比例 share "bi li" even though they share no character bigram.
 * @param parts jieba segments of each space-separated part of the text (Tokenizer.parts)
 */
export function soundBigrams(parts: string[][]): string[] {
  const out: string[] = [];
  let prev: string | undefined;
  for (const segments of parts) {
    prev = undefined;
    for (const seg of segments) {
      if (!HAN_ONLY.test(seg)) {
        prev = undefined; // latin and digits break a run
        continue;
      }
      for (const syl of soundsOf(seg)) {
        if (prev !== undefined) out.push(`${prev} ${syl}`);
        prev = syl;
      }
    }
  }
  return out;
}

const HAN_ONLY = /^\p{Script=Han}+$/u;

export class PinyinCorrector {
  private constructor(private readonly bySound: ReadonlyMap<string, string>) {}

  /** Keeps, for each toneless pinyin key, the KB word used by most phrasings. */
  static build(vocabulary: Iterable<[string, number]>, minCount = 2): PinyinCorrector {
    const best = new Map<string, [string, number]>();
    for (const [word, count] of vocabulary) {
      if (count < minCount || word.length < MIN_LEN || word.length > MAX_LEN || !/^\p{Script=Han}+$/u.test(word)) continue;
      const key = syllables(word).join(' ');
      const seen = best.get(key);
      if (!seen || count > seen[1] || (count === seen[1] && word < seen[0])) best.set(key, [word, count]);
    }
    return new PinyinCorrector(new Map([...best].map(([key, [word]]) => [key, word])));
  }

  static fromJSON(entries: [string, string][]): PinyinCorrector {
    return new PinyinCorrector(new Map(entries));
  }

  toJSON(): [string, string][] {
    return [...this.bySound];
  }

  get size(): number {
    return this.bySound.size;
  }

  correct(text: string, oracle: WordOracle): { text: string; corrections: Correction[] } {
    const corrections: Correction[] = [];
    const fixed = text.replace(HAN_RUN, (run) => this.correctRun(run, oracle, corrections));
    return { text: fixed, corrections };
  }

  private correctRun(run: string, oracle: WordOracle, corrections: Correction[]): string {
    const chars = [...run];
    const { known: words, any: anyWords, segments } = wordSpans(run, oracle);
    if (words.every((w) => w !== undefined)) return run; // the common case: every character sits inside a known word
    let sounds: string[] | undefined;
    const out = chars.slice();
    const done = new Array<boolean>(chars.length).fill(false);
    for (let len = Math.min(MAX_LEN, chars.length); len >= MIN_LEN; len--) {
      for (let start = 0; start + len <= chars.length; start++) {
        const end = start + len;
        // Never cut through a real word (自己能 is 自己 + 能, not 自 + 技能): a window takes whole words or none.
        if (!openWindow(start, end, done, words, anyWords)) continue;
        const window = chars.slice(start, end).join('');
        if (oracle.known(window) || oracle.isWord(window)) continue;
        sounds ??= runSounds(segments);
        const candidate = this.bySound.get(sounds.slice(start, end).join(' '));
        if (!candidate || candidate === window) continue;
        const span = chars.slice(start, end);
        const differing: number[] = [];
        for (let k = 0; k < len; k++) if (candidate[k] !== span[k]) differing.push(k);
        if (!this.plausible(candidate, span, differing, words.slice(start, end), start, end)) continue;
        corrections.push({ from: window, to: candidate });
        [...candidate].forEach((c, k) => {
          out[start + k] = c;
          done[start + k] = true;
        });
      }
    }
    return out.join('');
  }

  /**
   * Whether replacing `span` by the sound-alike `candidate` is a typo fix rather than a rewrite of sound text:
   * - they share a character in the same place (社宝/社保), so an unrelated stretch is never replaced;
   * - no function character is traded (不缴 is not a typo of 补缴, nor 补能 of 不能);
   * - the window never cuts through a known word (公基金 → 公积金 may touch 基金 as a whole; 办失业 must not become
   *   办事业, nor 生校时间 生小时间);
   * - the unchanged part is not just a known word with a neighbour's character attached (养老进不进 is 养老 + 进).
   */
  private plausible(
    candidate: string,
    span: string[],
    differing: number[],
    spans: (readonly [number, number] | undefined)[],
    start: number,
    end: number,
  ): boolean {
    // (`differing` holds positions within the window; `spans` is indexed the same way.)
    if (differing.length === span.length) return false;
    if (differing.some((k) => FUNCTION_CHARS.has(candidate[k] as string) || FUNCTION_CHARS.has(span[k] as string))) return false;
    if (spans.some((word) => word !== undefined && (word[0] < start || word[1] > end))) return false;
    const n = differing.length;
    const isWord = (from: number, to: number) => spans[from]?.[0] === start + from && spans[from]?.[1] === start + to;
    const trailing = differing.every((k, i) => k === span.length - n + i);
    const leading = differing.every((k, i) => k === i);
    if (trailing && isWord(0, span.length - n)) return false;
    if (leading && isWord(n, span.length)) return false;
    return true;
  }
}

type Span = readonly [number, number] | undefined;

/**
 * For each character: the [start, end) of the multi-character word it sits in, in jieba's cut: `any` for any real
 * word, `known` for a word of the KB's own vocabulary.
 */
function wordSpans(run: string, oracle: WordOracle): { known: Span[]; any: Span[]; segments: string[] } {
  const known: Span[] = [];
  const any: Span[] = [];
  const segments = oracle.segments(run);
  let at = 0;
  for (const seg of segments) {
    const len = [...seg].length;
    const span = [at, at + len] as const;
    const isKnown = len > 1 && oracle.known(seg);
    const isWord = len > 1 && oracle.isWord(seg);
    for (let i = 0; i < len; i++) {
      known.push(isKnown ? span : undefined);
      any.push(isWord ? span : undefined);
    }
    at += len;
  }
  return { known, any, segments };
}

/**
 * A window [start, end) the corrector may look at: no character already corrected, not every character inside a
 * known word, and no real word cut through.
 */
function openWindow(start: number, end: number, done: boolean[], known: Span[], any: Span[]): boolean {
  let allKnown = true;
  for (let k = start; k < end; k++) {
    if (done[k]) return false;
    if (known[k] === undefined) allKnown = false;
    const w = any[k];
    if (w !== undefined && (w[0] < start || w[1] > end)) return false;
  }
  return !allKnown;
}

// Exact syllables per word, cached like wordSounds: reading a run word by word gives each polyphone the reading of
// the word it sits in (还款 huan, 还有 hai), as the vocabulary's keys were read.
const wordSyllables = new Map<string, string[]>();

function runSounds(segments: string[]): string[] {
  const out: string[] = [];
  for (const seg of segments) {
    let s = wordSyllables.get(seg);
    if (!s) {
      s = syllables(seg);
      if (wordSyllables.size >= MAX_CACHED_WORDS) wordSyllables.clear();
      wordSyllables.set(seg, s);
    }
    out.push(...s);
  }
  return out;
}
