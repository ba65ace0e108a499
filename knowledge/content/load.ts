// Loads and validates every entry file in knowledge/content/. Every problem names file:line, because the people
// who fix it are content writers looking at the YAML, not at a stack trace.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { compactKey } from '../text/normalize.ts';
import { LocalSettings } from './local.ts';
import { EntrySchema, type Entry } from './schema.ts';
import { fromRoot } from '../../lib/paths.ts';

export type { Entry } from './schema.ts';

/** Files in the content folder that are not lists of entries. */
export const NON_ENTRY_FILES = new Set(['synonyms.yaml', 'topics.yaml']);

const here = fromRoot('knowledge/content');
export const DEFAULT_CONTENT_DIR = here;
export const DEFAULT_LOCAL_DIR = resolve(here, '../local');
/** Labelled user questions, inside a content folder (its own folder, so a test's content has none unless it says so). */
export const ASKED_DIR = 'asked';

export interface ContentIssue {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

export interface LoadedContent {
  entries: Entry[];
  issues: ContentIssue[];
  files: string[];
}

export interface LoadOptions {
  contentDir?: string;
  localDir?: string;
  /** Throw a ContentError when any error is found (default true). */
  strict?: boolean;
}

export class ContentError extends Error {
  constructor(readonly issues: ContentIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(`[knowledge/content] ${errors.length} error(s):\n` + errors.map(formatIssue).join('\n'));
    this.name = 'ContentError';
  }
}

export function formatIssue(i: ContentIssue): string {
  return `${i.file}:${i.line}: ${i.severity}: ${i.message}`;
}

/** The entry files of a content folder, sorted so loading is deterministic. */
export function entryFiles(contentDir: string): string[] {
  return readdirSync(contentDir)
    .filter((f) => f.endsWith('.yaml') && !NON_ENTRY_FILES.has(f))
    .sort()
    .map((f) => join(contentDir, f));
}

export function loadContent(options: LoadOptions = {}): LoadedContent {
  const contentDir = options.contentDir ?? DEFAULT_CONTENT_DIR;
  const local = LocalSettings.load(options.localDir ?? DEFAULT_LOCAL_DIR);
  const files = entryFiles(contentDir);
  const issues: ContentIssue[] = [];
  const entries: Entry[] = [];
  for (const file of files) entries.push(...loadFile(file, local, issues));
  crossCheck(entries, issues);
  for (const file of askedFiles(contentDir)) attachAsked(file, entries, issues);
  if ((options.strict ?? true) && issues.some((i) => i.severity === 'error')) throw new ContentError(issues);
  return { entries, issues, files };
}

function loadFile(file: string, local: LocalSettings, issues: ContentIssue[]): Entry[] {
  const name = basename(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  for (const err of doc.errors) issues.push({ severity: 'error', file: name, line: lineAt(err.pos[0]), message: `YAML: ${err.message.split('\n')[0]}` });
  if (doc.errors.length > 0) return [];
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) {
    issues.push({ severity: 'error', file: name, line: lineAt(doc.contents.range?.[0]), message: 'an entry file must be a YAML list of entries' });
    return [];
  }
  const topic = name.replace(/\.yaml$/, '');
  const entries: Entry[] = [];
  const data = doc.toJS() as unknown[];
  doc.contents.items.forEach((item, index) => {
    const itemLine = lineAt(isNodeWithRange(item) ? item.range[0] : undefined);
    const result = EntrySchema.safeParse(data[index]);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const line = lineOfPath(doc, [index, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], lineAt) ?? itemLine;
        const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
        issues.push({ severity: 'error', file: name, line, message: `entry #${index + 1}: ${where}${issue.message}` });
      }
      return;
    }
    const raw = result.data;
    const source = { file: name, line: itemLine };
    for (const key of LocalSettings.placeholders(raw.answer)) {
      if (!local.keys.has(key)) {
        const line = lineOfPath(doc, [index, 'answer'], lineAt) ?? itemLine;
        issues.push({ severity: 'error', file: name, line, message: `${raw.id}: unknown placeholder {{local.${key}}} (not in knowledge/local/keys.yaml)` });
      }
    }
    for (const key of local.unlabelledFigures(raw.answer)) {
      const line = lineOfPath(doc, [index, 'answer'], lineAt) ?? itemLine;
      issues.push({
        severity: 'warning',
        file: name,
        line,
        message: `${raw.id}: {{local.${key}}} is a local figure: state the national rule, then write it after a label (本市：{{local.${key}}})`,
      });
    }
    if (!raw.id.startsWith(`${topic}-`)) {
      issues.push({ severity: 'warning', file: name, line: itemLine, message: `${raw.id}: id should start with the file topic "${topic}-"` });
    }
    entries.push({ ...raw, answer: local.render(raw.answer), answerTemplate: raw.answer, source } as Entry);
  });
  return entries;
}

