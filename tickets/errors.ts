// Typed errors of the ticket domain. Messages start with "tickets:" so a log line names its subsystem; the desk
// API maps each class to one HTTP status.
import type { TicketState } from './model.ts';

export class TicketError extends Error {
  override name = 'TicketError';
  constructor(message: string) {
    super(`tickets: ${message}`);
  }
}

/** No such ticket, or one the caller may not see: both read the same, so numbers cannot be probed. */
export class TicketNotFoundError extends TicketError {
  override name = 'TicketNotFoundError';
  constructor(readonly number: string) {
    super(`ticket ${number} not found`);
  }
}

/** The action is not allowed in the ticket's state (or its conditions are not met). */
export class IllegalTransitionError extends TicketError {
  override name = 'IllegalTransitionError';
  constructor(
    readonly number: string,
    readonly state: TicketState,
    readonly action: string,
    readonly reason: string,
  ) {
    super(`cannot ${action} ticket ${number} (state ${state}): ${reason}`);
  }
}

/** Someone changed the ticket since the caller read it: reload and decide again. Nothing was written. */
export class TicketVersionConflictError extends TicketError {
  override name = 'TicketVersionConflictError';
  constructor(
    readonly number: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`ticket ${number} was changed by someone else (expected version ${expected}, it is now ${actual}); reload it`);
  }
}

/** Input the domain cannot accept (unknown category, bad mobile number, oversized reference …). */
export class TicketValidationError extends TicketError {
  override name = 'TicketValidationError';
  constructor(
    message: string,
    /** A Chinese explanation a user can act on, when there is one. */
    readonly userMessage?: string,
  ) {
    super(message);
  }
}

/** A configuration file (categories, time limits, calendar) is wrong; the message names file:line. */
export class TicketConfigError extends TicketError {
  override name = 'TicketConfigError';
}
