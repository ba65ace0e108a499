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
    /** Extra response headers (e.g. Retry-After on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, 'BadArgument', message);
export const unauthorized = (message = 'missing or invalid token') => new HttpError(401, 'Unauthorized', message);
export const forbidden = (message = 'token not valid for this conversation') => new HttpError(403, 'Forbidden', message);
export const notFound = (message = 'not found') => new HttpError(404, 'NotFound', message);
export const conflict = (message: string) => new HttpError(409, 'Conflict', message);
export const tooManyRequests = (retryAfterSeconds: number, message = 'too many requests') =>
  new HttpError(429, 'TooManyRequests', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

/** A 400 that says which field was wrong and how, from a failed zod parse. */
export const invalidInput = (error: ZodError) => badRequest(error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));

export function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