/** The labelled-question files of a content folder (asked/*.yaml), sorted. */
export function askedFiles(contentDir: string): string[] {
  const dir = join(contentDir, ASKED_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

const AskedSchema = z.array(z.strictObject({ q: z.string().trim().min(1).max(200), expect: z.string().min(1) }));

/**
 * Adds a file of labelled questions (`- { q: 用户的原话, expect: entry-id }`) to the entries they name. An id may be
 * an alias. A question that is already one of the entry's phrasings adds nothing; one that names an unknown id, or
 * that is another entry's phrasing, is an error: the label would teach the index the wrong entry.
 */
function attachAsked(file: string, entries: Entry[], issues: ContentIssue[]): void {
  const name = `${ASKED_DIR}/${basename(file)}`;
  const lineCounter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined): number => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  for (const err of doc.errors) issues.push({ severity: 'error', file: name, line: lineAt(err.pos[0]), message: `YAML: ${err.message.split('\n')[0]}` });
  if (doc.errors.length > 0) return;
  const parsed = AskedSchema.safeParse(doc.toJS() ?? []);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
      issues.push({ severity: 'error', file: name, line: lineOfPath(doc, path, lineAt) ?? 1, message: `${path.join('.')}: ${issue.message}` });
    }
    return;
  }
  const byId = new Map<string, Entry>();
  const owner = new Map<string, Entry>();
  for (const e of entries) {
    for (const id of [e.id, ...e.aliases]) byId.set(id, e);
    for (const p of [e.question, ...e.alternates, ...(e.asked ?? [])]) owner.set(compactKey(p), e);
  }
  parsed.data.forEach(({ q, expect }, index) => {
    const line = lineOfPath(doc, [index], lineAt) ?? 1;
    const entry = byId.get(expect);
    if (!entry) return issues.push({ severity: 'error', file: name, line, message: `"${q}": no entry "${expect}"` });
    const key = compactKey(q);
    const other = owner.get(key);
    if (other === entry) return;
    if (other) return issues.push({ severity: 'error', file: name, line, message: `"${q}" is labelled ${expect} but is a phrasing of ${other.id}` });
    owner.set(key, entry);
    (entry.asked ??= []).push(q);
  });
}

/** Duplicate ids or aliases, phrasings shared by two entries, related ids that do not exist. */
function crossCheck(entries: Entry[], issues: ContentIssue[]): void {
  const byId = new Map<string, Entry>();
  for (const e of entries) {
    const first = byId.get(e.id);
    if (first) {
      issues.push({
        severity: 'error',
        file: e.source.file,
        line: e.source.line,
        message: `duplicate id "${e.id}" (first at ${first.source.file}:${first.source.line})`,
      });
    } else byId.set(e.id, e);
  }
  for (const e of entries) {
    for (const alias of e.aliases) {
      const other = byId.get(alias);
      if (other)
        issues.push({
          severity: 'error',
          file: e.source.file,
          line: e.source.line,
          message: `${e.id}: alias "${alias}" is already the id or an alias of ${other.id}`,
        });
      else byId.set(alias, e);
    }
  }
  const owner = new Map<string, Entry>();
  for (const e of entries) {
    const seenHere = new Set<string>();
    for (const phrasing of [e.question, ...e.alternates]) {
      const key = compactKey(phrasing);
      if (key === '') continue;
      if (seenHere.has(key)) {
        issues.push({ severity: 'warning', file: e.source.file, line: e.source.line, message: `${e.id}: phrasing "${phrasing}" repeated within the entry` });
        continue;
      }
      seenHere.add(key);
      const other = owner.get(key);
      if (other && other.id !== e.id) {
        issues.push({
          severity: 'error',
          file: e.source.file,
          line: e.source.line,
          message: `${e.id}: phrasing "${phrasing}" also belongs to ${other.id} (${other.source.file}:${other.source.line})`,
        });
      } else owner.set(key, e);
    }
  }
  for (const e of entries) {
    for (const rel of e.related) {
      if (rel === e.id || byId.get(rel) === e)
        issues.push({ severity: 'warning', file: e.source.file, line: e.source.line, message: `${e.id}: related lists the entry itself` });
      else if (!byId.has(rel))
        issues.push({ severity: 'error', file: e.source.file, line: e.source.line, message: `${e.id}: related id "${rel}" does not exist` });
    }
  }
}

function isNodeWithRange(node: unknown): node is { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

/** The line of the deepest node that exists along a path (so a bad list item points at the item itself). */
function lineOfPath(doc: Document, path: (string | number)[], lineAt: (o: number | undefined) => number): number | undefined {
  for (let len = path.length; len > 0; len--) {
    const node: unknown = doc.getIn(path.slice(0, len), true);
    if (isNodeWithRange(node)) return lineAt(node.range[0]);
  }
  return undefined;
}
