// Reads YAML configuration through a zod schema. Every problem names file:line and the path of the bad value,
// because the person fixing it is an operator looking at the YAML, not at a stack trace.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { modelFile, readModel, writeModel } from './model-file.ts';
import { fromRoot, ROOT } from './paths.ts';

/** A configuration file that cannot be read, parsed or validated; the message lists every problem. */
export class ConfigFileError extends Error {
  override name = 'ConfigFileError';
}

/** Reads and validates `file`; errors start with `[subsystem]` and name the file. */
export function readYamlFile<S extends z.ZodType>(file: string, schema: S, subsystem: string): z.output<S> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigFileError(`[${subsystem}] ${file}: cannot read (${(err as Error).message})`);
  }
  const cache = cacheFileOf(file, source);
  const kept = cache && readModel(cache);
  if (kept !== undefined) {
    const result = schema.safeParse(kept);
    if (result.success) return result.data;
  }
  try {
    return parseYaml(source, schema, basename(file), (data) => cache && writeModel(cache, data));
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigFileError(`[${subsystem}] ${file}: ${err.message}`);
    throw err;
  }
}

/**
 * The project’s own YAML (under ROOT) is kept parsed, as JSON (model-file.ts), in data/cache/yaml, named by the file's path and
 * content: parsing the vocabulary, synonyms and ticket configuration was an eighth of start-up, reading the same
 * data as JSON a small part of that. An edited file has another name, so it is parsed afresh (and validated either
 * way). Files elsewhere (tests' temporary folders) are not kept.
 */
const YAML_CACHE_DIR = fromRoot('data', 'cache', 'yaml');

function cacheFileOf(file: string, source: string): string | undefined {
  const path = relative(ROOT, file);
  if (path.startsWith('..') || path.startsWith('data/')) return undefined;
  const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);
  return modelFile(YAML_CACHE_DIR, `yaml-${hash(path)}`, hash(source));
}

/**
 * The same for text already in hand (tests, embedded defaults). `name` is what error messages call the file;
 * `parsed` receives the plain data once it has validated.
 */
export function parseYaml<S extends z.ZodType>(source: string, schema: S, name: string, parsed?: (data: unknown) => void): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${name}:${lineAt(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`);
    throw new ConfigFileError(`invalid configuration\n${lines.join('\n')}`);
  }
  const data: unknown = doc.toJS() ?? undefined;
  const result = schema.safeParse(data);
  if (result.success) {
    parsed?.(data);
    return result.data;
  }
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    return `${name}:${lineAt(nodeOffset(doc, path))}: ${path.join('.') || '(file)'}: ${issue.message}`;
  });
  throw new ConfigFileError(`invalid configuration\n${lines.join('\n')}`);
}

/** Start offset of the deepest node that exists along a path (a missing key points at its parent). */
function nodeOffset(doc: Document, path: string[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return node.range[0];
  }
  return undefined;
}
