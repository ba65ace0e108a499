// Builds the embeddable widget into one self-contained file: web/dist/webchat.js (+ the demo page).
// Usage: npm run build:web   (tsx web/build.ts)
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const webDir = dirname(fileURLToPath(import.meta.url));
/** Budget for the gzipped bundle: the widget loads on every page of the host site. */
export const GZIP_BUDGET_BYTES = 30 * 1024;

export interface BuildResult {
  file: string;
  bytes: number;
  gzipBytes: number;
}

const kb = (n: number) => (n / 1024).toFixed(1) + ' KB';

export async function buildWeb(outDir = join(webDir, 'dist')): Promise<BuildResult> {
  const result = await build({
    entryPoints: [join(webDir, 'widget', 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    platform: 'browser',
    write: false,
    legalComments: 'none',
    // charset stays ASCII (the default): Chinese strings become \u escapes, so the widget still
    // works on GBK-encoded host pages and when the server omits "charset=utf-8".
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'webchat.js');
  writeFileSync(file, code);
  copyFileSync(join(webDir, 'demo', 'index.html'), join(outDir, 'index.html'));
  return { file, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

async function main(): Promise<void> {
  const started = Date.now();
  const { bytes, gzipBytes } = await buildWeb();
  console.log(`webchat.js ${kb(bytes)} (gzip ${kb(gzipBytes)}) in ${Date.now() - started} ms`);
  if (gzipBytes > GZIP_BUDGET_BYTES) {
    console.error(`webchat.js is over the gzip budget of ${kb(GZIP_BUDGET_BYTES)}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
