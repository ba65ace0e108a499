// Desk accounts from the command line: npm run desk:accounts -- <command> (see desk/accounts-cli.ts). The database
// is the application's (DATABASE_URL, as the server reads it): the way back in when no administrator can sign in.
import { fileURLToPath } from 'node:url';
import { runDeskCli } from '../desk/accounts-cli.ts';
import { openDatabase } from '../storage/database.ts';
import { Catalog } from '../tickets/routing/catalog.ts';
import { ConfigError, loadConfig, readEnvironment } from './config.ts';
import { SCHEMAS } from './schemas.ts';

async function main(): Promise<number> {
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
  let config;
  try {
    config = loadConfig(readEnvironment());
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${err.message}\n`);
    return 2;
  }
  const db = await openDatabase(config.DATABASE_URL, SCHEMAS);
  try {
    const departments = Object.keys(Catalog.load(config.TICKETS_CATEGORIES_FILE).departments);
    return await runDeskCli(process.argv.slice(2), db.kysely, departments, io);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`desk: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
