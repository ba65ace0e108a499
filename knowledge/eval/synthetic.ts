// Synthetic knowledge bases for benchmarks: entries made by recombining the real KB's words, so term frequencies,
// phrase lengths and vocabulary look like the real thing at 10,000 or 100,000 entries.
import type { Entry } from '../content/schema.ts';
import { mulberry32 } from '../../lib/random.ts';
import { compactKey } from '../text/normalize.ts';
import { Tokenizer } from '../text/tokenize.ts';

export interface SyntheticOptions {
  count: number;
  alternates?: number;
  seed?: number;
}

/** Cuts every real phrasing into words; synthetic phrasings are spliced from pieces of random real ones. */
export function syntheticEntries(real: readonly Entry[], options: SyntheticOptions): Entry[] {
  const rand = mulberry32(options.seed ?? 7);
  const tokenizer = Tokenizer.create('');
  const phrases = real.flatMap((e) => [e.question, ...e.alternates]).map((p) => tokenizer.segments(p.replace(/[？?，,。！!]/g, '')));
  const answers = real.map((e) => e.answer);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  // Phrasings must be unique across entries (the loader rejects shared ones): retry, then number the rare clash.
  const seen = new Set<string>();
  const splice = () => {
    for (let attempt = 0; ; attempt++) {
      const a = pick(phrases);
      const b = pick(phrases);
      const cutA = Math.max(1, Math.floor(a.length * (0.3 + rand() * 0.4)));
      const cutB = Math.floor(b.length * (0.3 + rand() * 0.4));
      let text = [...a.slice(0, cutA), ...b.slice(cutB)].join('');
      if (attempt >= 5) text += `第${seen.size}项`;
      const key = compactKey(text);
      if (key !== '' && !seen.has(key)) {
        seen.add(key);
        return text;
      }
    }
  };
  const template = real[0];
  if (!template) throw new Error('[knowledge/synthetic] needs at least one real entry');
  const out: Entry[] = [];
  for (let i = 0; i < options.count; i++) {
    const question = `${splice()}？`;
    const alternates = Array.from({ length: options.alternates ?? 7 }, splice);
    out.push({
      ...template,
      id: `synthetic-${i}`,
      question,
      alternates,
      answer: pick(answers),
      answerTemplate: '',
      category: pick(real).category,
      related: [],
      asked: [], // the template's labelled user questions are about the template, not about this entry
      source: { file: 'synthetic.yaml', line: i + 1 },
    });
  }
  return out;
}

/** Queries like users': an alternate with one word dropped or swapped, plus some that match nothing. */
export function syntheticQueries(entries: readonly Entry[], count: number, seed = 11): string[] {
  const rand = mulberry32(seed);
  const tokenizer = Tokenizer.create('');
  const noise = ['今天天气怎么样', '楼下太吵了谁管', '驾驶证怎么换', '你好', '我要投诉'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) {
      out.push(noise[i % noise.length] as string);
      continue;
    }
    const e = entries[Math.floor(rand() * entries.length)] as Entry;
    const words = tokenizer.segments(e.alternates[Math.floor(rand() * e.alternates.length)] ?? e.question);
    if (words.length > 2) words.splice(Math.floor(rand() * words.length), 1);
    out.push(words.join(''));
  }
  return out;
}
