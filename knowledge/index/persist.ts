// Saves a snapshot under <dir>/<hash>/ and finds it again by hash. A version directory is written under a
// temporary name and renamed into place, so a crash or a concurrent build never leaves a half-written index
// where start-up would read it.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry } from '../content/schema.ts';
import type { Analyzer } from '../text/analyzer.ts';
import { PinyinCorrector } from '../text/pinyin.ts';
import { DenseChannel, type EmbeddingsConfig } from './dense.ts';
import { LexicalIndex } from './lexical.ts';
import { IndexSnapshot } from './snapshot.ts';

const SNAPSHOT_FILE = 'snapshot.json';
/** Version directories kept besides the current one (a rollback target), older ones are removed. */
const KEEP_VERSIONS = 3;

interface SavedSnapshot {
  hash: string;
  builtAt: string;
  entries: Entry[];
  phrasings: string[];
  docEntry: number[];
  corrector: [string, string][];
  /** The KB's own words (IndexSnapshot.known). */
  known: string[];
}

export function versionDir(root: string, hash: string): string {
  return join(root, hash);
}

export function hasSnapshot(root: string, hash: string): boolean {
  return existsSync(join(versionDir(root, hash), SNAPSHOT_FILE));
}

export async function saveSnapshot(root: string, snapshot: IndexSnapshot): Promise<string> {
  const final = versionDir(root, snapshot.info.hash);
  if (hasSnapshot(root, snapshot.info.hash)) return final;
  await mkdir(root, { recursive: true });
  const tmp = join(root, `.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  await mkdir(tmp);
  try {
    await writeFile(join(tmp, 'lexical.bin'), snapshot.lexical.toBuffer());
    await writeFile(join(tmp, 'entry-lexical.bin'), snapshot.entryLexical.toBuffer());
    if (snapshot.dense) await snapshot.dense.save(tmp);
    const saved: SavedSnapshot = {
      hash: snapshot.info.hash,
      builtAt: snapshot.info.builtAt,
      entries: [...snapshot.entries],
      phrasings: [...snapshot.phrasings],
      docEntry: Array.from(snapshot.docEntry),
      corrector: snapshot.analyzer.corrector?.toJSON() ?? [],
      known: [...snapshot.known],
    };
    // Written last: its presence is what marks the version complete.
    await writeFile(join(tmp, SNAPSHOT_FILE), JSON.stringify(saved));
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process finished the same version first: theirs is as good as ours.
    if (hasSnapshot(root, snapshot.info.hash)) return final;
    throw new Error(`[knowledge/index] cannot save index to ${final}: ${(err as Error).message}`);
  }
  await prune(root, snapshot.info.hash);
  return final;
}

export async function loadSnapshot(
  root: string,
  hash: string,
  baseAnalyzer: Analyzer,
  embeddings: EmbeddingsConfig,
  onError: (err: Error) => void,
): Promise<IndexSnapshot> {
  const started = performance.now();
  const dir = versionDir(root, hash);
  const saved = JSON.parse(await readFile(join(dir, SNAPSHOT_FILE), 'utf8')) as SavedSnapshot;
  if (saved.hash !== hash) throw new Error(`[knowledge/index] ${dir} holds hash ${saved.hash}, expected ${hash}`);
  const lexical = LexicalIndex.fromBuffer(await readFile(join(dir, 'lexical.bin')));
  const entryLexical = LexicalIndex.fromBuffer(await readFile(join(dir, 'entry-lexical.bin')));
  const known = new Set(saved.known);
  const analyzer = baseAnalyzer.withVocabulary((w) => known.has(w), PinyinCorrector.fromJSON(saved.corrector));
  const docEntry = Int32Array.from(saved.docEntry);
  const docs = saved.phrasings.map((text, i) => ({ text, entryId: (saved.entries[docEntry[i] as number] as Entry).id }));
  const dense = await DenseChannel.load(dir, embeddings, analyzer, docs, onError);
  const info = { hash, builtAt: saved.builtAt, reused: true, millis: performance.now() - started };
  return new IndexSnapshot(saved.entries, saved.phrasings, docEntry, analyzer, lexical, entryLexical, dense, info, known);
}

async function prune(root: string, current: string): Promise<void> {
  const stale = Date.now() - 3_600_000;
  for (const n of (await readdir(root)).filter((n) => n.startsWith('.tmp-'))) {
    const s = await stat(join(root, n)).catch(() => undefined);
    if (s && s.mtimeMs < stale) await rm(join(root, n), { recursive: true, force: true }); // left by a crashed build
  }
  const names = (await readdir(root)).filter((n) => n !== current && /^[0-9a-f]{16,}$/.test(n));
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(root, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  for (const { n } of dated.slice(KEEP_VERSIONS - 1)) await rm(join(root, n), { recursive: true, force: true });
}
