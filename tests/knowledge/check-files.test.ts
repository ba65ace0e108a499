// kb:check reads the synonym table, the menu topics and the triage vocabulary as well as the entries: a mistake in
// any of them would stop the server at start, so the check must name the file and what is wrong.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfigFiles, DEFAULT_CHECKED_FILES, type CheckedFiles } from '../../knowledge/check-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'kb-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies of the shipped files, one of them edited. */
function filesWith(which: keyof CheckedFiles, edit: (text: string) => string): CheckedFiles {
  const out = {} as CheckedFiles;
  for (const key of Object.keys(DEFAULT_CHECKED_FILES) as (keyof CheckedFiles)[]) {
    const file = join(dir, `${key}-${Math.random().toString(36).slice(2)}.yaml`);
    copyFileSync(DEFAULT_CHECKED_FILES[key], file);
    if (key === which) writeFileSync(file, edit(readFileSync(file, 'utf8')));
    out[key] = file;
  }
  return out;
}

describe('kb:check on the files beside the entries', () => {
  it('passes the shipped files', () => {
    expect(checkConfigFiles()).toEqual([]);
  });

  it.each([
    [
      'vocabulary',
      'a pattern that is not a regular expression',
      (t: string) => t.replace("'有没有(人工|真人|活人)'", "'有没有(人工|真人|活人'"),
      /vocabulary.*not a valid regular expression/s,
    ],
    ['synonyms', 'YAML that does not parse', (t: string) => `${t}\n  - [broken`, /synonyms.*YAML/s],
    ['topics', 'a missing file', () => '', /topics/],
  ] as const)('names the %s file when it has %s', (which, _what, edit, message) => {
    const files = filesWith(which, edit);
    if (which === 'topics') rmSync(files.topics);
    const problems = checkConfigFiles(files);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(files[which]);
    expect(problems[0]).toMatch(message);
  });
});
