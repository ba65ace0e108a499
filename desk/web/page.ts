// The desk's page at /desk/: index.html, desk.js and desk.css built by web/build.ts into web/dist/desk/, read and
// compressed once at start-up. The page's policy allows scripts and styles from this origin only (no inline script)
// and no framing at all: the desk is never shown inside another site.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { errorBody } from '../../http/errors.ts';
import { appendHeader, pagePolicy } from '../../http/security-headers.ts';

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  type: string;
}

const FILES: Record<string, [file: string, type: string]> = {
  '/desk': ['index.html', 'text/html; charset=utf-8'],
  '/desk/desk.js': ['desk.js', 'application/javascript; charset=utf-8'],
  '/desk/desk.css': ['desk.css', 'text/css; charset=utf-8'],
};

export function registerDeskPage(server: Server, distDir: string): void {
  const policy = pagePolicy("'none'");
  for (const [path, [file, type]] of Object.entries(FILES)) {
    const asset = load(join(distDir, file), type);
    server.get(path, (req: Request, res: Response, next: () => void) => {
      if (!asset) res.send(503, errorBody('NotBuilt', `desk/${file} is missing: run "npm run build:web"`));
      else serve(req, res, asset, policy);
      return next();
    });
  }
}

function load(path: string, type: string): Asset | undefined {
  if (!existsSync(path)) return undefined;
  const body = readFileSync(path);
  return { body, gzipped: gzipSync(body), etag: `"${createHash('sha1').update(body).digest('base64url')}"`, type };
}

function serve(req: Request, res: Response, asset: Asset, policy: string): void {
  res.setHeader('ETag', asset.etag);
  // Not fingerprinted: revalidate every time (a 304 costs one round trip) so an upgrade reaches every desk at once.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Security-Policy', policy);
  res.setHeader('X-Frame-Options', 'DENY');
  appendHeader(res, 'Vary', 'Accept-Encoding');
  if (req.header('if-none-match') === asset.etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': body.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
  res.end(body);
}
