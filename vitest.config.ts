import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Native modules (better-sqlite3, hnswlib-node) and real servers: forks isolate them cleanly.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
