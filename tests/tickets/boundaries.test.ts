// The module's import rules: tickets/ stands alone (it may read knowledge/text, storage, log, lib); desk/api talks to
// tickets/ and http/; neither reaches into app/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Top-level folders a file imports from (relative imports only). */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1] as string);
  return specifiers.map((s) => relative(root, resolve(file, '..', s)).split('/')[0] as string);
}

describe('import boundaries', () => {
  it.each([
    ['tickets', ['tickets', 'knowledge', 'storage', 'log', 'lib']],
    ['desk', ['desk', 'tickets', 'http', 'log', 'lib']],
  ])('%s/ imports only from %j', (dir, allowed) => {
    expect(sources(dir).length).toBeGreaterThan(3);
    const offending = sources(dir).flatMap((file) =>
      importedFolders(file)
        .filter((f) => !allowed.includes(f))
        .map((f) => `${relative(root, file)} → ${f}/`),
    );
    expect(offending).toEqual([]);
  });

  it('tickets/ reads only the text pipeline of knowledge/', () => {
    const reaches = sources('tickets').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/'((?:\.\.\/)+knowledge\/[^']+)'/g)].map((m) => m[1] as string),
    );
    expect(reaches.every((path) => /\/knowledge\/text\//.test(path))).toBe(true);
  });
});
