// The shape of one knowledge-base entry, as written in knowledge/content/*.yaml (see README.md there).
import { z } from 'zod';
import { ASKS } from '../decision/ask.ts';

export const CATEGORIES = [
  '社保登记与缴费',
  '养老保险',
  '医疗保险',
  '生育保险',
  '工伤保险',
  '失业保险',
  '住房公积金',
  '社保卡',
  '社保费征收',
  '减负政策',
  '办事渠道',
] as const;

export const DEPARTMENTS = ['社会保险经办机构', '人力资源和社会保障部门', '医疗保障部门', '住房公积金管理中心', '税务部门', '12345热线'] as const;

export type Category = (typeof CATEGORIES)[number];
export type Department = (typeof DEPARTMENTS)[number];

export const MIN_ALTERNATES = 6;
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const text = z.string().trim().min(1, 'must not be empty');

// YAML 1.2 reads 2026-11-29 as a string; a YAML 1.1 writer may produce a Date. Accept both.
const reviewedDate = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), z.string().regex(ISO_DATE, 'must be a date YYYY-MM-DD'));

export const EntrySchema = z.strictObject({
  id: z.string().regex(KEBAB, 'must be lowercase kebab-case (e.g. yibao-yidi-beian)'),
  question: text,
  alternates: z.array(text).min(MIN_ALTERNATES, `needs at least ${MIN_ALTERNATES} alternates`),
  answer: text,
  category: z.enum(CATEGORIES),
  department: z.enum(DEPARTMENTS),
  basis: z.array(text).min(1, 'needs at least one policy basis'),
  scope: z.enum(['全国', '地方']),
  reviewed: reviewedDate,
  related: z.array(z.string().regex(KEBAB, 'related ids are kebab-case')).max(4).default([]),
  /**
   * Ids this entry replaced when entries were merged: they still resolve to it (stored conversations, eval
   * expectations, related lists), and are never reused for another entry.
   */
  aliases: z.array(z.string().regex(KEBAB, 'aliases are kebab-case ids')).default([]),
  /**
   * What the answer answers (how, how_much, how_long, whether, materials, where, when, who, what, why), when the
   * phrasings alone would mislead: otherwise it is inferred from the question, the alternates and the answer's
   * headings (**所需材料**, **办理地点** …).
   */
  asks: z.array(z.enum(ASKS)).optional(),
});

export type RawEntry = z.infer<typeof EntrySchema>;

/** Where an entry was written, so every later report can point at it. */
export interface SourceRef {
  file: string;
  line: number;
}

/** A validated entry with its answer rendered for this city. */
export interface Entry extends RawEntry {
  category: Category;
  department: Department;
  /** The answer as written, with {{local.KEY}} placeholders still in it. */
  answerTemplate: string;
  source: SourceRef;
  /**
   * Questions users asked that this entry answers (asked/*.yaml), labelled by people: the index learns from them
   * like alternates, but they are not content (never shown, never held out as the dev set's test phrasings).
   */
  asked?: string[];
}
