import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { z } from 'zod';

/**
 * Reads a YAML file and validates it with a zod schema. Errors name the subsystem, the file and the path of
 * the first bad value, because the person fixing it is looking at the YAML, not at a stack trace.
 */
export function readYamlFile<T>(file: string, schema: z.ZodType<T>, subsystem: string): T {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8')) ?? undefined;
  } catch (err) {
    throw new Error(`[${subsystem}] ${file}: ${(err as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.length ? `${first.path.join('.')}: ` : '';
    throw new Error(`[${subsystem}] ${file}: ${where}${first?.message ?? 'invalid'}`);
  }
  return result.data;
}
