// The ticket service: opens tickets and applies commands, each in one transaction with its audit event and the
// notices for the requesters. Decisions come from decide.ts; this file only reads, checks versions and writes.
import type { Kysely } from 'kysely';
import type { Logger } from '../log/logger.ts';
import type { TicketCommand } from './commands.ts';
import { decide, type Decision } from './decide.ts';
import { TicketNotFoundError, TicketVersionConflictError } from './errors.ts';
import { cleanIntake, type NewTicket } from './intake.ts';
import type { EventAction } from './commands.ts';
import type { Actor, Requester, Ticket, TicketEvent, TicketState } from './model.ts';
import type { TicketNotice, TicketNotices } from './notices.ts';
import { formatTicketNumber, numberDay } from './number.ts';
import type { RedListLookup } from './redlist/redlist-store.ts';
import type { Catalog } from './routing/catalog.ts';
import type { CategoryPredictor } from './routing/predictor-port.ts';
import type { SlaPolicy } from './sla/policy.ts';
import { addRequesters, appendEvent, findTicket, insertTicket, listRequesters, nextDaySequence, type TicketDb, updateTicket } from './store/ticket-store.ts';

export interface TicketServiceDeps {
  db: Kysely<any>;
  notices: TicketNotices;
  catalog: Catalog;
  sla: SlaPolicy;
  redList: RedListLookup;
  /** Fills in the category when the caller gives none. Without it such tickets get the catalog's fallback. */
  predictor?: CategoryPredictor;
  log?: Pick<Logger, 'warn'>;
  clock?: () => Date;
  /** Told after each change has committed (the desk's live updates); never inside the transaction. */
  onChanged?: (change: TicketChange) => void;
}

/** A committed change of one ticket, as the desk shows it live. */
export interface TicketChange {
  number: string;
  version: number;
  state: TicketState;
  department: string | null;
  /** The department that held it before this change (a return or a re-dispatch takes it from one). */
  previousDepartment: string | null;
  action: EventAction;
  actor: Actor;
  at: string;
}

export interface ChangeOptions {
  actor: Actor;
  /** The version the caller's decision was based on; a different current version is a conflict. */
  expectedVersion: number;
}

export class TicketService {
  private readonly db: TicketDb;
  private readonly now: () => Date;

  constructor(private readonly deps: TicketServiceDeps) {
    this.db = deps.db as TicketDb;
    this.now = deps.clock ?? (() => new Date());
  }

  /** Opens a ticket (受理) and returns it. Throws TicketValidationError on input it cannot accept. */
  async create(input: NewTicket, actor: Actor): Promise<Ticket> {
    const clean = cleanIntake(input);
    const { catalog, sla } = this.deps;
    const category = catalog.category(input.category ?? this.predictCategory(clean.requestText));
    const type = input.type ?? category.type;
    const priority = input.priority ?? 'normal';
    const redListTier = clean.creditCheck === 'valid' && clean.creditCode ? await this.deps.redList.tierOf(clean.creditCode) : null;
    const now = this.now();
    const dueAt = sla.dueAt(now, { type, priority, redList: redListTier !== null, categoryLimit: category.limit });
    this.warnIfCalendarMissing(dueAt);
    const at = now.toISOString();
    const requester: Requester = { ...clean.requester, mobile: clean.contactMobile };

    const created = await this.db.transaction().execute(async (trx) => {
      const number = formatTicketNumber(numberDay(now), await nextDaySequence(trx, numberDay(now)));
      const ticket: Ticket = {
        number,
        state: 'new',
        type,
        category: category.code,
        department: null,
        priority,
        redListTier,
        enterpriseName: clean.enterpriseName,
        creditCode: clean.creditCode,
        creditCheck: clean.creditCheck,
        contactName: clean.contactName,
        contactMobile: clean.contactMobile,
        requestText: clean.requestText,
        requestTruncated: clean.requestTruncated,
        transcript: clean.transcript,
        dueAt: dueAt.toISOString(),
        pendingExtension: null,
        reply: null,
        satisfaction: null,
        mergedInto: null,
        supervised: false,
        overdueReminderKey: null,
        createdAt: at,
        updatedAt: at,
        dispatchedAt: null,
        resolvedAt: null,
        closedAt: null,
        version: 1,
      };
      await insertTicket(trx, ticket);
      await addRequesters(trx, number, [requester], 'origin', at);
      await appendEvent(trx, {
        ticketNumber: number,
        version: 1,
        action: 'create',
        fromState: null,
        toState: 'new',
        actor,
        at,
        note: null,
        data: { category: category.code, type, priority, redListTier, dueAt: ticket.dueAt },
      });
      return ticket;
    });
    this.changed(created, 'create', actor, null);
    return created;
  }

