// The layering rules of ../shared/DESIGN.md, checked over every import in the source tree. A violation fails
// with the rule's name and the offending import, so the fix is obvious: move the code, or add a port.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['app', 'http', 'log', 'lib', 'storage', 'bot', 'knowledge', 'adapters', 'tickets', 'desk', 'outbox', 'insights', 'web'];

interface Rule {
  name: string;
  /** Does the rule apply to a file (repository-relative path)? */
  from: (file: string) => boolean;
  /** Is this import (a repository-relative path, or a package name) forbidden? */
  forbids: (target: string) => boolean;
}

const under =
  (...dirs: string[]) =>
  (path: string) =>
    dirs.some((d) => path === d || path.startsWith(`${d}/`));
const BROWSER = under('web/widget', 'web/desk');
const FEATURES = under('app', 'bot', 'knowledge', 'adapters', 'tickets', 'desk', 'outbox', 'insights');

export const RULES: readonly Rule[] = [
  { name: 'adapters translate only: no tickets, knowledge or desk', from: under('adapters'), forbids: under('tickets', 'knowledge', 'desk') },
  {
    name: 'the bot knows no channel and no desk, and reaches tickets and insights through its ports',
    from: under('bot'),
    forbids: under('adapters', 'desk', 'tickets', 'insights', 'outbox'),
  },
  { name: 'knowledge stands alone: no bot, tickets, adapters or desk', from: under('knowledge'), forbids: under('bot', 'tickets', 'adapters', 'desk') },
  { name: 'tickets are a domain: no bot, adapters or desk', from: under('tickets'), forbids: under('bot', 'adapters', 'desk') },
  { name: 'the desk is a client of tickets: no bot or adapters', from: under('desk'), forbids: under('bot', 'adapters') },
  { name: 'the outbox delivers through ports: no bot, adapters, tickets or desk', from: under('outbox'), forbids: under('bot', 'adapters', 'tickets', 'desk') },
  { name: 'insights only record and count: no bot, adapters, tickets or desk', from: under('insights'), forbids: under('bot', 'adapters', 'tickets', 'desk') },
  { name: 'foundations (http, log, lib, storage) import no feature module', from: under('http', 'log', 'lib', 'storage'), forbids: FEATURES },
  // Browser bundles may use npm packages (preact, @preact/signals, uplot), never the server's source or Node built-ins.
  {
    name: 'browser code imports no server code',
    from: BROWSER,
    forbids: (t) => t.startsWith('node:') || under(...SOURCE_DIRS.filter((d) => d !== 'web'))(t) || (!t.startsWith('web/') && t.endsWith('.ts')),
  },
  { name: 'nothing imports app/ (the composition root)', from: (f) => !f.startsWith('app/'), forbids: under('app') },
  { name: 'botbuilder stays inside bot/ and adapters/', from: (f) => !under('bot', 'adapters')(f), forbids: (t) => /^botbuilder(-|$)/.test(t) },
];

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** Every import of a file: repository-relative paths for local files, the package name otherwise. */
export function importsOf(file: string, source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec) continue;
    found.push(spec.startsWith('.') ? relative(ROOT, resolve(dirname(file), spec)) : spec);
  }
  return found;
}

export function violations(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const out: string[] = [];
  for (const file of files) {
    const from = relative(ROOT, file);
    for (const target of importsOf(file, read(file))) {
      for (const rule of RULES) if (rule.from(from) && rule.forbids(target)) out.push(`${rule.name}: ${from} imports ${target}`);
    }
  }
  return out;
}

describe('layering', () => {
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d)));

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every import respects the layering rules', () => {
    expect(violations(files)).toEqual([]);
  });

  it.each([
    ['adapters/x.ts', "import { KnowledgeBase } from '../knowledge/search.ts';", 'adapters translate only'],
    ['bot/x.ts', "import type { DirectLineChannel } from '../adapters/webchat/directline.ts';", 'the bot knows no channel'],
    ['knowledge/x.ts', "const t = await import('../tickets/service.ts');", 'knowledge stands alone'],
    ['tickets/x.ts', "export { LineOneBot } from '../bot/line-one-bot.ts';", 'tickets are a domain'],
    ['storage/x.ts', "import { createBot } from '../bot/create-bot.ts';", 'foundations'],
    ['web/widget/x.ts', "import { maskText } from '../../log/mask.ts';", 'browser code imports no server code'],
    ['knowledge/x.ts', "import { loadConfig } from '../app/config.ts';", 'nothing imports app/'],
    ['knowledge/x.ts', "import { TurnContext } from 'botbuilder';", 'botbuilder stays inside'],
  ])('names the rule a violation breaks (%s)', (file, source, rule) => {
    const found = violations([join(ROOT, file)], () => source);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(rule);
  });

  it('allows what the layering allows', () => {
    const ok = [
      ['bot/x.ts', "import { classify } from '../knowledge/triage/classify.ts';\nimport { ActivityHandler } from 'botbuilder';"],
      ['tickets/x.ts', "import { normalize } from '../knowledge/text/normalize.ts';\nimport { route } from '../http/route.ts';"],
      ['app/x.ts', "import { createBot } from '../bot/create-bot.ts';\nimport { SCHEMAS } from './schemas.ts';"],
    ] as const;
    for (const [file, source] of ok) expect(violations([join(ROOT, file)], () => source)).toEqual([]);
  });
});
