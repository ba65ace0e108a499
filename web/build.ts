// Builds the embeddable widget into one self-contained file: web/dist/webchat.js (+ the demo page), and the agents'
// console into web/dist/desk/ (desk.js, desk.css, index.html).
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

/** Budget for the desk (script and styles, gzipped, charts included): a laptop on a government network. */
export const DESK_GZIP_BUDGET_BYTES = 150 * 1024;

/** The desk: preact + signals + uPlot in one script, its styles (uPlot's included) in one sheet. */
export async function buildDesk(outDir = join(webDir, 'dist', 'desk')): Promise<BuildResult> {
  const result = await build({
    entryPoints: { desk: join(webDir, 'desk', 'main.tsx') },
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: outDir,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.contents);
    bytes += file.contents.byteLength;
    gzipBytes += gzipSync(file.contents, { level: 9 }).byteLength;
  }
  copyFileSync(join(webDir, 'desk', 'index.html'), join(outDir, 'index.html'));
  return { file: join(outDir, 'desk.js'), bytes, gzipBytes };
}

/** Both pages, each held to its budget (over budget is a build failure, not a warning). */
export async function buildPages(): Promise<{ widget: BuildResult; desk: BuildResult }> {
  const widget = await buildWeb();
  if (widget.gzipBytes > GZIP_BUDGET_BYTES) throw new Error(`webchat.js is ${kb(widget.gzipBytes)} gzip, over the budget of ${kb(GZIP_BUDGET_BYTES)}`);
  const desk = await buildDesk();
  if (desk.gzipBytes > DESK_GZIP_BUDGET_BYTES) throw new Error(`the desk is ${kb(desk.gzipBytes)} gzip, over the budget of ${kb(DESK_GZIP_BUDGET_BYTES)}`);
  return { widget, desk };
}

async function main(): Promise<void> {
  const started = Date.now();
  const { widget, desk } = await buildPages();
  console.log(
    `webchat.js ${kb(widget.bytes)} (gzip ${kb(widget.gzipBytes)}); desk.js + desk.css ${kb(desk.bytes)} (gzip ${kb(desk.gzipBytes)}) in ${Date.now() - started} ms`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
