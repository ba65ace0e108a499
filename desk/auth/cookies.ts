// The session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/, and
// Secure with the __Host- prefix when the desk is served over https (the browser then refuses it on plain http).
import type { Request, Response } from 'restify';

export interface CookieOptions {
  secure: boolean;
}

export const cookieName = (o: CookieOptions) => (o.secure ? '__Host-lineone_desk' : 'lineone_desk');

export function readSessionCookie(req: Request, o: CookieOptions): string | undefined {
  const header = req.header('cookie');
  if (!header) return undefined;
  const name = cookieName(o);
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setSessionCookie(res: Response, o: CookieOptions, token: string, maxAgeSeconds: number): void {
  res.setHeader('Set-Cookie', serialize(cookieName(o), token, Math.max(0, Math.round(maxAgeSeconds)), o));
}

export function clearSessionCookie(res: Response, o: CookieOptions): void {
  res.setHeader('Set-Cookie', serialize(cookieName(o), '', 0, o));
}

function serialize(name: string, value: string, maxAge: number, o: CookieOptions): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(o.secure ? ['Secure'] : [])].join('; ');
}
