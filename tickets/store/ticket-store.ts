// Reads and writes of single tickets, their events and requesters. Every method takes the executor to run on, so
// the service can compose them in one transaction. One implementation for SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { TicketPatch } from '../decide.ts';
import type { Requester, Ticket, TicketEvent } from '../model.ts';
import { fromEvent, fromTicket, patchColumns, toEvent, toRequester, toTicket } from './rows.ts';
import { conversationIdOf } from './schema.ts';
import type { TicketTables } from './schema.ts';

export type TicketDb = Kysely<TicketTables>;

/**
 * The next number in a day's sequence. One upsert, so it is atomic on both engines: SQLite runs one writer at a
 * time, and PostgreSQL locks the day's row until the creating transaction ends. Gaps never appear because a
 * rolled-back creation rolls back its increment too.
 */
export async function nextDaySequence(trx: TicketDb, day: string): Promise<number> {
  const row = await trx
    .insertInto('ticket_day_sequences')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet((eb) => ({ last: eb(eb.ref('ticket_day_sequences.last'), '+', 1) })))
    .returning('last')
    .executeTakeFirstOrThrow();
  return Number(row.last);
}

export async function insertTicket(trx: TicketDb, ticket: Ticket): Promise<void> {
  await trx.insertInto('tickets').values(fromTicket(ticket)).execute();
}

export async function findTicket(db: TicketDb, number: string): Promise<Ticket | undefined> {
  const row = await db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst();
  return row ? toTicket(row) : undefined;
}

/**
 * Applies a patch only if the ticket is still at `expectedVersion`; returns false when someone else changed it
 * first. The version check and the write are one statement, so two writers can never both succeed.
 */
export async function updateTicket(trx: TicketDb, before: Ticket, patch: TicketPatch, updatedAt: string): Promise<boolean> {
  const result = await trx
    .updateTable('tickets')
    .set({ ...patchColumns(patch), updated_at: updatedAt, version: before.version + 1 })
    .where('number', '=', before.number)
    .where('version', '=', before.version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function appendEvent(trx: TicketDb, event: TicketEvent): Promise<void> {
  await trx.insertInto('ticket_events').values(fromEvent(event)).execute();
}

export async function listEvents(db: TicketDb, number: string): Promise<TicketEvent[]> {
  const rows = await db.selectFrom('ticket_events').selectAll().where('ticket_number', '=', number).orderBy('version').execute();
  return rows.map(toEvent);
}

export async function listRequesters(db: TicketDb, number: string): Promise<Requester[]> {
  const rows = await db.selectFrom('ticket_requesters').selectAll().where('ticket_number', '=', number).orderBy('joined_at').execute();
  return rows.map(toRequester);
}

/** Adds requesters to a ticket; one already there (same channel identity) is left as it is. */
export async function addRequesters(trx: TicketDb, number: string, requesters: readonly Requester[], via: 'origin' | 'merge', at: string): Promise<void> {
  for (const r of requesters) {
    await trx
      .insertInto('ticket_requesters')
      .values({
        ticket_number: number,
        channel_id: r.channelId,
        user_id: r.userId,
        conversation_ref: JSON.stringify(r.conversationRef),
        conversation_id: conversationIdOf(r.conversationRef),
        mobile: r.mobile,
        joined_via: via,
        joined_at: at,
      })
      .onConflict((oc) => oc.columns(['ticket_number', 'channel_id', 'user_id']).doNothing())
      .execute();
  }
}
