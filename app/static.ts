import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { errorBody } from '../http/errors.ts';
import { appendHeader, pagePolicy } from '../http/security-headers.ts';

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  type: string;
  headers: Record<string, string>;
}

export interface StaticOptions {
  /** CSP frame-ancestors of the demo page: who may show it in a frame ("'none'", "'self' https://www.example.gov.cn"). */
  frameAncestors: string;
}

/**
 * The widget and the demo page: read and compressed once at start-up, served from memory. The page
 * gets a policy without inline script; the script may be loaded by any site (that is its job).
 */
export function registerStatic(server: Server, distDir: string, options: StaticOptions): void {
  const pageHeaders = { 'Content-Security-Policy': pagePolicy(options.frameAncestors) };
  const scriptHeaders = { 'Cross-Origin-Resource-Policy': 'cross-origin' };
  const assets: Record<string, [string, string]> = {
    '/webchat.js': ['webchat.js', 'application/javascript; charset=utf-8'],
    '/': ['index.html', 'text/html; charset=utf-8'],
  };
  for (const [path, [file, type]] of Object.entries(assets)) {
    const asset = load(join(distDir, file), type, file.endsWith('.html') ? pageHeaders : scriptHeaders);
    server.get(path, (req: Request, res: Response, next: () => void) => {
      if (!asset) {
        res.send(503, errorBody('NotBuilt', `${file} is missing: run "npm run build:web"`));
        return next();
      }
      serve(req, res, asset);
      return next();
    });
  }
}

function load(path: string, type: string, headers: Record<string, string>): Asset | undefined {
  if (!existsSync(path)) return undefined;
  const body = readFileSync(path);
  return { body, gzipped: gzipSync(body), etag: `"${createHash('sha1').update(body).digest('base64url')}"`, type, headers };
}

function serve(req: Request, res: Response, asset: Asset): void {
  res.setHeader('ETag', asset.etag);
  res.setHeader('Cache-Control', 'public, max-age=300');
  appendHeader(res, 'Vary', 'Accept-Encoding'); // after the CORS layer's Origin, not instead of it
  for (const [name, value] of Object.entries(asset.headers)) res.setHeader(name, value);
  if (req.header('if-none-match') === asset.etag) {
    res.writeHead(304);
    res.end();
    return;
  }
  const gzip = /\bgzip\b/.test(req.header('accept-encoding') ?? '');
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    'Content-Type': asset.type,
    'Content-Length': body.length,
    ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
  });
  res.end(body);
}
