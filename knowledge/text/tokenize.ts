// Words (jieba + the domain dictionary) and character bigrams. Words carry meaning; bigrams survive the cases
// where jieba cuts a query differently from the phrasing it should match (typos, unknown words, 口语).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { fromRoot } from '../../lib/paths.ts';

/**
 * jieba's general dictionary, read only while a Jieba is built. Not through the package's dict.js: that module reads
 * dict.txt and idf.txt (which this project never uses) into buffers its module cache keeps for the life of the
 * process, 11 MB of memory for nothing once the dictionary is loaded.
 */
const readBaseDict = (): Buffer => readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'));

export const DEFAULT_DICT_FILE = fromRoot('knowledge/content/dict.txt');

// Particles, pronouns and politeness: they appear in every phrasing and say nothing about the topic.
// Question words (怎么/多少/哪里) stay: low IDF already discounts them, and they separate "how" from "how much".
const STOPWORDS = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 嘛 哈 呐 噢 喔 么 诶 哎 嗯 我 你 您 他 她 它 我们 你们 他们 咱 咱们 自己 请问 请 问 问下 问一下 一下 ' +
    '下 想 想问 想要 要 麻烦 谢谢 你好 您好 在 是 这 那 这个 那个 这样 那样 个 和 与 及 或 就 都 也 又 还 吧 得 地 着 过 ' +
    '一个 些 一些 什么的 之 其 该 被 把 给 让 跟 从 对 对于 关于 然后 所以 因为 但是 而且 如果 的话 现在 目前'
  ).split(' '),
);
// A bigram containing one of these characters is glue between words, not a term.
const GLUE_CHARS = new Set([...'的了吗呢吧啊呀哦嘛哈我你您他她它请么']);
const HAN_RUN = /\p{Script=Han}+/gu;

/** One jieba per distinct domain dictionary: loading the base dictionary takes ~0.2 s, so never twice. */
const jiebaCache = new Map<string, Jieba>();

export function readDomainDict(file = DEFAULT_DICT_FILE): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** The entries of a jieba user dictionary ("word [freq] [tag]" per line, # comments): one line per word. */
export function dictEntries(domainDict: string): string[] {
  return domainDict
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter((l) => l.length > 0);
}

/** The words of a jieba user dictionary. */
export function dictWords(domainDict: string): string[] {
  return dictEntries(domainDict).map((l) => l.split(/\s+/)[0] as string);
}

/** isWord answers kept per tokenizer: the typo corrector asks about the same words and windows in every query. */
const MAX_CACHED_WORDS = 100_000;

export class Tokenizer {
  private readonly wordCache = new Map<string, boolean>();

  private constructor(
    private readonly jieba: Jieba,
    readonly dictHash: string,
  ) {}

  /**
   * @param domainDict jieba user-dictionary lines ("word [freq] [tag]"); callers add the synonym targets so that
   *   canonical words are never cut apart.
   */
  static create(domainDict: string): Tokenizer {
    const dictHash = createHash('sha256').update(domainDict).digest('hex').slice(0, 16);
    let jieba = jiebaCache.get(dictHash);
    if (!jieba) {
      jieba = Jieba.withDict(readBaseDict());
      // jieba wants a frequency; a high one makes the domain word win over the general dictionary's cuts.
      const lines = dictEntries(domainDict).map((l) => (/\s\d+/.test(l) ? l : `${l} 2000`));
      if (lines.length > 0) jieba.loadDict(Buffer.from(lines.join('\n') + '\n'));
      jiebaCache.set(dictHash, jieba);
    }
    return new Tokenizer(jieba, dictHash);
  }

  /** Jieba words of a normalized text, stopwords removed. Runs without HMM: deterministic, and new words are
   *  better left to bigrams than guessed. */
  words(text: string): string[] {
    return this.parts(text)
      .flat()
      .filter((w) => !STOPWORDS.has(w));
  }

  /** Jieba's cut of each space-separated part (stopwords kept: sound features need every syllable). */
  parts(text: string): string[][] {
    const out: string[][] = [];
    for (const part of text.split(' ')) if (part !== '') out.push(this.jieba.cut(part, false).filter((w) => w.trim() !== ''));
    return out;
  }

  /** Jieba's cut of a normalized text with positions; used by the typo corrector. */
  segments(text: string): string[] {
    return this.jieba.cut(text, false);
  }

  /** True when jieba knows the string as one word (so it is a real word, not a typo of one). */
  isWord(text: string): boolean {
    let word = this.wordCache.get(text);
    if (word === undefined) {
      const cut = this.jieba.cut(text, false);
      word = cut.length === 1 && cut[0] === text;
      if (this.wordCache.size >= MAX_CACHED_WORDS) this.wordCache.clear();
      this.wordCache.set(text, word);
    }
    return word;
  }
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** Character bigrams inside each run of Han characters, minus those glued by a particle or pronoun. */
export function bigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) {
      const a = chars[i] as string;
      const b = chars[i + 1] as string;
      if (!GLUE_CHARS.has(a) && !GLUE_CHARS.has(b)) out.push(a + b);
    }
  }
  return out;
}
