// The pure state machine: every (state, action) pair against the table, and the conditions decide() adds.
import { describe, expect, it } from 'vitest';
import { COMMAND_ACTIONS, type TicketCommand } from '../../tickets/commands.ts';
import { decide } from '../../tickets/decide.ts';
import { IllegalTransitionError, TicketValidationError } from '../../tickets/errors.ts';
import { TICKET_STATES, type Ticket, type TicketState } from '../../tickets/model.ts';
import { Catalog } from '../../tickets/routing/catalog.ts';
import { SlaPolicy } from '../../tickets/sla/policy.ts';
import { allowedActions, TRANSITIONS } from '../../tickets/state-machine.ts';

const catalog = Catalog.load();
const sla = SlaPolicy.load();
const now = new Date('2026-11-30T02:00:00Z'); // Monday 10:00 in Shanghai
const ctx = { now, actor: { kind: 'agent' as const, id: 'a1' }, sla, catalog };

function ticket(state: TicketState, overrides: Partial<Ticket> = {}): Ticket {
  return {
    number: 'QY20261130-0001',
    state,
    type: 'consultation',
    category: 'social_insurance',
    department: 'hrss',
    priority: 'normal',
    redListTier: null,
    enterpriseName: null,
    creditCode: null,
    creditCheck: 'none',
    contactName: null,
    contactMobile: null,
    requestText: '问题',
    requestTruncated: false,
    transcript: [],
    dueAt: '2026-12-03T02:00:00.000Z',
    pendingExtension: null,
    reply: { text: '答复', at: '2026-11-30T01:00:00.000Z', by: 'a1' },
    satisfaction: null,
    mergedInto: null,
    supervised: false,
    overdueReminderKey: null,
    createdAt: '2026-11-30T01:00:00.000Z',
    updatedAt: '2026-11-30T01:00:00.000Z',
    dispatchedAt: '2026-11-30T01:30:00.000Z',
    resolvedAt: null,
    closedAt: null,
    version: 3,
    ...overrides,
  };
}

/** A command for each action that passes every check other than the state. */
const SAMPLE: Record<TicketCommand['action'], TicketCommand> = {
  dispatch: { action: 'dispatch' },
  accept: { action: 'accept' },
  return: { action: 'return', reason: '非本单位职责' },
  start: { action: 'start' },
  reply: { action: 'reply', text: '已答复' },
  request_extension: { action: 'request_extension', workingDays: 3, reason: '需要现场核查' },
  approve_extension: { action: 'approve_extension' },
  refuse_extension: { action: 'refuse_extension', reason: '理由不充分' },
  remind: { action: 'remind', note: '请尽快办理' },
  supervise: { action: 'supervise', note: '列入督办' },
  resolve: { action: 'resolve' },
  rate: { action: 'rate', satisfaction: 'satisfied' },
  close: { action: 'close', reason: '归档' },
  reopen: { action: 'reopen', reason: '不满意' },
  merge: { action: 'merge', into: 'QY20261130-0002' },
  note: { action: 'note', text: '备注' },
  recategorize: { action: 'recategorize', category: 'medical_insurance' },
};
const into = ticket('dispatched', { number: 'QY20261130-0002' });
const pending = { dueAt: '2026-12-08T02:00:00.000Z', reason: '需要核查', requestedAt: '2026-11-30T01:45:00.000Z' };

describe('transition table', () => {
  const pairs = TICKET_STATES.flatMap((state) => COMMAND_ACTIONS.map((action) => [state, action] as const));
  it.each(pairs)('%s + %s: allowed exactly when the table says so', (state, action) => {
    const t = ticket(state, action.endsWith('_extension') && action !== 'request_extension' ? { pendingExtension: pending } : {});
    const run = () => decide(t, SAMPLE[action], { ...ctx, into });
    if (TRANSITIONS[action].from.includes(state)) {
      const decision = run();
      expect(decision.event).toMatchObject({ action, fromState: state });
    } else {
      expect(run).toThrow(IllegalTransitionError);
      expect(run).toThrow(new RegExp(`^tickets: cannot ${action} ticket QY20261130-0001 \\(state ${state}\\)`));
    }
  });

  it('lists the allowed actions of a state for the desk', () => {
    expect(allowedActions('new')).toEqual(['dispatch', 'reply', 'resolve', 'close', 'merge', 'note', 'recategorize']);
    expect(allowedActions('merged')).toEqual(['note']);
  });
});

describe('conditions beyond the state', () => {
  it.each([
    ['resolve without any reply', ticket('in_progress', { reply: null }), { action: 'resolve' }, /reply first/],
    ['approve with no request waiting', ticket('accepted'), { action: 'approve_extension' }, /no extension request is waiting/],
    ['an extension after the due time', ticket('accepted', { dueAt: '2026-11-30T01:59:00.000Z' }), SAMPLE.request_extension, /before the due time/],
    ['a second extension request', ticket('accepted', { pendingExtension: pending }), SAMPLE.request_extension, /already waiting/],
    ['a return after the window', ticket('dispatched', { dispatchedAt: '2026-11-25T01:00:00.000Z' }), SAMPLE.return, /return window ended/],
    ['recategorizing to the same category', ticket('new'), { action: 'recategorize', category: 'social_insurance' }, /already social_insurance/],
  ] as const)('refuses %s', (_name, t, command, error) => {
    expect(() => decide(t, command as TicketCommand, { ...ctx, into })).toThrow(IllegalTransitionError);
    expect(() => decide(t, command as TicketCommand, { ...ctx, into })).toThrow(error);
  });

  it.each([
    ['an empty return reason', ticket('dispatched'), { action: 'return', reason: ' \u0000 ' }, /reason must not be empty/],
    ['a 0-day extension', ticket('accepted'), { action: 'request_extension', workingDays: 0, reason: 'x' }, /whole number from 1 to 15/],
    ['a 2.5-day extension', ticket('accepted'), { action: 'request_extension', workingDays: 2.5, reason: 'x' }, /whole number/],
    ['an unknown department', ticket('new', { department: null }), { action: 'dispatch', department: 'nasa' }, /unknown department "nasa"/],
    ['an unknown satisfaction', ticket('resolved'), { action: 'rate', satisfaction: 'meh' }, /satisfaction must be one of/],
    ['an empty reply', ticket('accepted'), { action: 'reply', text: '\n' }, /reply text must not be empty/],
  ] as const)('refuses %s as invalid input', (_name, t, command, error) => {
    expect(() => decide(t, command as unknown as TicketCommand, ctx)).toThrow(TicketValidationError);
    expect(() => decide(t, command as unknown as TicketCommand, ctx)).toThrow(error);
  });

  it('reopens to the hotline queue when no department ever had the ticket', () => {
    const d = decide(ticket('closed', { department: null }), SAMPLE.reopen, ctx);
    expect(d.patch.state).toBe('new');
    expect(d.notices[0]).toMatchObject({ kind: 'reopened', departmentName: null });
  });

  it('notices carry data, not prose', () => {
    const d = decide(ticket('new', { department: null }), { action: 'dispatch' }, ctx);
    expect(d.notices).toEqual([
      {
        kind: 'dispatched',
        ticketNumber: 'QY20261130-0001',
        state: 'dispatched',
        at: now.toISOString(),
        department: 'hrss',
        departmentName: '市人力资源和社会保障局',
        dueAt: '2026-12-03T02:00:00.000Z',
      },
    ]);
  });
});
