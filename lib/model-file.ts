// A trained model saved beside the data (data/models/<kind>-<hash>.json): named by a hash of everything it was
// trained from, so a start with the same inputs loads it instead of training again. Written under a temporary name
// and renamed (a crash never leaves half a model), older models of the same kind removed. An unreadable file or a
// read-only directory only costs a training.
import type { Hash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ROOT } from './paths.ts';

/** The file a model of this kind, trained on inputs hashing to `key`, is saved in. */
export function modelFile(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${key}.json`);
}

/** The saved model, or undefined when there is none or it cannot be read (a disk problem, a hand edit). */
export function readModel<T>(file: string): T | undefined {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Saves a model and removes the older ones of its kind; never throws. */
export function writeModel(file: string, model: unknown): void {
  const dir = dirname(file);
  const kind = basename(file).replace(/-[^-]*\.json$/, '-');
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(model));
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
