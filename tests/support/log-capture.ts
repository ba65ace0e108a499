import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../log/logger.ts';

/** A real (masked) logger whose JSON lines a test can read. */
export function captureLog(level = 'info'): { log: Logger; lines: string[]; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  return { log: createLogger(level, sink), lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}
