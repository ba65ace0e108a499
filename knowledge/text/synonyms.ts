// The synonym and colloquialism table (knowledge/content/synonyms.yaml). Every rule rewrites a spoken form to one
// canonical form. The same rewrite runs on the KB's phrasings and on user questions, so both sides meet in the
// canonical vocabulary whichever form either side used.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { normalize } from './normalize.ts';

export const DEFAULT_SYNONYMS_FILE = resolve(import.meta.dirname, '../content/synonyms.yaml');

const RuleSchema = z.strictObject({
  to: z.string().min(1),
  from: z.array(z.string().min(1)).min(1),
  /** Rewrite only when the text also contains one of these (工商 → 工伤 only when someone got hurt). */
  when: z.array(z.string().min(1)).optional(),
  /** Never rewrite when the text contains one of these. */
  unless: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
});
const FileSchema = z.strictObject({ rules: z.array(RuleSchema) });
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

  private constructor(readonly rules: readonly SynonymRule[]) {
    let pairs = 0;
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

  static fromRules(rules: SynonymRule[]): Synonyms {
    const synonyms = new Synonyms(rules);
    synonyms.checkStable();
    return synonyms;
  }

  static load(file = DEFAULT_SYNONYMS_FILE): Synonyms {
    let data: unknown;
    try {
      data = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`[knowledge/synonyms] ${file}: ${(err as Error).message}`);
    }
    const result = FileSchema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(`[knowledge/synonyms] ${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return Synonyms.fromRules(result.data.rules);
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
        changed = true;
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

  /** A canonical form that another rule rewrites again would make the result depend on rule order: refuse it. */
  private checkStable(): void {
    for (const rule of this.rules) {
      if (rule.when) continue;
      const to = normalize(rule.to);
      const again = this.apply(to);
      if (again !== to) throw new Error(`[knowledge/synonyms] rule "${rule.from.join('/')} → ${rule.to}" is not stable: "${to}" is rewritten again to "${again}"`);
    }
  }
}
