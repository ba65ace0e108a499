// 热点: what people ask about most and what the line does not yet answer, consultations and complaints apart.
//   categories  tickets created in the period by category; consultations = 咨询 求助 建议, complaints = 投诉 举报
//   questions   questions in the period the bot handed over or the user marked 没解决, grouped by their text
//               (case, spaces and punctuation ignored); complaints = handed over as a complaint
import { type Kysely, sql } from 'kysely';
import type { TicketType } from '../../tickets/model.ts';
import type { Period } from './period.ts';

export const COMPLAINT_TYPES: readonly TicketType[] = ['complaint', 'report'];
const TOP = 10;

export interface Hotspot {
  key: string;
  n: number;
}

export interface Hotspots {
  categories: { consultations: Hotspot[]; complaints: Hotspot[] };
  questions: { consultations: Hotspot[]; complaints: Hotspot[] };
}

/** Two questions that differ only in case, spaces or punctuation are one question. */
export const questionKey = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');

export function categoryHotspots(pairs: readonly { type: string; category: string; n: number }[]): Hotspots['categories'] {
  const tally = (complaint: boolean) => {
    const counts = new Map<string, number>();
    for (const p of pairs) if (COMPLAINT_TYPES.includes(p.type as TicketType) === complaint) counts.set(p.category, (counts.get(p.category) ?? 0) + p.n);
    return top(counts);
  };
  return { consultations: tally(false), complaints: tally(true) };
}

export async function questionHotspots(db: Kysely<any>, p: Period): Promise<Hotspots['questions']> {
  // Grouped by the stored text first (the database does the heavy part), merged by key here.
  const rows = await sql<{ question: string; complaint: string | number; n: string | number }>`
    select question, case when reason = 'complaint' then 1 else 0 end as complaint, count(*) as n
    from bot_turns
    where at >= ${p.start} and at < ${p.end} and (outcome = 'handed_over' or vote = 'not_resolved')
    group by question, 2
    order by n desc, question
    limit 2000`.execute(db);
  const tally = (complaint: boolean) => {
    const counts = new Map<string, number>();
    const shown = new Map<string, string>();
    for (const r of rows.rows) {
      if ((Number(r.complaint) === 1) !== complaint) continue;
      const key = questionKey(r.question);
      if (!key) continue;
      counts.set(key, (counts.get(key) ?? 0) + Number(r.n));
      if (!shown.has(key)) shown.set(key, r.question.trim()); // the most frequent wording is shown (ties: the first in order)
    }
    return top(counts).map((h) => ({ key: shown.get(h.key) ?? h.key, n: h.n }));
  };
  return { consultations: tally(false), complaints: tally(true) };
}

function top(counts: Map<string, number>): Hotspot[] {
  return [...counts]
    .map(([key, n]) => ({ key, n }))
    .sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : 1))
    .slice(0, TOP);
}
