import type { Request, Response } from 'restify';

/**
 * Headers every response carries: no MIME sniffing, no referrer leaking conversation URLs, and for
 * anything that is not a page a policy that lets it run nothing and be framed nowhere. Pages set
 * their own policy (see `pagePolicy`).
 */
export function baselineSecurityHeaders(_req: Request, res: Response, next: () => void): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  return next();
}

/**
 * The Content-Security-Policy of Line One's own pages: scripts only from this origin (no inline
 * script, no eval), connections only back to it (the Direct Line API and its WebSocket stream),
 * images from https (cards link to them), styles from this origin plus inline <style> (the widget
 * styles its shadow root with one). `frameAncestors` lists who may embed the page in a frame.
 */
export function pagePolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ');
}

/** Adds a value to a comma-separated header (Vary) without dropping what is there. */
export function appendHeader(res: Response, name: string, value: string): void {
  const current = String(res.getHeader(name) ?? '');
  const values = current
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (!values.some((v) => v.toLowerCase() === value.toLowerCase())) values.push(value);
  res.setHeader(name, values.join(', '));
}
