import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFile, readModel, writeModel } from '../../lib/model-file.ts';

describe('model files', () => {
  it('keep typed arrays as raw bytes beside the JSON and give them back as the same kind, aligned', () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    const file = modelFile(dir, 'triage', 'k1');
    // An odd-length 4-byte array before an 8-byte one: the second must still start 8-byte aligned.
    const model = {
      tfidf: { terms: ['社保', '医保', 'x'], ids: Int32Array.from([1, 2, 3]), idf: Float64Array.from([1.5, 2.25, Math.PI]) },
      nested: [{ w: Float32Array.from([0.5, -1]) }],
      classes: ['question', 'human'],
    };
    writeModel(file, model);
    const back = readModel<typeof model>(file);
    expect(back?.classes).toEqual(['question', 'human']);
    expect(back?.tfidf.terms).toEqual(['社保', '医保', 'x']);
    expect(back?.tfidf.ids).toBeInstanceOf(Int32Array);
    expect([...(back?.tfidf.ids ?? [])]).toEqual([1, 2, 3]);
    expect(back?.tfidf.idf).toBeInstanceOf(Float64Array);
    expect([...(back?.tfidf.idf ?? [])]).toEqual([1.5, 2.25, Math.PI]);
    expect(back?.nested[0]?.w).toBeInstanceOf(Float32Array);
    expect([...(back?.nested[0]?.w ?? [])]).toEqual([0.5, -1]);
  });

  it('replace the older model of a kind, and read a damaged or foreign file as no model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'models-'));
    writeFileSync(join(dir, 'triage-old.json'), '{"weights":"AAAA"}'); // the earlier JSON format
    writeModel(modelFile(dir, 'triage', 'k2'), { a: Float64Array.from([1]) });
    expect(readdirSync(dir)).toEqual(['triage-k2.bin']);
    const broken = modelFile(dir, 'triage', 'k3');
    writeFileSync(broken, 'LOIX1 not really');
    expect(readModel(broken)).toBeUndefined();
    expect(readModel(modelFile(dir, 'triage', 'absent'))).toBeUndefined();
    expect(existsSync(broken)).toBe(true);
  });
});
