// Questions users labelled themselves: the bot offered choices, the user picked one (TurnLog.picked). Tallied per
// question for the KB team, who review them into knowledge/content/asked/ (`npm run kb:asked`).
import type { Kysely } from 'kysely';
import type { InsightsTables } from './schema.ts';

export interface PickedQuestion {
  /** As the user typed it (phone, ID and credit-code numbers masked when it was recorded). */
  question: string;
  /** The entry picked most often for it. */
  entryId: string;
  picks: number;
  resolved: number;
  notResolved: number;
  /** Other entries picked for the same question, with their pick counts. */
  others: Array<{ entryId: string; picks: number }>;
}

export interface PickedOptions {
  /** ISO time: only questions recorded from then on. */
  since: string;
  /** The same question once its spacing, case and punctuation are ignored (two users rarely type it identically). */
  key: (question: string) => string;
  /** The entry id as it is now (an id merged into another entry resolves to it); undefined when it is gone. */
  resolve: (entryId: string) => string | undefined;
}

/**
 * Clarified questions with the entry picked for each, most picked first. A pick followed by 没解决 counts against
 * it: a question whose picks were mostly not resolved is left out, and so is one whose entry is gone.
 */
export async function pickedQuestions(db: Kysely<InsightsTables>, options: PickedOptions): Promise<PickedQuestion[]> {
  const rows = await db
    .selectFrom('bot_turns')
    .select(['question', 'entry_id', 'vote'])
    .where('outcome', '=', 'clarified')
    .where('entry_id', 'is not', null)
    .where('at', '>=', options.since)
    .orderBy('at')
    .execute();
  const byQuestion = new Map<string, { question: string; entries: Map<string, { picks: number; resolved: number; notResolved: number }> }>();
  for (const row of rows) {
    const entryId = row.entry_id === null ? undefined : options.resolve(row.entry_id);
    const key = options.key(row.question);
    if (!entryId || key === '') continue;
    const group = byQuestion.get(key) ?? { question: row.question, entries: new Map() };
    byQuestion.set(key, group);
    const tally = group.entries.get(entryId) ?? { picks: 0, resolved: 0, notResolved: 0 };
    group.entries.set(entryId, tally);
    tally.picks++;
    if (row.vote === 'resolved') tally.resolved++;
    if (row.vote === 'not_resolved') tally.notResolved++;
  }
  const out: PickedQuestion[] = [];
  for (const { question, entries } of byQuestion.values()) {
    const ranked = [...entries].sort(([, a], [, b]) => b.picks - b.notResolved - (a.picks - a.notResolved));
    const [best, ...rest] = ranked;
    if (!best || best[1].notResolved * 2 > best[1].picks) continue;
    out.push({ question, entryId: best[0], ...best[1], others: rest.map(([entryId, t]) => ({ entryId, picks: t.picks })) });
  }
  return out.sort((a, b) => b.picks - a.picks || a.question.localeCompare(b.question));
}
