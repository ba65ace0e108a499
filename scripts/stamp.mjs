// What the built server was built from: paths, sizes and modification times of the code it bundles and of the
// lockfile. `npm start` rebuilds when this changes (a first start, a pull, an edit), and only then.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
const CODE_DIRS = ['app', 'bot', 'adapters', 'knowledge', 'storage', 'http', 'log', 'lib', 'outbox', 'insights', 'tickets', 'desk', 'web', 'scripts'];
const CODE = /\.(ts|tsx|mjs|html|css)$/;
const SKIP = new Set(['node_modules', 'dist', 'eval', 'content', 'local', 'config', 'examples']);

function* codeFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (!SKIP.has(name)) yield* codeFiles(path);
    } else if (CODE.test(name)) yield [path, stat];
  }
}

export function sourceStamp(root = ROOT) {
  const hash = createHash('sha256');
  for (const dir of CODE_DIRS) {
    const path = join(root, dir);
    if (!existsSync(path)) continue;
    for (const [file, stat] of codeFiles(path)) hash.update(`${relative(root, file)}\0${stat.size}\0${Math.trunc(stat.mtimeMs)}\n`);
  }
  for (const file of ['package-lock.json', 'package.json']) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(`${file}\0${statSync(path).mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 32);
}
