// A trained model saved beside the data (data/models/<kind>-<hash>.bin): named by a hash of everything it was
// trained from, so a start with the same inputs loads it instead of training again. Written under a temporary name
// and renamed (a crash never leaves half a model), older models of the same kind removed. An unreadable file or a
// read-only directory only costs a training. The model's typed arrays (weights, idf) are stored as raw bytes
// (binary.ts), the rest as JSON: reading a triage model whose weights were base64 inside JSON took a tenth of start-up.
import type { Hash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isTyped, pack, unpack, type Typed } from './binary.ts';
import { ROOT } from './paths.ts';

/** Where a typed array stood in the model: `{ [ARRAY]: name }` in the JSON header. */
const ARRAY = '$array';

/** The file a model of this kind, trained on inputs hashing to `key`, is saved in. */
export function modelFile(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${key}.bin`);
}

/** The saved model, or undefined when there is none or it cannot be read (a disk problem, a hand edit). */
export function readModel<T>(file: string): T | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const { header, arrays } = unpack<unknown>(readFileSync(file));
    return withArrays(header, arrays) as T;
  } catch {
    return undefined;
  }
}

/** The header with each `{ $array: name }` replaced by its array. */
function withArrays(value: unknown, arrays: Record<string, Typed>): unknown {
  if (Array.isArray(value)) return value.map((v) => withArrays(v, arrays));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (ARRAY in record) {
    const array = arrays[String(record[ARRAY])];
    if (!array) throw new Error(`model file: array ${String(record[ARRAY])} missing`);
    return array;
  }
  for (const key of Object.keys(record)) record[key] = withArrays(record[key], arrays);
  return record;
}

/** The model with each typed array moved into `arrays` and replaced by `{ $array: name }`. */
function withoutArrays(value: unknown, arrays: Record<string, Typed>): unknown {
  if (isTyped(value)) {
    const name = String(Object.keys(arrays).length);
    arrays[name] = value;
    return { [ARRAY]: name };
  }
  if (Array.isArray(value)) return value.map((v) => withoutArrays(v, arrays));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, withoutArrays(v, arrays)]));
}

/** Saves a model and removes the older ones of its kind; never throws. */
export function writeModel(file: string, model: unknown): void {
  const dir = dirname(file);
  const kind = basename(file).replace(/-[^-]*\.[a-z]+$/, '-');
  try {
    const arrays: Record<string, Typed> = {};
    const header = withoutArrays(model, arrays);
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, pack(header, arrays));
    renameSync(tmp, file);
    for (const old of readdirSync(dir).filter((n) => n.startsWith(kind) && join(dir, n) !== file)) rmSync(join(dir, old), { force: true });
  } catch {
    // a read-only data directory: trained again at the next start
  }
}

/** Adds files (path from the repository root, then contents) to a model's key. */
export function hashFiles(hash: Hash, files: readonly string[]): Hash {
  for (const file of files) hash.update(`\n${relative(ROOT, file)}\n`).update(existsSync(file) ? readFileSync(file) : '<absent>');
  return hash;
}
