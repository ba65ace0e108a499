// What a command does to a ticket, decided without touching the database: the new state, the fields that change,
// the audit event and the notices for the requesters. The service persists the decision in one transaction.
import type { EventAction, TicketCommand } from './commands.ts';
import { IllegalTransitionError, TicketValidationError } from './errors.ts';
import { OPEN_STATES, SATISFACTION_LEVELS, type Actor, type Ticket, type TicketState } from './model.ts';
import type { TicketNotice } from './notices.ts';
import type { Catalog } from './routing/catalog.ts';
import { cleanOptional, cleanText, MAX_REQUEST_LENGTH } from './sanitize.ts';
import type { SlaPolicy } from './sla/policy.ts';
import { nextState } from './state-machine.ts';

export const MAX_NOTE_LENGTH = 1000;

export interface DecideContext {
  now: Date;
  actor: Actor;
  sla: SlaPolicy;
  catalog: Catalog;
  /** For merge: the open ticket the duplicate goes into. */
  into?: Ticket;
}

/** The ticket fields a command may change. */
export type TicketPatch = Partial<
  Pick<
    Ticket,
    | 'state'
    | 'category'
    | 'department'
    | 'dueAt'
    | 'pendingExtension'
    | 'reply'
    | 'satisfaction'
    | 'mergedInto'
    | 'supervised'
    | 'overdueReminderKey'
    | 'dispatchedAt'
    | 'resolvedAt'
    | 'closedAt'
  >
>;

export interface Decision {
  patch: TicketPatch;
  event: { action: EventAction; fromState: TicketState; toState: TicketState; note: string | null; data: Record<string, unknown> };
  /** Sent to every requester of the ticket. */
  notices: TicketNotice[];
}

type Effect = { patch?: TicketPatch; note?: string | null; data?: Record<string, unknown>; notices?: TicketNotice[] };

export function decide(ticket: Ticket, command: TicketCommand, ctx: DecideContext): Decision {
  const toState = nextState(ticket, command.action);
  const effect = EFFECTS[command.action](ticket, command as never, { ...ctx, toState });
  const patch: TicketPatch = { ...effect.patch, state: toState };
  return {
    patch,
    event: { action: command.action, fromState: ticket.state, toState, note: effect.note ?? null, data: effect.data ?? {} },
    notices: effect.notices ?? [],
  };
}

type Ctx = DecideContext & { toState: TicketState };
type EffectOf<A extends TicketCommand['action']> = (t: Ticket, c: Extract<TicketCommand, { action: A }>, ctx: Ctx) => Effect;

const refuse = (t: Ticket, action: string, reason: string) => new IllegalTransitionError(t.number, t.state, action, reason);
const note = (text: string | undefined) => cleanOptional(text, MAX_NOTE_LENGTH);
/** A reason the command cannot do without. */
function required(text: string, field: string): string {
  const cleaned = cleanText(text ?? '', MAX_NOTE_LENGTH);
  if (cleaned === '') throw new TicketValidationError(`${field} must not be empty`);
  return cleaned;
}
const base = (t: Ticket, ctx: Ctx) => ({ ticketNumber: t.number, state: ctx.toState, at: ctx.now.toISOString() });
const actorLabel = (a: Actor) => a.name ?? a.id;

