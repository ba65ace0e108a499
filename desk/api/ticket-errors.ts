// The ticket domain's typed errors as the one HTTP error shape.
import { badRequest, conflict, HttpError, notFound } from '../../http/errors.ts';
import { IllegalTransitionError, TicketNotFoundError, TicketValidationError, TicketVersionConflictError } from '../../tickets/errors.ts';

export function toHttpError(err: unknown): unknown {
  if (err instanceof TicketNotFoundError) return notFound(err.message);
  if (err instanceof TicketVersionConflictError) return conflict(err.message);
  if (err instanceof IllegalTransitionError) return new HttpError(409, 'IllegalTransition', err.message);
  if (err instanceof TicketValidationError) return badRequest(err.userMessage ? `${err.message} (${err.userMessage})` : err.message);
  return err;
}
