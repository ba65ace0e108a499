// Loads triage/vocabulary.yaml: small talk, requests for a person, handoff cues, other departments' matters and
// follow-up words, validated with zod and compiled once into matchers. Everything matches normalized compact text.
import { z } from 'zod';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { compactKey } from '../text/normalize.ts';
import { allReadings, syllables } from '../text/pinyin.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_VOCABULARY_FILE = fromRoot('knowledge/triage/vocabulary.yaml');

/** The hotline's ticket categories: every department the vocabulary names carries one of these keys. */
export const TICKET_CATEGORIES = [
  '社保',
  '医保',
  '公积金',
  '工伤',
  '失业',
  '就业人才',
  '税务',
  '市场监管',
  '城市管理',
  '住建',
  '交通',
  '生态环境',
  '教育',
  '卫生健康',
  '商务',
  '公安',
  '其他',
] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];

/**
 * Highest priority first. `unclear` (没看懂) and `repeat` (再说一遍) ask about the last reply: they outrank an
 * acknowledgement said with them (好的 再说一遍).
 */
export const SMALL_TALK_ACTS = ['goodbye', 'identity', 'unclear', 'repeat', 'thanks', 'greeting'] as const;
export type SmallTalkAct = (typeof SMALL_TALK_ACTS)[number];

export const CUE_REASONS = ['urgent', 'complaint', 'personal_case', 'personal_data'] as const;
export type CueReason = (typeof CUE_REASONS)[number];