const EFFECTS: { [A in TicketCommand['action']]: EffectOf<A> } = {
  dispatch(t, c, ctx) {
    const department = ctx.catalog.department(c.department ?? ctx.catalog.category(t.category).department);
    const departmentName = ctx.catalog.departmentName(department) ?? department;
    return {
      patch: { department, dispatchedAt: ctx.now.toISOString() },
      note: note(c.note),
      data: { department },
      notices: [{ ...base(t, ctx), kind: 'dispatched', department, departmentName, dueAt: t.dueAt }],
    };
  },
  accept: (_t, c) => ({ note: note(c.note) }),
  return(t, c, ctx) {
    const deadline = ctx.sla.returnDeadline(new Date(t.dispatchedAt ?? t.createdAt));
    if (ctx.now > deadline) throw refuse(t, 'return', `the return window ended at ${deadline.toISOString()}; ask the hotline to re-dispatch instead`);
    return { patch: { department: null, pendingExtension: null }, note: required(c.reason, 'reason'), data: { department: t.department } };
  },
  start: (_t, c) => ({ note: note(c.note) }),
  reply(t, c, ctx) {
    const reply = { text: cleanText(c.text ?? '', MAX_REQUEST_LENGTH, true), at: ctx.now.toISOString(), by: actorLabel(ctx.actor) };
    if (reply.text === '') throw new TicketValidationError('reply text must not be empty');
    return {
      patch: { reply },
      data: { reply: reply.text },
      notices: [{ ...base(t, ctx), kind: 'answered', reply: reply.text, departmentName: ctx.catalog.departmentName(t.department) }],
    };
  },
  request_extension(t, c, ctx) {
    if (t.pendingExtension) throw refuse(t, 'request_extension', 'an extension request is already waiting for a decision');
    if (ctx.now >= new Date(t.dueAt)) throw refuse(t, 'request_extension', `extensions must be requested before the due time (${t.dueAt})`);
    const max = ctx.sla.maxExtensionDays;
    if (!Number.isInteger(c.workingDays) || c.workingDays < 1 || c.workingDays > max)
      throw new TicketValidationError(`workingDays must be a whole number from 1 to ${max}`);
    const dueAt = ctx.sla.extendedDue(new Date(t.dueAt), c.workingDays).toISOString();
    const reason = required(c.reason, 'reason');
    return { patch: { pendingExtension: { dueAt, reason, requestedAt: ctx.now.toISOString() } }, note: reason, data: { workingDays: c.workingDays, dueAt } };
  },
  approve_extension(t, c, ctx) {
    const pending = t.pendingExtension;
    if (!pending) throw refuse(t, 'approve_extension', 'no extension request is waiting');
    return {
      patch: { dueAt: pending.dueAt, pendingExtension: null },
      note: note(c.note),
      data: { dueAt: pending.dueAt, previousDueAt: t.dueAt },
      notices: [{ ...base(t, ctx), kind: 'extension_approved', dueAt: pending.dueAt, previousDueAt: t.dueAt }],
    };
  },
  refuse_extension(t, c) {
    if (!t.pendingExtension) throw refuse(t, 'refuse_extension', 'no extension request is waiting');
    return { patch: { pendingExtension: null }, note: required(c.reason, 'reason'), data: { requestedDueAt: t.pendingExtension.dueAt } };
  },
  remind: (_t, c) => ({
    patch: c.overdueKey ? { overdueReminderKey: c.overdueKey } : {},
    note: required(c.note, 'note'),
    data: c.overdueKey ? { overdue: true } : {},
  }),
  supervise: (_t, c) => ({ patch: { supervised: true }, note: required(c.note, 'note') }),
  resolve(t, c, ctx) {
    const given = cleanOptional(c.reply, MAX_REQUEST_LENGTH);
    const reply = given ? { text: cleanText(c.reply ?? '', MAX_REQUEST_LENGTH, true), at: ctx.now.toISOString(), by: actorLabel(ctx.actor) } : t.reply;
    if (!reply) throw refuse(t, 'resolve', 'a ticket is resolved with a reply to the user: reply first or give one');
    return {
      patch: { reply, resolvedAt: ctx.now.toISOString(), pendingExtension: null },
      note: note(c.note),
      data: given ? { reply: reply.text } : {},
      notices: [
        { ...base(t, ctx), kind: 'resolved', reply: reply.text, departmentName: ctx.catalog.departmentName(t.department), survey: SATISFACTION_LEVELS },
      ],
    };
  },
  rate(_t, c) {
    if (!SATISFACTION_LEVELS.includes(c.satisfaction)) throw new TicketValidationError(`satisfaction must be one of ${SATISFACTION_LEVELS.join(', ')}`);
    const comment = note(c.comment);
    return { patch: { satisfaction: { level: c.satisfaction, comment } }, note: comment, data: { satisfaction: c.satisfaction } };
  },
  close: (_t, c, ctx) => ({ patch: { closedAt: ctx.now.toISOString() }, note: required(c.reason, 'reason') }),
  reopen(t, c, ctx) {
    const category = ctx.catalog.category(t.category);
    const dueAt = ctx.sla.dueAt(ctx.now, { type: t.type, priority: t.priority, redList: t.redListTier !== null, categoryLimit: category.limit }).toISOString();
    return {
      // The old reply did not settle it: the department answers again before it can resolve again.
      patch: {
        dueAt,
        reply: null,
        satisfaction: null,
        resolvedAt: null,
        closedAt: null,
        pendingExtension: null,
        dispatchedAt: t.department ? ctx.now.toISOString() : null,
      },
      note: required(c.reason, 'reason'),
      data: { dueAt, previousReply: t.reply?.text ?? null },
      notices: [{ ...base(t, ctx), kind: 'reopened', departmentName: ctx.catalog.departmentName(t.department), dueAt }],
    };
  },
  merge(t, c, ctx) {
    const into = ctx.into;
    if (!into || into.number !== c.into) throw new TicketValidationError('merge needs the ticket it goes into');
    if (into.number === t.number) throw refuse(t, 'merge', 'a ticket cannot be merged into itself');
    if (!OPEN_STATES.includes(into.state)) throw refuse(t, 'merge', `ticket ${into.number} is ${into.state}; merge only into an open ticket`);
    return {
      patch: { mergedInto: into.number, closedAt: ctx.now.toISOString(), pendingExtension: null },
      note: note(c.note),
      data: { into: into.number },
      notices: [{ ...base(t, ctx), kind: 'merged', into: into.number, state: into.state, dueAt: into.dueAt }],
    };
  },
  note: (_t, c) => ({ note: required(c.text, 'text') }),
  recategorize(t, c, ctx) {
    const category = ctx.catalog.category(c.category).code;
    if (category === t.category) throw refuse(t, 'recategorize', `the category is already ${category}`);
    return { patch: { category }, note: note(c.note), data: { from: t.category, to: category } };
  },
};
