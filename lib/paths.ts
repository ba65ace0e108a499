import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository root, where content, configuration and built pages live. Every module finds its files from
 * here rather than from its own location, so the same code runs from source (tsx) and from the server bundle,
 * whose chunks sit at other depths: the root is the nearest folder above that holds Line One's package.json.
 * LINEONE_ROOT overrides it for an installation that keeps the bundle elsewhere.
 */
export const ROOT = process.env.LINEONE_ROOT ? resolve(process.env.LINEONE_ROOT) : findRoot(import.meta.dirname);

/** A path under the repository root. */
export const fromRoot = (...parts: string[]): string => resolve(ROOT, ...parts);

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"line-one"/.test(readFileSync(manifest, 'utf8'))) return dir;
    if (dirname(dir) === dir) return resolve(start, '..');
  }
}
