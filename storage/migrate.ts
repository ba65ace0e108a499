import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/**
 * What a module brings to the database: its migrations, in code so they ship with the bundle and
 * run the same on SQLite and PostgreSQL. Names are `<date>-<seq>-<module>-<what>`, so every
 * module's history sorts into one timeline. Append new ones; never edit one that has shipped.
 */
export interface ModuleSchema {
  module: string;
  migrations: Record<string, Migration>;
}

/** Runs every module's pending migrations (app/ decides which modules are present). */
export async function migrateToLatest(db: Kysely<any>, schemas: readonly ModuleSchema[]): Promise<void> {
  const all: Record<string, Migration> = {};
  for (const schema of schemas) {
    for (const [name, migration] of Object.entries(schema.migrations)) {
      if (all[name]) throw new Error(`storage: migration name "${name}" is declared twice (module ${schema.module})`);
      all[name] = migration;
    }
  }
  const provider: MigrationProvider = { getMigrations: async () => all };
  // Modules evolve apart: a module added later may carry a migration dated before another's.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? 'unknown error');
    throw new Error(`storage: migration ${failed?.migrationName ?? ''} failed: ${reason}`);
  }
}
