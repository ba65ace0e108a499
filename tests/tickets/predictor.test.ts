// The category predictor: deterministic, sensible on new sentences, honest about uncertainty, and used by the
// service when a ticket arrives without a category.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../tickets/routing/catalog.ts';
import { evaluateDevSplit } from '../../tickets/routing/eval/dev-split.ts';
import { TEDDY_MAP } from '../../tickets/routing/eval/teddy.ts';
import { loadExamples } from '../../tickets/routing/examples.ts';
import { loadOrTrainDefaultPredictor, trainDefaultPredictor, TrainedPredictor } from '../../tickets/routing/predictor.ts';
import { sqliteDatabase } from '../support/services.ts';
import { alice, openHarness } from './support.ts';

const catalog = Catalog.load();
let predictor: TrainedPredictor;
beforeAll(() => {
  predictor = trainDefaultPredictor(catalog);
});

describe('category predictor', () => {
  // Sentences written for this test, not in the examples.
  it.each([
    ['公积金能不能拿来付首付', 'housing_fund'],
    ['厂里三个月没发工资了，老板电话也不接', 'labour'],
    ['在工地上干活摔断了腿，要做工伤认定', 'work_injury'],
    ['门诊报销的比例能不能再提高一点', 'medical_insurance'],
    ['半夜工厂排放的废气熏得人喘不过气', 'environment'],
    ['出租车师傅拒载还骂人', 'transport'],
    ['孩子在幼儿园被老师打了', 'education'],
    ['饭馆的菜里吃出了钢丝球', 'food_drug'],
    ['电子发票开错了抬头怎么作废重开', 'tax'],
    ['物业每年涨物业费，业主委员会都不知道', 'housing'],
  ])('%s → %s', (text, category) => {
    expect(predictor.predict(text).category).toBe(category);
  });

  it('is deterministic: the same examples train the same model', () => {
    const again = TrainedPredictor.train(loadExamples(catalog));
    for (const text of ['社保断缴怎么办', '垃圾没人清运', '随便说点什么']) expect(again.predict(text)).toEqual(predictor.predict(text));
  });

  it('is saved after training and loaded at the next start, predicting exactly as trained', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineone-model-'));
    try {
      const categoriesFile = join(dir, 'categories.yaml');
      writeFileSync(categoriesFile, 'the categories file is part of the key; its content is not read here');
      const first = loadOrTrainDefaultPredictor(catalog, join(dir, 'models'), categoriesFile);
      const saved = readdirSync(join(dir, 'models'));
      expect(saved).toHaveLength(1);
      const loaded = loadOrTrainDefaultPredictor(catalog, join(dir, 'models'), categoriesFile);
      expect(loaded).not.toBe(first);
      for (const text of ['社保断缴怎么办', '饭馆的菜里吃出了钢丝球', '随便说点什么']) expect(loaded.predict(text)).toEqual(predictor.predict(text));
      // Changed inputs train a new model and replace the old one.
      writeFileSync(categoriesFile, 'edited');
      loadOrTrainDefaultPredictor(catalog, join(dir, 'models'), categoriesFile);
      const after = readdirSync(join(dir, 'models'));
      expect(after).toHaveLength(1);
      expect(after).not.toEqual(saved);
      // A damaged file is trained over, not trusted.
      writeFileSync(join(dir, 'models', after[0] as string), '{"tfidf":');
      expect(loadOrTrainDefaultPredictor(catalog, join(dir, 'models'), categoriesFile).predict('社保断缴怎么办')).toEqual(predictor.predict('社保断缴怎么办'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ranks every category with probabilities that sum to one', () => {
    const p = predictor.predict('养老保险转移');
    expect(p.ranked).toHaveLength(catalog.categories.length);
    expect(p.ranked.reduce((s, r) => s + r.probability, 0)).toBeCloseTo(1, 6);
    expect(p.ranked[0]).toEqual({ category: p.category, probability: p.confidence });
  });

  it.each(['', 'asdf qwer zxcv', '12345', '！！！'])('is not confident about %j', (text) => {
    expect(predictor.predict(text).confident).toBe(false);
  });

  it('scores at least 0.70 accuracy on the held-out fifth of its own examples', () => {
    expect(evaluateDevSplit(catalog).scores.accuracy).toBeGreaterThanOrEqual(0.7);
  });

  it('maps every category to an evaluation class or explicitly to none', () => {
    expect(Object.keys(TEDDY_MAP).sort()).toEqual(catalog.categories.map((c) => c.code).sort());
  });
});

describe('service with the predictor', () => {
  it('fills in a confident category and its type, and falls back to 其他 when unsure', async () => {
    const target = sqliteDatabase();
    const h = await openHarness(target, { predictor });
    const agent = { kind: 'agent' as const, id: 'a' };
    const predicted = await h.tickets.service.create({ requestText: '我们公司想给员工开户缴存住房公积金', requester: alice }, agent);
    expect(predicted).toMatchObject({ category: 'housing_fund', type: 'consultation' });
    const unsure = await h.tickets.service.create({ requestText: '喂喂喂', requester: alice }, agent);
    expect(unsure.category).toBe('other');
    await h.close();
    await target.drop();
  });
});
