import { type App, startApp } from '../../app/start.ts';
import { loadConfig } from '../../app/config.ts';
import type { KnowledgePort } from '../../bot/knowledge-port.ts';
import { createLogger, type Logger } from '../../log/logger.ts';
import { fixtureKnowledge } from './knowledge.ts';

export interface TestAppOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  knowledge?: KnowledgePort;
  wechatyPuppet?: () => unknown;
  /** A logger of the test's own (e.g. one writing to a capture sink). */
  log?: Logger;
}

/** A real server on a free port, quiet unless LINEONE_TEST_LOG is set. */
export async function startTestApp(options: TestAppOptions): Promise<App> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: process.env.LINEONE_TEST_LOG ?? 'silent',
    ...options.env,
  });
  return startApp(config, {
    knowledge: options.knowledge ?? fixtureKnowledge(),
    log: options.log ?? createLogger(config.LOG_LEVEL),
    wechatyPuppet: options.wechatyPuppet,
  });
}
