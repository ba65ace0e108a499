// Questions users labelled by picking one of the offered choices, as lines for knowledge/content/asked/:
//   npm run kb:asked -- [--since YYYY-MM-DD] [--min-picks N] [--out file.yaml]
// Reads the application's database (DATABASE_URL, as the server does). Questions the KB already has as a phrasing
// are left out. The output is for a person to review: a pick is what the user took, not always what answers.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadContent } from '../knowledge/content/load.ts';
import { compactKey } from '../knowledge/text/normalize.ts';
import { pickedQuestions, type PickedQuestion } from '../insights/picked-questions.ts';
import { openDatabase } from '../storage/database.ts';
import { runAsScript, type Io } from './cli.ts';
import { loadConfig } from './config.ts';
import { SCHEMAS } from './schemas.ts';

const USAGE = 'usage: npm run kb:asked -- [--since YYYY-MM-DD] [--min-picks N] [--out file.yaml]';
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Runs the command and returns the exit code (0 ok, 2 usage). */
export async function runAskedCli(args: readonly string[], env: Record<string, string | undefined>, io: Io, now = new Date()): Promise<number> {
  let values: { since?: string; 'min-picks'?: string; out?: string };
  try {
    values = parseArgs({ args: [...args], options: { since: { type: 'string' }, 'min-picks': { type: 'string' }, out: { type: 'string' } } }).values;
  } catch {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const since = values.since ?? new Date(now.getTime() - DEFAULT_DAYS * DAY_MS).toISOString().slice(0, 10);
  const minPicks = Number(values['min-picks'] ?? 1);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || !Number.isInteger(minPicks) || minPicks < 1) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  const { entries } = loadContent();
  const current = new Map<string, string>();
  const known = new Set<string>();
  for (const e of entries) {
    for (const id of [e.id, ...e.aliases]) current.set(id, e.id);
    for (const p of [e.question, ...e.alternates, ...(e.asked ?? [])]) known.add(compactKey(p));
  }
  const db = await openDatabase(loadConfig(env).DATABASE_URL, SCHEMAS);
  try {
    const picked = await pickedQuestions(db.kysely, { since, key: compactKey, resolve: (id) => current.get(id) });
    const fresh = picked.filter((p) => p.picks >= minPicks && !known.has(compactKey(p.question)));
    const header = `# Picked from the bot's choices since ${since} (npm run kb:asked); review before adding to knowledge/content/asked/.`;
    const yaml = `${[header, ...fresh.map(line)].join('\n')}\n`;
    if (values.out) writeFileSync(values.out, yaml);
    else io.out(yaml);
    io.err(`${fresh.length} question(s) picked at least ${minPicks}× since ${since} and not yet in the KB${values.out ? `: ${values.out}` : ''}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

function line(p: PickedQuestion): string {
  const others = p.others.length > 0 ? `；也有人选了 ${p.others.map((o) => `${o.entryId}（${o.picks}）`).join('、')}` : '';
  return `- { q: ${JSON.stringify(p.question)}, expect: ${p.entryId} }  # 选了 ${p.picks} 次，解决了 ${p.resolved}，没解决 ${p.notResolved}${others}`;
}

runAsScript(import.meta.url, runAskedCli);
