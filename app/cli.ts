// What the database command-line tools (npm run redlist, kb:asked) share: where they write, and how they run when
// started as a script (exit code from the command; a configuration error as its message, anything else with its stack).
import { fileURLToPath } from 'node:url';
import { ConfigError, readEnvironment } from './config.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export type Command = (args: readonly string[], env: Record<string, string | undefined>, io: Io) => Promise<number>;

/** Runs `command` on the process's arguments and environment when `moduleUrl` is the script node was started with. */
export function runAsScript(moduleUrl: string, command: Command): void {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
  command(process.argv.slice(2), readEnvironment(), io).then(
    (code) => process.exit(code),
    (err: unknown) => {
      io.err(`${err instanceof ConfigError ? err.message : err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
