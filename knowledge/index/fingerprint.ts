// The index hash: content + configuration + code. Start-up reuses a saved index only when all three are the
// same, so an edited YAML file, a new synonym, a city value or a changed tokenizer each trigger a rebuild.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { askedFiles, entryFiles } from '../content/load.ts';
import { fromRoot } from '../../lib/paths.ts';

/** Bump when the saved format changes in a way the source hash below would not catch. */
export const INDEX_FORMAT_VERSION = 1;

const knowledgeRoot = fromRoot('knowledge');
// The code that shapes an index: a change to any of these files invalidates saved indexes.
const CODE_DIRS = ['text', 'index', 'content'].map((d) => join(knowledgeRoot, d));
/** Shared code the index depends on too: the dense model's training draws its randomness from it. */
const CODE_FILES = [fromRoot('lib/random.ts')];

let codeHashCache: string | undefined;

function codeHash(): string {
  if (codeHashCache) return codeHashCache;
  const h = createHash('sha256');
  for (const dir of CODE_DIRS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)
      .filter((n) => n.endsWith('.ts'))
      .sort())
      h.update(f).update(readFileSync(join(dir, f)));
  }
  for (const file of CODE_FILES) h.update(file.slice(fromRoot('').length)).update(readFileSync(file));
  codeHashCache = h.digest('hex');
  return codeHashCache;
}

export interface FingerprintInput {
  contentDir: string;
  localDir: string;
  synonymsFile: string;
  dictFile: string;
  /** Settings that change the index (analyzer, lexical, embeddings config without secrets). */
  settings: unknown;
}

export function fingerprint(input: FingerprintInput): string {
  const h = createHash('sha256');
  h.update(`format ${INDEX_FORMAT_VERSION}\n`).update(codeHash()).update(JSON.stringify(input.settings));
  const files = [
    ...entryFiles(input.contentDir),
    ...askedFiles(input.contentDir),
    input.synonymsFile,
    input.dictFile,
    join(input.localDir, 'keys.yaml'),
    join(input.localDir, 'city.yaml'),
  ];
  for (const file of files) {
    h.update(`\n${basename(file)}\n`);
    if (existsSync(file)) h.update(readFileSync(file));
    else h.update('<absent>');
  }
  return h.digest('hex').slice(0, 24);
}
