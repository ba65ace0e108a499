import pino, { type Logger, type DestinationStream } from 'pino';
import { maskDeep, maskText } from './mask.ts';

export type { Logger };

/**
 * Structured JSON logs. Every record and message passes through the masker, so a phone number or
 * 身份证号 typed by a user never reaches the log, whoever logs it.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'line-one' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (record) => maskDeep(record) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((arg) => (typeof arg === 'string' ? maskText(arg) : arg));
          return method.apply(this, masked as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