const words = z.array(z.union([z.string(), z.number()]).transform(String)).default([]);
const regexSource = z.string().refine(
  (s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const VocabularySchema = z.strictObject({
  small_talk: z.strictObject({
    goodbye: words,
    identity: words,
    unclear: words.default([]),
    repeat: words.default([]),
    thanks: words,
    greeting: words,
    fillers: words,
  }),
  human: z.strictObject({ whole: words, patterns: z.array(regexSource).default([]) }),
  cues: z.array(
    z.strictObject({
      reason: z.enum(CUE_REASONS),
      explanation: z.string().min(1),
      patterns: z.array(regexSource).min(1),
      unless: z.array(z.string()).default([]),
      even_so: z.array(regexSource).default([]),
    }),
  ),
  how_to: z.record(z.string(), z.array(regexSource)),
  departments: z.array(z.strictObject({ key: z.enum(TICKET_CATEGORIES), department: z.string().min(1), words: words })),
  qualifiers: words,
  qualifiers_in_kb_matters: words.default([]),
  workers: words.default([]),
  followup: z.strictObject({
    generic: words,
    swap: z.array(regexSource).min(1),
    swap_in_context: z.array(regexSource).default([]),
    families: z.record(z.string(), words).default({}),
  }),
});
export type RawVocabulary = z.infer<typeof VocabularySchema>;

export interface Cue {
  reason: CueReason | 'human_request';
  explanation: string;
  pattern: RegExp;
  /** The cue stands down when this matches too (the message asks how, rather than asking for action). */
  unless?: RegExp;
  /** …but not when this matches as well (asking how to complain about one's own employer is a complaint). */
  evenSo?: RegExp;
}

export interface DepartmentRule {
  key: TicketCategory;
  department: string;
  /** As users type them (normalized, compact); the KB compiles them through its synonym table. */
  words: string[];
}

export interface Vocabulary {
  /** Phrase → act, for whole-message small talk; fillers map to undefined. */
  smallTalk: ReadonlyMap<string, SmallTalkAct | undefined>;
  longestSmallTalk: number;
  humanWhole: ReadonlySet<string>;
  /** The syllables of the whole-message requests for a person (人工客服 → ren gong ke fu): a slip of the input method. */
  humanWholeSounds: ReadonlySet<string>;
  /** Every syllable of those: a message with a character that can be read as none of them sounds like no request. */
  humanWholeSyllables: ReadonlySet<string>;
  human: RegExp;
  /** human_request first, then the file's cues in order. */
  cues: readonly Cue[];
  departments: readonly DepartmentRule[];
  /** Words that hold a department's word but say who or where (农村户口, 户籍地), not that department's matter. */
  qualifiers: readonly string[];
  /** The same, but only in a message that names one of the KB's terms (孩子上学 in 孩子上学医保在哪交, not in 孩子上学的事找谁). */
  kbQualifiers: readonly string[];
  /** Words for someone who works somewhere: after a department's word (快递员, 医院护士) it says where, not whose matter. */
  workers: readonly string[];
  generic: readonly string[];
  swap: readonly RegExp[];
  /** Swaps that are only read as such within a conversation (alone, 个体户可以吗 is a question of its own). */
  swapInContext: readonly RegExp[];
  /** Family (slot) → its words: a swapped subject drops the last question's words of its family. */
  families: ReadonlyMap<string, readonly string[]>;
}

/** Every character is a Chinese character. */
export const isAllHan = (text: string): boolean => /^\p{Script=Han}+$/u.test(text);

/** What a short all-Han message sounds like, tones aside (人公客服 and 人工客服 alike: ren gong ke fu). */
export const soundOf = (text: string): string => syllables(text).join(' ');

/**
 * Whether each character can be read as one of the syllables (any of its readings: 行 is xing and hang; cached per
 * character): the whole message's sound (context-aware, tens of µs) is then computed only for the few that pass.
 */
export function eachCharReadsAs(text: string, allowed: ReadonlySet<string>): boolean {
  for (const char of text) if (!allReadings(char).some((r) => allowed.has(r))) return false;
  return true;
}

const anyOf = (sources: readonly string[]): RegExp => new RegExp(sources.length > 0 ? sources.map((s) => `(?:${s})`).join('|') : '(?!)');

export function compileVocabulary(raw: RawVocabulary, file = 'vocabulary.yaml'): Vocabulary {
  const smallTalk = new Map<string, SmallTalkAct | undefined>();
  for (const w of raw.small_talk.fillers) smallTalk.set(compactKey(w), undefined);
  // Set in reverse priority order, so a phrase listed under two acts keeps the one that wins (goodbye over thanks).
  for (const act of [...SMALL_TALK_ACTS].reverse()) for (const w of raw.small_talk[act]) smallTalk.set(compactKey(w), act);
  smallTalk.delete('');
  const human = anyOf(raw.human.patterns);
  const cues: Cue[] = [{ reason: 'human_request', explanation: '用户要求人工服务', pattern: human }];
  for (const c of raw.cues) {
    const unknown = c.unless.filter((name) => !(name in raw.how_to));
    if (unknown.length > 0) throw new Error(`[knowledge/triage] ${file}: cue ${c.reason} names unknown how_to list(s): ${unknown.join(', ')}`);
    cues.push({
      reason: c.reason,
      explanation: c.explanation,
      pattern: anyOf(c.patterns),
      unless: c.unless.length > 0 ? anyOf(c.unless.flatMap((n) => raw.how_to[n] ?? [])) : undefined,
      evenSo: c.even_so.length > 0 ? anyOf(c.even_so) : undefined,
    });
  }
  // The whole-message requests in characters only: what an input-method slip turns into other characters.
  const hanRequests = raw.human.whole.map(compactKey).filter(isAllHan);
  return {
    smallTalk,
    longestSmallTalk: Math.max(1, ...[...smallTalk.keys()].map((k) => k.length)),
    humanWhole: new Set(raw.human.whole.map(compactKey)),
    humanWholeSounds: new Set(hanRequests.map(soundOf)),
    humanWholeSyllables: new Set(hanRequests.flatMap((w) => syllables(w))),
    human,
    cues,
    departments: raw.departments.map((d) => ({ key: d.key, department: d.department, words: d.words.map(compactKey).filter((w) => w !== '') })),
    qualifiers: raw.qualifiers.map(compactKey).filter((w) => w !== ''),
    kbQualifiers: raw.qualifiers_in_kb_matters.map(compactKey).filter((w) => w !== ''),
    workers: raw.workers.map(compactKey).filter((w) => w !== ''),
    generic: raw.followup.generic.map(compactKey).filter((w) => w !== ''),
    swap: raw.followup.swap.map((s) => new RegExp(s)),
    swapInContext: raw.followup.swap_in_context.map((s) => new RegExp(s)),
    families: new Map(Object.entries(raw.followup.families).map(([family, list]) => [family, list.map(compactKey).filter((w) => w !== '')])),
  };
}

export function loadVocabulary(file = DEFAULT_VOCABULARY_FILE): Vocabulary {
  return compileVocabulary(readYamlFile(file, VocabularySchema, 'knowledge/triage'), file);
}

let defaultVocabulary: Vocabulary | undefined;

/** The project's vocabulary, read once (the KB re-reads its own on reload). */
export function projectVocabulary(): Vocabulary {
  defaultVocabulary ??= loadVocabulary();
  return defaultVocabulary;
}
