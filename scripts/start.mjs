// `npm start`: runs the built server, building it first when there is none or the sources changed since.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, sourceStamp } from './stamp.mjs';

const dist = join(ROOT, 'dist');
const bundle = join(dist, 'server.mjs');
const built = existsSync(bundle) && existsSync(join(dist, 'stamp')) ? readFileSync(join(dist, 'stamp'), 'utf8') : '';
if (built !== sourceStamp()) {
  process.stdout.write('line-one: building the server and pages (first start, or the sources changed)…\n');
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build.ts')], { stdio: 'inherit', cwd: ROOT });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
try {
  const { main } = await import(pathToFileURL(bundle).href);
  await main();
} catch (err) {
  process.stderr.write(`line-one failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
}
