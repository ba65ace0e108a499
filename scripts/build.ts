// `npm run build`: the server as one bundle (dist/server.mjs) and the browser pages (web/dist). `npm start` runs it
// when the stamp shows the sources changed. Loading one bundle instead of thousands of modules through tsx is most
// of what start-up used to cost.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildPages } from '../web/build.ts';
import { ROOT, sourceStamp } from './stamp.mjs';

/** Native addons and what is loaded only when configured stay outside the bundle (node_modules at run time). */
const EXTERNAL = [
  'better-sqlite3',
  'hnswlib-node',
  '@node-rs/jieba',
  '@node-rs/argon2',
  'pg-native',
  'dtrace-provider',
  'wechaty',
  'wechaty-puppet',
  'wechaty-puppet-*',
  'qrcode',
  'esbuild',
  'playwright-core',
  'tsx',
];

export interface ServerBuild {
  file: string;
  /** The entry chunk, read at start. */
  bytes: number;
  /** Every chunk. */
  totalBytes: number;
  millis: number;
}

export async function buildServer(outDir = join(ROOT, 'dist')): Promise<ServerBuild> {
  const started = performance.now();
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'server.mjs');
  rmSync(join(outDir, 'chunks'), { recursive: true, force: true });
  const result = await build({
    entryPoints: { server: join(ROOT, 'app/main.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    // What the code imports lazily (dialogs and their recognizers, PostgreSQL, Redis, WeChat channels) becomes
    // separate chunks, read only when first used: start-up parses a third of the code.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: EXTERNAL,
    // CommonJS packages inside an ES module bundle still call require() and read __dirname: give them both.
    banner: {
      js: [
        "import { createRequire as __lineoneRequire } from 'node:module';",
        "import { dirname as __lineoneDirname } from 'node:path';",
        "import { fileURLToPath as __lineoneFileURLToPath } from 'node:url';",
        'const require = __lineoneRequire(import.meta.url);',
        'const __filename = __lineoneFileURLToPath(import.meta.url);',
        'const __dirname = __lineoneDirname(__filename);',
      ].join(' '),
    },
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'error',
    metafile: true,
    absWorkingDir: ROOT,
  });
  const outputs = Object.entries(result.metafile.outputs).filter(([name]) => name.endsWith('.mjs'));
  for (const [name] of outputs) latin1Only(join(ROOT, name));
  writeFileSync(join(outDir, 'stamp'), sourceStamp());
  const bytes = outputs.find(([name]) => name.endsWith('server.mjs'))?.[1].bytes ?? 0;
  const total = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
  return { file, bytes, totalBytes: total, millis: performance.now() - started };
}

/**
 * V8 keeps every script's source in memory, and one character above U+00FF anywhere makes it store the whole source
 * at two bytes a character: 10 MB of the idle heap for these bundles. esbuild already escapes strings and
 * identifiers; what it leaves are comments and regular expression literals (其他部门的词, 〇), where \uXXXX means the
 * same character. U+2028/U+2029 can only be line breaks there, and stay line breaks.
 */
function latin1Only(file: string): void {
  const code = readFileSync(file, 'utf8');
  if (!/[^\u0000-\u00ff]/.test(code)) return;
  const escaped = code.replace(/[^\u0000-\u00ff]/g, (c) => (c === '\u2028' || c === '\u2029' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  writeFileSync(file, escaped);
}

async function main(): Promise<void> {
  const pages = await buildPages();
  const server = await buildServer();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  process.stdout.write(
    `line-one: built ${server.file} (${(server.bytes / 2 ** 20).toFixed(1)} MB read at start, ${(server.totalBytes / 2 ** 20).toFixed(1)} MB in all) in ${server.millis.toFixed(0)} ms; pages: webchat.js ${kb(pages.widget.gzipBytes)}, desk ${kb(pages.desk.gzipBytes)} gzip\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`line-one: build failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
