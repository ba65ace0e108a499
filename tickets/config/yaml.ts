// Ticket configuration files load through the shared YAML reader; a mistake becomes a TicketConfigError (the
// tickets CLI and start-up report those as operator errors, with file:line).
import type { z } from 'zod';
import { ConfigFileError, readYamlFile } from '../../lib/yaml-file.ts';
import { TicketConfigError } from '../errors.ts';

export function loadYamlFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  try {
    return readYamlFile(file, schema, 'tickets');
  } catch (err) {
    if (err instanceof ConfigFileError) throw new TicketConfigError(err.message);
    throw err;
  }
}
