// A year of hotline data for bench/desk.ts, written straight into the tables: 50,000 tickets spread over 365 days
// (states, departments, red list, resolutions, ratings, the chats they came from) and about 220,000 bot questions.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Catalog } from '../tickets/routing/catalog.ts';
import { TICKET_STATES } from '../tickets/model.ts';
import { fromTicket } from '../tickets/store/rows.ts';
import { syntheticTicket } from './synthetic-tickets.ts';

export const YEAR_START = '2025-12-01T00:00:00+08:00';
const DAY = 86_400_000;

/** Deterministic pseudo-random numbers (the same data on every run and engine). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function insertAll(db: Kysely<any>, table: string, rows: readonly object[], batch = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += batch)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + batch))
      .execute();
}

export async function seedYear(db: Kysely<any>, engine: 'sqlite' | 'postgres', catalog: Catalog, tickets = 50_000, questionsPerDay = 600): Promise<void> {
  const rnd = random(42);
  const start = Date.parse(YEAR_START);
  const step = (365 * DAY) / tickets;
  const ticketRows = [];
  const requesters = [];
  const events = [];
  for (let i = 0; i < tickets; i++) {
    const createdMs = start + i * step;
    const created = new Date(createdMs).toISOString();
    const state = TICKET_STATES[(i * 7) % TICKET_STATES.length]!;
    const done = ['resolved', 'visited', 'closed'].includes(state);
    const resolvedMs = createdMs + (1 + rnd() * 90) * 3_600_000;
    const level = (['satisfied', 'basically_satisfied', 'dissatisfied'] as const)[Math.floor(rnd() * 3)]!;
    const t = syntheticTicket(catalog, i, createdMs, {
      reply: done ? { text: '已答复', at: new Date(resolvedMs).toISOString(), by: '坐席' } : null,
      satisfaction: state === 'visited' ? { level, comment: null } : null,
      dispatchedAt: state === 'new' ? null : created,
      resolvedAt: done ? new Date(resolvedMs).toISOString() : null,
    });
    ticketRows.push(fromTicket(t));
    if (i % 3 === 0) {
      requesters.push({
        ticket_number: t.number,
        channel_id: 'lineone-webchat',
        user_id: `u${i}`,
        conversation_ref: JSON.stringify({ conversation: { id: `c${i}` } }),
        conversation_id: `c${i}`,
        mobile: null,
        joined_via: 'origin',
        joined_at: created,
      });
    }
    if (state === 'visited') {
      events.push({
        ticket_number: t.number,
        version: 2,
        action: 'rate',
        from_state: 'resolved',
        to_state: 'visited',
        actor_kind: 'user',
        actor_id: 'u',
        actor_name: null,
        at: new Date(resolvedMs + DAY).toISOString(),
        note: null,
        data: JSON.stringify({ satisfaction: level }),
      });
    }
  }
  await insertAll(db, 'tickets', ticketRows);
  await insertAll(db, 'ticket_requesters', requesters);
  await insertAll(db, 'ticket_events', events);

  // Questions: about 1.5 per conversation; some conversations are the ones tickets came from.
  const outcomes = ['answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'clarified', 'clarified', 'handed_over', 'handed_over'];
  const questions = ['社保怎么交', '公积金怎么提取', '技改补贴怎么申请', '失业金能领多久', '网约车乱收费', '医保异地备案'];
  const turns = [];
  let n = 0;
  for (let day = 0; day < 365; day++) {
    for (let q = 0; q < questionsPerDay; q++) {
      const at = new Date(start + day * DAY + (q / questionsPerDay) * DAY).toISOString();
      const outcome = outcomes[Math.floor(rnd() * outcomes.length)]!;
      const conversation = rnd() < 0.1 ? `c${Math.floor((day * DAY) / step / 3) * 3}` : `d${day}-${Math.floor(q / 1.5)}`;
      turns.push({
        id: `t${n++}`,
        at,
        channel_id: 'lineone-webchat',
        conversation_id: conversation,
        question: questions[Math.floor(rnd() * questions.length)]!,
        outcome,
        reason: outcome === 'handed_over' ? (rnd() < 0.25 ? 'complaint' : 'low_confidence') : null,
        entry_id: null,
        topic: null,
        vote: outcome === 'answered' && rnd() < 0.1 ? 'not_resolved' : null,
      });
    }
  }
  await insertAll(db, 'bot_turns', turns, 1000);
  // Steady state: planner statistics (and a visibility map on PostgreSQL for index-only counts).
  await sql.raw(engine === 'postgres' ? 'vacuum analyze' : 'analyze').execute(db);
}
