// 重点企业名单 from the command line:
//   npm run redlist -- import list.csv [--replace]   add/update entries (--replace also removes the rest)
//   npm run redlist -- export [file.csv]             write the list as CSV (stdout without a file)
//   npm run redlist -- list                          print the list
// The database is the application's (DATABASE_URL, as the server reads it). A file with any bad row imports nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { openDatabase } from '../storage/database.ts';
import { REDLIST_TIER_LABELS } from '../tickets/labels.ts';
import { parseRedListCsv, RedListCsvError, toRedListCsv } from '../tickets/redlist/redlist-csv.ts';
import { RedListStore } from '../tickets/redlist/redlist-store.ts';
import { runAsScript, type Io } from './cli.ts';
import { loadConfig } from './config.ts';
import { SCHEMAS } from './schemas.ts';

const USAGE = 'usage: npm run redlist -- import <file.csv> [--replace] | export [file.csv] | list';

/** Runs one command and returns the exit code (0 ok, 1 refused input, 2 usage). */
export async function runRedListCli(args: readonly string[], env: Record<string, string | undefined>, io: Io): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'import' && command !== 'export' && command !== 'list') {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(env);
  const db = await openDatabase(config.DATABASE_URL, SCHEMAS);
  try {
    const store = new RedListStore(db.kysely);
    if (command === 'import') return await importFile(store, rest, io);
    const entries = await store.list();
    if (command === 'export') {
      const csv = toRedListCsv(entries);
      if (rest[0]) {
        writeFileSync(rest[0], csv);
        io.err(`exported ${entries.length} enterprise(s) to ${rest[0]}\n`);
      } else io.out(csv);
      return 0;
    }
    for (const e of entries) io.out(`${e.creditCode}  ${REDLIST_TIER_LABELS[e.tier]}  ${e.name}\n`);
    io.err(`${entries.length} enterprise(s) on the red list\n`);
    return 0;
  } finally {
    await db.close();
  }
}

async function importFile(store: RedListStore, args: readonly string[], io: Io): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--replace');
  if (!file || unknown.length > 0) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  let entries;
  try {
    entries = parseRedListCsv(readFileSync(file, 'utf8'));
  } catch (err) {
    if (!(err instanceof RedListCsvError)) throw err;
    io.err(`${file}: ${err.problems.length} problem(s), nothing imported:\n${err.problems.map((p) => `  ${file}:${p.line}: ${p.message}`).join('\n')}\n`);
    return 1;
  }
  const result = await store.import(entries, { replace: args.includes('--replace') });
  io.err(`imported ${file}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged, ${result.removed} removed\n`);
  return 0;
}

runAsScript(import.meta.url, runRedListCli);
