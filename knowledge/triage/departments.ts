// Other departments' matters (发票 → 税务部门, 营业执照 → 市场监督管理部门, 落户 → 公安机关): the words of
// vocabulary.yaml, read through the KB's synonym table so that they meet the question in the same canonical form.
import type { DepartmentRule, TicketCategory } from './vocabulary.ts';

export interface DepartmentMatch {
  key: TicketCategory;
  department: string;
  /** The canonical word that matched. */
  word: string;
}

export class DepartmentMatcher {
  /** Longest word first, so 出租车 (交通) wins over 出租 (住建) inside it. */
  private readonly words: DepartmentMatch[];

  constructor(rules: readonly DepartmentRule[], canonical: (word: string) => string) {
    const seen = new Set<string>();
    this.words = [];
    for (const rule of rules) {
      for (const raw of rule.words) {
        const word = canonical(raw).replace(/\s+/g, '');
        if (word === '' || seen.has(word)) continue;
        seen.add(word);
        this.words.push({ key: rule.key, department: rule.department, word });
      }
    }
    this.words.sort((a, b) => b.word.length - a.word.length);
  }

  /** Every match in a compact canonical text, longest first; a word inside a longer match does not count again. */
  find(compact: string): DepartmentMatch[] {
    const out: DepartmentMatch[] = [];
    const taken: Array<[number, number]> = [];
    for (const m of this.words) {
      let from = 0;
      for (;;) {
        const at = compact.indexOf(m.word, from);
        if (at < 0) break;
        const end = at + m.word.length;
        if (!taken.some(([s, e]) => at >= s && end <= e)) {
          taken.push([at, end]);
          if (!out.some((o) => o.word === m.word)) out.push(m);
        }
        from = at + 1;
      }
    }
    return out;
  }
}
