// City-specific figures: answers write {{local.KEY}}; keys.yaml says what each key is and what to show while
// the operator has not filled it in; city.yaml (optional, per deployment) holds the values.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { z } from 'zod';

export const PLACEHOLDER = /\{\{\s*local\.([A-Za-z0-9_]+)\s*\}\}/g;
/** "本市：", "本市上限：", "（本市下限：…；上限：" just before a figure. */
const LABELLED = /本市[^。\n]{0,16}[：:]\s*$/;

const KeySchema = z.object({
  label: z.string().min(1),
  fallback: z.string().min(1),
  /** figure: a rate, amount or date that answers write after a "本市：" label, following the national rule. */
  kind: z.enum(['figure', 'contact']).default('contact'),
});
const KeysFileSchema = z.record(z.string(), KeySchema);
const CityFileSchema = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

export interface LocalKey {
  label: string;
  fallback: string;
  kind: 'figure' | 'contact';
}

export class LocalSettings {
  constructor(
    readonly keys: ReadonlyMap<string, LocalKey>,
    private readonly values: ReadonlyMap<string, string>,
  ) {}

  /** Loads keys.yaml (required) and city.yaml (optional) from the local settings folder. */
  static load(localDir: string): LocalSettings {
    const keysFile = join(localDir, 'keys.yaml');
    if (!existsSync(keysFile)) throw new Error(`[knowledge/local] missing ${keysFile}`);
    const keys = parseWith(KeysFileSchema, keysFile);
    const cityFile = join(localDir, 'city.yaml');
    const city = existsSync(cityFile) ? parseWith(CityFileSchema, cityFile) : {};
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(city)) {
      if (!(key in keys)) throw new Error(`[knowledge/local] ${cityFile}: unknown key "${key}" (not in keys.yaml)`);
      if (value !== null && String(value).trim() !== '') values.set(key, String(value).trim());
    }
    return new LocalSettings(new Map(Object.entries(keys)), values);
  }

  /** Every KEY used in a text, in order of appearance. */
  static placeholders(text: string): string[] {
    return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
  }

  /** The value shown for a key: the city's value, else the key's fallback text. */
  value(key: string): string {
    const known = this.keys.get(key);
    if (!known) throw new Error(`[knowledge/local] unknown key "${key}"`);
    return this.values.get(key) ?? known.fallback;
  }

  /**
   * Figure placeholders not written after a 本市 label ("本市：{{local.x}}", "本市上限：{{local.x}}"): with the value unset,
   * their fallback would read like an unfilled form in the middle of a sentence.
   */
  unlabelledFigures(text: string): string[] {
    return [...text.matchAll(PLACEHOLDER)]
      .filter((m) => this.keys.get(m[1] ?? '')?.kind === 'figure' && !LABELLED.test(text.slice(0, m.index).replace(PLACEHOLDER, '…')))
      .map((m) => m[1] ?? '');
  }

  /** Fills every known placeholder; an unknown one is left as written (the loader reports it). */
  render(text: string): string {
    return text.replace(PLACEHOLDER, (m, key: string) => (this.keys.has(key) ? this.value(key) : m));
  }
}

function parseWith<T>(schema: z.ZodType<T>, file: string): T {
  return readYamlFile(
    file,
    z.preprocess((v) => v ?? {}, schema),
    'knowledge/local',
  );
}
