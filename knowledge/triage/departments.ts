// Other departments' matters (发票 → 税务部门, 营业执照 → 市场监督管理部门, 落户 → 公安机关): the words of
// vocabulary.yaml, read through the KB's synonym table so that they meet the question in the same canonical form.
import type { DepartmentRule, TicketCategory } from './vocabulary.ts';

export interface DepartmentMatch {
  key: TicketCategory;
  department: string;
  /** The canonical word that matched. */
  word: string;
}

/** Words that say who someone is, not whose matter a message is (vocabulary.yaml's qualifiers and workers). */
export interface WhoSomeoneIs {
  /** Always shadow the department's word inside them (农村户口). */
  qualifiers?: readonly string[];
  /** Shadow it in a message about the KB's matters only (孩子上学). */
  kbQualifiers?: readonly string[];
  /** Whether a compact message names one of the KB's terms. */
  aboutTheKb?: (compact: string) => boolean;
  /** After a department's word, or as one, someone who works there (快递员, 出租车司机, 护士). */
  workers?: readonly string[];
}

interface Scan {
  matches: readonly DepartmentMatch[];
  workplaces: readonly string[];
}

/** What may stand between a workplace and its worker: 物业公司员工, 医院的护士, 酒店行业的人. */
const LINKS = '公司的|公司|行业的|行业|单位的|单位|的|店的|店|里的';

export class DepartmentMatcher {
  /**
   * Longest word first, so 出租车 (交通) wins over 出租 (住建) inside it. A qualifier (农村户口) has no match: it
   * only takes its span, so the department's word inside it (户口) does not count. A KB-matter qualifier does so only
   * in a message about the KB's matters (`aboutTheKb`: it names one of its terms): 孩子上学 is who the insured is in
   * 孩子上学医保在哪交, and the matter itself in 孩子上学的事找谁.
   */
  private readonly words: Array<{ word: string; match?: DepartmentMatch; inKbMatters?: boolean }>;
  private readonly aboutTheKb: (compact: string) => boolean;
  /** Who works somewhere, right after a department's word (员, 司机, 护士 …), in a message about the KB's matters. */
  private readonly worker: RegExp | undefined;
  private readonly workers: ReadonlySet<string>;
  /** Word positions in `words` by first character: a text is scanned once, not once per word. */
  private readonly byFirst = new Map<string, number[]>();

  constructor(rules: readonly DepartmentRule[], canonical: (word: string) => string, who: WhoSomeoneIs = {}) {
    const { qualifiers = [], kbQualifiers = [], aboutTheKb = () => true, workers = [] } = who;
    this.aboutTheKb = aboutTheKb;
    const people = workers
      .map((w) => canonical(w).replace(/\s+/g, ''))
      .filter((w) => w !== '')
      .sort((a, b) => b.length - a.length);
    this.workers = new Set(people);
    this.worker = people.length > 0 ? new RegExp(`^(?:${LINKS})?(?:${people.join('|')})`) : undefined;
    const seen = new Set<string>();
    this.words = [];
    const add = (raw: string, match?: Omit<DepartmentMatch, 'word'>, inKbMatters = false) => {
      const word = canonical(raw).replace(/\s+/g, '');
      if (word === '' || seen.has(word)) return;
      seen.add(word);
      this.words.push(match ? { word, match: { ...match, word } } : { word, inKbMatters });
    };
    for (const word of qualifiers) add(word);
    for (const word of kbQualifiers) add(word, undefined, true);
    for (const rule of rules) for (const word of rule.words) add(word, { key: rule.key, department: rule.department });
    this.words.sort((a, b) => b.word.length - a.word.length);
    this.words.forEach((m, order) => {
      const first = m.word[0] as string;
      const list = this.byFirst.get(first);
      if (list) list.push(order);
      else this.byFirst.set(first, [order]);
    });
  }

  /** The last text looked up: one message is checked for other departments' words up to three times. */
  private last: ({ compact: string } & Scan) | undefined;

  /** Every match in a compact canonical text, longest first; a word inside a longer match does not count again. */
  find(compact: string): readonly DepartmentMatch[] {
    return this.scanned(compact).matches;
  }

  /** The departments' words that only said where or who someone works as (快递 in 快递员社保谁交, 护士). */
  workplaces(compact: string): readonly string[] {
    return this.scanned(compact).workplaces;
  }

  private scanned(compact: string): Scan {
    if (this.last?.compact !== compact) this.last = { compact, ...this.scan(compact) };
    return this.last;
  }

  private scan(compact: string): Scan {
    // Every occurrence of every word, then taken in the words' order (longest first), each word's left to right.
    let aboutTheKb: boolean | undefined;
    const found: Array<{ order: number; at: number; shadowed: boolean }> = [];
    for (let at = 0; at < compact.length; at++) {
      for (const order of this.byFirst.get(compact[at] as string) ?? []) {
        const { word, match, inKbMatters } = this.words[order] as { word: string; match?: DepartmentMatch; inKbMatters?: boolean };
        if (!compact.startsWith(word, at)) continue;
        // A department's word that says where someone works (快递员, 出租车司机), or who (护士), qualifies like a qualifier.
        const worksThere = match !== undefined && (this.workers.has(word) || this.worker?.test(compact.slice(at + word.length)) === true);
        const inKb = (inKbMatters || worksThere) && (aboutTheKb ??= this.aboutTheKb(compact));
        if (inKbMatters && !inKb) continue;
        found.push({ order, at, shadowed: worksThere && inKb });
      }
    }
    found.sort((a, b) => a.order - b.order || a.at - b.at);
    const matches: DepartmentMatch[] = [];
    const workplaces: string[] = [];
    const taken: Array<[number, number]> = [];
    for (const { order, at, shadowed } of found) {
      const { word, match } = this.words[order] as { word: string; match?: DepartmentMatch };
      const end = at + word.length;
      if (!taken.some(([s, e]) => at >= s && end <= e)) {
        taken.push([at, end]);
        if (shadowed) workplaces.push(word);
        else if (match && !matches.some((o) => o.word === word)) matches.push(match);
      }
    }
    return { matches, workplaces };
  }
}
