import type { Request, Response } from 'restify';
import type { ZodError } from 'zod';

/**
 * The one HTTP error type. Every 4xx/5xx leaves the server as
 * `{"error": {"code": "...", "message": "..."}}` (the Direct Line shape, used everywhere).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'BadArgument', message);
export const unauthorized = (message = 'missing or invalid token') => new HttpError(401, 'Unauthorized', message);
export const forbidden = (message = 'token not valid for this conversation') => new HttpError(403, 'Forbidden', message);
export const notFound = (message = 'not found') => new HttpError(404, 'NotFound', message);

/** A 400 that says which field was wrong and how, from a failed zod parse. */
export const invalidInput = (error: ZodError) =>
  badRequest(error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

/** Wraps a route so any thrown error becomes the JSON error shape (500s hide their details). */
export function route(handler: Handler, onError: (err: unknown, req: Request) => void): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      onError(err, req);
      if (res.headersSent) return;
      if (err instanceof HttpError) res.send(err.status, errorBody(err.code, err.message));
      else res.send(500, errorBody('ServiceError', 'internal error'));
    }
  };
}
