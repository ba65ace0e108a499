// Who is calling the desk API. For now one configured admin bearer token; the real desk login replaces
// adminTokenAuth with another DeskAuth and nothing else changes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';
import { bearerToken } from '../../http/route.ts';
import { unauthorized } from '../../http/errors.ts';
import type { Actor } from '../../tickets/model.ts';

/** Resolves the caller to the actor recorded on every change, or throws a 401 HttpError. */
export type DeskAuth = (req: Request) => Promise<Actor>;

export const MIN_ADMIN_TOKEN_LENGTH = 32;

export function adminTokenAuth(token: string): DeskAuth {
  if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new Error(`desk: the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  // Compare digests so the comparison takes the same time whatever the length of what was sent.
  const expected = digest(token);
  const actor: Actor = { kind: 'agent', id: 'admin', name: '管理员' };
  return async (req) => {
    const given = bearerToken(req.header('authorization'));
    if (given === undefined || !timingSafeEqual(digest(given), expected)) throw unauthorized('desk: missing or invalid admin token');
    return actor;
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();
