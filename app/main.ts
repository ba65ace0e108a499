import { fileURLToPath } from 'node:url';
import { BOT_NAME } from '../bot/messages.ts';
import { startMemoryHousekeeping } from '../lib/memory-housekeeping.ts';
import { type Config, ConfigError, loadConfig, readEnvironment } from './config.ts';
import { startApp } from './start.ts';

/** The process: read the configuration, start, and turn signals into reload and shutdown. */
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
    process.exit(1);
  }
  const app = await startApp(config);
  process.stdout.write(`\n  ${BOT_NAME}已启动 Line One is up: ${app.url}\n\n`);
  startMemoryHousekeeping();
  const kb = app.knowledge as Partial<{ reload(): Promise<unknown>; warmUp(): Promise<void> }>;
  // Once serving: what the KB would build on first use per entry is built in slices between turns.
  const warmUp = () => void kb.warmUp?.().catch((err: unknown) => app.log.warn({ err }, 'app: knowledge warm-up stopped; entries build on first use'));
  warmUp();
  // SIGHUP re-reads knowledge/content and swaps the index in place; turns in flight keep the old one.
  process.on('SIGHUP', () => {
    if (!kb.reload) return;
    app.log.info('app: reloading the knowledge base');
    kb.reload().then(
      (info) => {
        app.log.info({ info }, 'app: knowledge base reloaded');
        warmUp();
      },
      (err: unknown) => app.log.error({ err }, 'app: knowledge reload failed; still serving the previous index'),
    );
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.log.info({ signal }, 'app: shutting down');
      app.close().then(
        () => process.exit(0),
        (err) => {
          app.log.error({ err }, 'app: shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  process.on('unhandledRejection', (err) => app.log.error({ err }, 'app: unhandled rejection'));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    process.stderr.write(`line-one failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
