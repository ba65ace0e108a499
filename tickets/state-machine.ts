// The table of allowed transitions: for each action, the states it may start from and the state it leads to.
// Pure and role-neutral; conditions beyond the state (a reply exists, the return window is open …) live in decide.ts.
import type { CommandAction } from './commands.ts';
import { IllegalTransitionError } from './errors.ts';
import { OPEN_STATES, TICKET_STATES, WITH_DEPARTMENT, type Ticket, type TicketState } from './model.ts';

export interface Transition {
  from: readonly TicketState[];
  /** The state after the action; 'same' leaves it where it is. */
  to: TicketState | 'same' | ((ticket: Ticket) => TicketState);
}

const ANY: readonly TicketState[] = TICKET_STATES;

export const TRANSITIONS: Readonly<Record<CommandAction, Transition>> = {
  dispatch: { from: ['new', 'returned'], to: 'dispatched' },
  accept: { from: ['dispatched'], to: 'accepted' },
  return: { from: ['dispatched', 'accepted'], to: 'returned' },
  start: { from: ['accepted'], to: 'in_progress' },
  reply: { from: OPEN_STATES, to: 'same' },
  request_extension: { from: WITH_DEPARTMENT, to: 'same' },
  approve_extension: { from: WITH_DEPARTMENT, to: 'same' },
  refuse_extension: { from: WITH_DEPARTMENT, to: 'same' },
  remind: { from: WITH_DEPARTMENT, to: 'same' },
  supervise: { from: WITH_DEPARTMENT, to: 'same' },
  // The hotline may answer and close a simple request itself (直接办结) from new or returned.
  resolve: { from: ['new', 'returned', 'accepted', 'in_progress'], to: 'resolved' },
  rate: { from: ['resolved'], to: 'visited' },
  close: { from: ['new', 'returned', 'resolved', 'visited'], to: 'closed' },
  // 重办 goes back to the department that had it, or to the hotline's queue when none ever did.
  reopen: { from: ['resolved', 'visited', 'closed'], to: (t) => (t.department ? 'dispatched' : 'new') },
  merge: { from: ['new', 'returned', 'dispatched', 'accepted', 'in_progress'], to: 'merged' },
  note: { from: ANY, to: 'same' },
  recategorize: { from: OPEN_STATES, to: 'same' },
};

/** The actions the table allows in a state (the desk shows these as buttons). */
export function allowedActions(state: TicketState): CommandAction[] {
  return (Object.keys(TRANSITIONS) as CommandAction[]).filter((a) => TRANSITIONS[a].from.includes(state));
}

/** The state the action leads to, or an IllegalTransitionError when the table does not allow it. */
export function nextState(ticket: Ticket, action: CommandAction): TicketState {
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(ticket.state)) {
    throw new IllegalTransitionError(ticket.number, ticket.state, action, `allowed only when the ticket is ${transition.from.join(' / ')}`);
  }
  const to = transition.to;
  return to === 'same' ? ticket.state : typeof to === 'function' ? to(ticket) : to;
}
