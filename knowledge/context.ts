// Reading an elliptical follow-up against the last answer: the message is searched together with the words that
// name the last entry's topic ("能领多久" after 失业保险金怎么申领 → "能领多久 失业保险金 申领"), or the last question
// is searched about the new subject ("那灵活就业人员呢" → "灵活就业人员 …养老保险怎么缴…"); entries close to the
// last one (related, same category) are preferred among near-equal candidates.
import type { Entry } from './content/schema.ts';
import type { EntryProfile } from './decision/profiles.ts';
import type { EntryCandidate } from './index/fusion.ts';
import type { IndexSnapshot } from './index/snapshot.ts';
import type { Ellipsis } from './triage/followup.ts';

/** Score added to candidates related to the last entry / in its category: a tie-breaker, not a verdict. */
export const CONTEXT_BONUS = { related: 0.06, category: 0.03 } as const;

export function rewriteFollowup(ellipsis: Ellipsis, message: string, last: Entry, profile: EntryProfile): string {
  if (ellipsis.kind === 'swap') return `${ellipsis.subject} ${last.question}`;
  return profile.topic.length > 0 ? `${profile.topic.join(' ')} ${message}` : `${last.question} ${message}`;
}

export function preferContext(candidates: readonly EntryCandidate[], last: number, snapshot: IndexSnapshot): EntryCandidate[] {
  const lastEntry = snapshot.entries[last] as Entry;
  const related = new Set(lastEntry.related.map((id) => snapshot.positionOf.get(id)));
  const out = candidates.map((c) => {
    const entry = snapshot.entries[c.entry] as Entry;
    const bonus = related.has(c.entry) || entry.related.includes(lastEntry.id) ? CONTEXT_BONUS.related : entry.category === lastEntry.category ? CONTEXT_BONUS.category : 0;
    return bonus > 0 ? { ...c, score: c.score + bonus } : c;
  });
  return out.sort((a, b) => b.score - a.score);
}