  /**
   * Applies a command (派单, 签收, 答复, 办结 …) if the state allows it and nobody changed the ticket since
   * `expectedVersion`. The change, its event and its notices commit together or not at all.
   */
  async act(number: string, command: TicketCommand, options: ChangeOptions): Promise<Ticket> {
    let absorbed: Ticket | undefined;
    let previousDepartment: string | null = null;
    const updated = await this.db.transaction().execute(async (trx) => {
      const ticket = await this.load(trx, number);
      previousDepartment = ticket.department;
      if (ticket.version !== options.expectedVersion) throw new TicketVersionConflictError(number, options.expectedVersion, ticket.version);
      const into = command.action === 'merge' ? await this.load(trx, command.into) : undefined;
      const now = this.now();
      const decision = decide(ticket, command, { now, actor: options.actor, sla: this.deps.sla, catalog: this.deps.catalog, into });
      const updated = await this.write(trx, ticket, decision, options.actor, now);
      const requesters = await listRequesters(trx, number);
      if (into) absorbed = await this.absorb(trx, into, updated, requesters, options.actor, now);
      await this.notify(trx, requesters, decision.notices);
      return updated;
    });
    this.changed(updated, command.action, options.actor, previousDepartment);
    if (absorbed) this.changed(absorbed, 'absorb', options.actor, absorbed.department);
    return updated;
  }

  private changed(ticket: Ticket, action: EventAction, actor: Actor, previousDepartment: string | null): void {
    const { onChanged } = this.deps;
    if (!onChanged) return;
    try {
      onChanged({
        number: ticket.number,
        version: ticket.version,
        state: ticket.state,
        department: ticket.department,
        previousDepartment,
        action,
        actor,
        at: ticket.updatedAt,
      });
    } catch (err) {
      this.deps.log?.warn({ err, ticket: ticket.number }, 'tickets: a change listener failed');
    }
  }

  /** Writes a decision with its event; a concurrent change between read and write is a conflict. */
  private async write(trx: TicketDb, ticket: Ticket, decision: Decision, actor: Actor, now: Date): Promise<Ticket> {
    const at = now.toISOString();
    if (!(await updateTicket(trx, ticket, decision.patch, at))) {
      const current = await findTicket(trx, ticket.number);
      throw new TicketVersionConflictError(ticket.number, ticket.version, current?.version ?? ticket.version + 1);
    }
    const version = ticket.version + 1;
    const event: TicketEvent = { ticketNumber: ticket.number, version, ...decision.event, actor, at };
    await appendEvent(trx, event);
    return { ...ticket, ...decision.patch, version, updatedAt: at };
  }

  /** The other side of 并单: the open ticket takes the duplicate's requesters, who will hear its answer. */
  private async absorb(trx: TicketDb, into: Ticket, duplicate: Ticket, requesters: Requester[], actor: Actor, now: Date): Promise<Ticket> {
    const decision: Decision = {
      patch: {},
      event: { action: 'absorb', fromState: into.state, toState: into.state, note: null, data: { from: duplicate.number, requesters: requesters.length } },
      notices: [],
    };
    const absorbed = await this.write(trx, into, decision, actor, now);
    await addRequesters(trx, into.number, requesters, 'merge', now.toISOString());
    return absorbed;
  }

  private async notify(trx: TicketDb, requesters: Requester[], notices: TicketNotice[]): Promise<void> {
    for (const notice of notices) for (const requester of requesters) await this.deps.notices.enqueue(trx, requester, notice);
  }

  private async load(db: TicketDb, number: string): Promise<Ticket> {
    const ticket = await findTicket(db, number);
    if (!ticket) throw new TicketNotFoundError(number);
    return ticket;
  }

  private predictCategory(text: string): string {
    const { predictor, catalog } = this.deps;
    if (!predictor) return catalog.fallback;
    const prediction = predictor.predict(text);
    return prediction.confident && catalog.has(prediction.category) ? prediction.category : catalog.fallback;
  }

  private warnIfCalendarMissing(due: Date): void {
    const year = Number(numberDay(due).slice(0, 4));
    if (!this.deps.sla.calendar.covers(year)) {
      this.deps.log?.warn({ year }, 'tickets: no holiday calendar for this year; due times count weekends only (add tickets/config/calendar/<year>.yaml)');
    }
  }
}
