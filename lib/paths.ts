import { resolve } from 'node:path';

/**
 * The repository root, where content, configuration and built pages live. Every module finds its files from
 * here rather than from its own location, so the same code runs from source (tsx) and from the server bundle
 * (dist/server.mjs): both sit one directory below the root. LINEONE_ROOT overrides it for an installation that
 * keeps the bundle elsewhere.
 */
export const ROOT = process.env.LINEONE_ROOT ? resolve(process.env.LINEONE_ROOT) : resolve(import.meta.dirname, '..');

/** A path under the repository root. */
export const fromRoot = (...parts: string[]): string => resolve(ROOT, ...parts);
