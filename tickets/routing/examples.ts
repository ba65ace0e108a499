// The predictor's training examples (examples/<category>.yaml), validated against the catalog, and the
// deterministic dev split used to tune the model without touching any external data.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { loadYamlFile } from '../config/yaml.ts';
import { TicketConfigError } from '../errors.ts';
import type { Catalog } from './catalog.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_EXAMPLES_DIR = fromRoot('tickets/routing/examples');

export interface Example {
  category: string;
  text: string;
}

const ExampleFile = z.array(z.string().trim().min(2, 'an example needs at least two characters').max(500));

/** Every examples/<category>.yaml; the file name is the category code and must be in the catalog. */
export function loadExamples(catalog: Catalog, dir = DEFAULT_EXAMPLES_DIR): Example[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const examples: Example[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const category = basename(file, '.yaml');
    if (!catalog.has(category)) throw new TicketConfigError(`${file}: "${category}" is not a category in categories.yaml`);
    for (const text of loadYamlFile(join(dir, file), ExampleFile)) {
      const other = seen.get(text);
      if (other) throw new TicketConfigError(`${file}: "${text}" is also an example of ${other}`);
      seen.set(text, category);
      examples.push({ category, text });
    }
  }
  const missing = catalog.categories.filter((c) => !examples.some((e) => e.category === c.code));
  if (missing.length > 0) throw new TicketConfigError(`no examples for ${missing.map((c) => c.code).join(', ')} (add examples/<code>.yaml)`);
  return examples;
}

/** About one example in five, chosen by a hash of its text: stable however the files are edited around it. */
export function isDevExample(e: Example): boolean {
  return (createHash('sha1').update(e.text).digest()[0] as number) % 5 === 0;
}
