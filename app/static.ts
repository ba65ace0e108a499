import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Request, Response, Server } from 'restify';
import { errorBody } from '../http/errors.ts';

interface Asset {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  type: string;
}

/** The widget and the demo page: read and compressed once at start-up, served from memory. */
export function registerStatic(server: Server, distDir: string): void {
  const assets: Record<string, [string, string]> = {
    '/webchat.js': ['webchat.js', 'application/javascript; charset=utf-8'],
    '/': ['index.html', 'text/html; charset=utf-8'],
  };
  for (const [path, [file, type]] of Object.entries(assets)) {
    const asset = load(join(distDir, file), type);
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

function load(path: string, type: string): Asset | undefined {
  if (!existsSync(path)) return undefined;
  const body = readFileSync(path);
  return { body, gzipped: gzipSync(body), etag: `"${createHash('sha1').update(body).digest('base64url')}"`, type };
}

function serve(req: Request, res: Response, asset: Asset): void {
  res.setHeader('ETag', asset.etag);
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.setHeader('Vary', 'Accept-Encoding');
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
