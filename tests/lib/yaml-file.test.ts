// Configuration YAML: errors name file and line; the project's own files are kept parsed (data/cache/yaml) and
// read afresh once edited.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readModel, writeModel } from '../../lib/model-file.ts';
import { ConfigFileError, readYamlFile } from '../../lib/yaml-file.ts';
import { fromRoot, ROOT } from '../../lib/paths.ts';

const Schema = z.object({ words: z.array(z.string()) });
const CACHE = fromRoot('data', 'cache', 'yaml');
const cacheFiles = (prefix = '') => {
  try {
    return readdirSync(CACHE).filter((f) => f.startsWith(prefix));
  } catch {
    return [];
  }
};
/** The cache files of one YAML file are named by a hash of its path under the root (other tests add their own). */
const cachedCopiesOf = (file: string) => cacheFiles(`yaml-${createHash('sha256').update(relative(ROOT, file)).digest('hex').slice(0, 16)}-`);

describe('readYamlFile', () => {
  const dir = fromRoot('test-artifacts', `yaml-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file and line of a bad value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'yaml-')), 'bad.yaml');
    writeFileSync(file, 'words:\n  - 社保\n  - 3\n');
    expect(() => readYamlFile(file, Schema, 'test')).toThrow(ConfigFileError);
    expect(() => readYamlFile(file, Schema, 'test')).toThrow(/bad\.yaml:3: words\.1/);
  });

  it('keeps a project file parsed, reads it afresh once edited, and never trusts a cached copy that does not validate', () => {
    const file = join(dir, 'words.yaml');
    writeFileSync(file, 'words: [社保, 医保]\n');
    expect(readYamlFile(file, Schema, 'test')).toEqual({ words: ['社保', '医保'] });
    const added = cachedCopiesOf(file);
    expect(added).toHaveLength(1);
    const cached = join(CACHE, added[0] as string);
    expect(readModel(cached)).toEqual({ words: ['社保', '医保'] });

    // The cached copy is what is read while the file is unchanged…
    writeModel(cached, { words: ['公积金'] });
    expect(readYamlFile(file, Schema, 'test')).toEqual({ words: ['公积金'] });
    // …but one that no longer validates is parsed again from the YAML.
    writeModel(cached, { words: 'oops' });
    expect(readYamlFile(file, Schema, 'test')).toEqual({ words: ['社保', '医保'] });

    // An edit is another file's content: parsed, cached anew, the old copy removed.
    writeFileSync(file, 'words: [工伤]\n');
    expect(readYamlFile(file, Schema, 'test')).toEqual({ words: ['工伤'] });
    const edited = cachedCopiesOf(file);
    expect(edited).toHaveLength(1);
    expect(edited[0]).not.toBe(added[0]);
    for (const f of edited) rmSync(join(CACHE, f));
  });

  it('does not keep files outside the project', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'yaml-')), 'outside.yaml');
    writeFileSync(file, 'words: [失业]\n');
    expect(readYamlFile(file, Schema, 'test')).toEqual({ words: ['失业'] });
    expect(cachedCopiesOf(file)).toEqual([]);
  });
});
