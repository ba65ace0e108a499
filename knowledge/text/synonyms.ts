// The synonym and colloquialism table (knowledge/content/synonyms.yaml). Every rule rewrites a spoken form to one
// canonical form. The same rewrite runs on the KB's phrasings and on user questions, so both sides meet in the
// canonical vocabulary whichever form either side used.
import { statSync } from 'node:fs';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { z } from 'zod';
import { normalize } from './normalize.ts';
import { fromRoot } from '../../lib/paths.ts';

const loaded = new Map<string, { version: string; synonyms: Synonyms }>();

export const DEFAULT_SYNONYMS_FILE = fromRoot('knowledge/content/synonyms.yaml');

const RuleSchema = z.strictObject({
  to: z.string().min(1),
  from: z.array(z.string().min(1)).min(1),
  /** Rewrite only when the text also contains one of these (工商 → 工伤 only when someone got hurt). */
  when: z.array(z.string().min(1)).optional(),
  /** Never rewrite when the text contains one of these. */
  unless: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
});
const FileSchema = z.strictObject({
  /** Words never rewritten, even when a rule's form occurs inside them (缴费基数 keeps 基数 from becoming 缴费缴费基数). */
  keep: z.array(z.string().min(1)).default([]),
  rules: z.array(RuleSchema),
});
export type SynonymRule = z.infer<typeof RuleSchema>;

interface Compiled {
  from: string;
  to: string;
  when: string[] | undefined;
  unless: string[] | undefined;
}

const MAX_PASSES = 3;

export class Synonyms {
  private readonly byFirstChar = new Map<string, Compiled[]>();
  readonly pairs: number;

  private constructor(
    readonly rules: readonly SynonymRule[],
    keep: readonly string[] = [],
  ) {
    let pairs = 0;
    // A kept word is a rule onto itself: longest match consumes it, so no shorter rule fires inside it. Every
    // canonical form is kept too (城乡居民养老保险 must not have 居民养老保险 rewritten inside it).
    const kept = new Set([...keep, ...rules.map((r) => r.to)].map((w) => normalize(w)).filter((w) => w !== ''));
    for (const word of kept) {
      const list = this.byFirstChar.get(word[0] as string) ?? [];
      list.push({ from: word, to: word, when: undefined, unless: undefined });
      this.byFirstChar.set(word[0] as string, list);
    }
    for (const rule of rules) {
      const to = normalize(rule.to);
      const when = rule.when?.map((w) => normalize(w));
      const unless = rule.unless?.map((w) => normalize(w));
      for (const raw of rule.from) {
        const from = normalize(raw);
        if (from === '' || from === to) continue;
        const first = from[0] as string;
        const list = this.byFirstChar.get(first) ?? [];
        list.push({ from, to, when, unless });
        this.byFirstChar.set(first, list);
        pairs++;
      }
    }
    // Longest first, so 交社保 wins over 交 and 生孩子 over 孩子.
    for (const list of this.byFirstChar.values()) list.sort((a, b) => b.from.length - a.from.length);
    this.pairs = pairs;
  }

  static fromRules(rules: SynonymRule[], keep: string[] = []): Synonyms {
    return new Synonyms(rules, keep);
  }

  /** The table in `file`; read once per version of the file (the knowledge base and the ticket predictor share it). */
  static load(file = DEFAULT_SYNONYMS_FILE): Synonyms {
    const stat = statSync(file, { throwIfNoEntry: false });
    const version = stat ? `${stat.mtimeMs}:${stat.size}` : 'absent';
    const cached = loaded.get(file);
    if (cached?.version === version) return cached.synonyms;
    const data = readYamlFile(file, FileSchema, 'knowledge/synonyms');
    const synonyms = Synonyms.fromRules(data.rules, data.keep);
    loaded.set(file, { version, synonyms });
    return synonyms;
  }

  static empty(): Synonyms {
    return new Synonyms([]);
  }

  /** Canonical words (the `to` side), added to jieba's dictionary so they are never cut apart. */
  targets(): string[] {
    return [...new Set(this.rules.map((r) => normalize(r.to)).filter((t) => t.length > 1))];
  }

  /** Rewrites a normalized text into canonical words. Left to right, longest match, until stable. */
  apply(text: string): string {
    let current = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const next = this.pass(current);
      if (next === current) return current;
      current = next;
    }
    return current;
  }

  private pass(text: string): string {
    let out = '';
    let changed = false;
    let i = 0;
    while (i < text.length) {
      const rule = this.match(text, i);
      if (rule) {
        out += rule.to;
        i += rule.from.length;
        if (rule.to !== rule.from) changed = true;
      } else {
        out += text[i];
        i++;
      }
    }
    return changed ? out : text;
  }

  private match(text: string, at: number): Compiled | undefined {
    const candidates = this.byFirstChar.get(text[at] as string);
    if (!candidates) return undefined;
    for (const c of candidates) {
      if (!text.startsWith(c.from, at)) continue;
      if (c.when && !c.when.some((w) => text.includes(w))) continue;
      if (c.unless && c.unless.some((w) => text.includes(w))) continue;
      return c;
    }
    return undefined;
  }
}
