import type { Request, Response } from 'restify';
import { errorBody, HttpError } from './errors.ts';

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

/** Wraps a route so any thrown error becomes the JSON error shape (500s hide their details). */
export function route(handler: Handler, onError: (err: unknown, req: Request) => void): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      onError(err, req);
      if (res.headersSent) return;
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
        res.send(err.status, errorBody(err.code, err.message));
      } else res.send(500, errorBody('ServiceError', 'internal error'));
    }
  };
}

/** Logs a failed request at the level its status deserves: 5xx as errors, 4xx as warnings. */
export function logRejection(log: { error(o: object, m: string): void; warn(o: object, m: string): void }, subsystem: string) {
  return (err: unknown, req: Request): void => {
    const status = err instanceof HttpError ? err.status : 500;
    const fields = { err, method: req.method, url: req.url, status };
    if (status >= 500) log.error(fields, `${subsystem}: request failed`);
    else log.warn(fields, `${subsystem}: request rejected`);
  };
}

/**
 * The bearer credential of an Authorization header, or undefined. directlinejs sends
 * "Bearer undefined" when it was given no token: that counts as none.
 */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] && match[1] !== 'undefined' ? match[1] : undefined;
}
