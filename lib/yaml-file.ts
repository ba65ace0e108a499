// Reads YAML configuration through a zod schema. Every problem names file:line and the path of the bad value,
// because the person fixing it is an operator looking at the YAML, not at a stack trace.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

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
  try {
    return parseYaml(source, schema, basename(file));
  } catch (err) {
    if (err instanceof ConfigFileError) throw new ConfigFileError(`[${subsystem}] ${file}: ${err.message}`);
    throw err;
  }
}

/** The same for text already in hand (tests, embedded defaults). `name` is what error messages call the file. */
export function parseYaml<S extends z.ZodType>(source: string, schema: S, name: string): z.output<S> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => `${name}:${lineAt(e.pos[0])}: YAML: ${e.message.split('\n')[0]}`);
    throw new ConfigFileError(`invalid configuration\n${lines.join('\n')}`);
  }
  const result = schema.safeParse(doc.toJS() ?? undefined);
  if (result.success) return result.data;
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
