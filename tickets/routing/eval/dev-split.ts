// Evaluation on our own held-out examples (the dev split): train on the other four fifths, score the fifth. This
// is the only data the predictor's settings were tuned on.
import type { Catalog } from '../catalog.ts';
import { isDevExample, loadExamples } from '../examples.ts';
import { DEFAULT_PREDICTOR_SETTINGS, TrainedPredictor, type PredictorSettings } from '../predictor.ts';
import { score, type Scores } from './metrics.ts';

export interface ThresholdRow {
  threshold: number;
  /** Share of messages predicted with at least this confidence. */
  coverage: number;
  /** Accuracy among those. */
  precision: number;
}

export interface DevReport {
  train: number;
  dev: number;
  trainMillis: number;
  scores: Scores;
  thresholds: ThresholdRow[];
}

export function evaluateDevSplit(catalog: Catalog, settings: PredictorSettings = DEFAULT_PREDICTOR_SETTINGS): DevReport {
  const all = loadExamples(catalog);
  const train = all.filter((e) => !isDevExample(e));
  const dev = all.filter(isDevExample);
  const started = performance.now();
  const predictor = TrainedPredictor.train(train, settings);
  const trainMillis = performance.now() - started;
  const predictions = dev.map((e) => ({ gold: e.category, prediction: predictor.predict(e.text) }));
  const scores = score(
    predictions.map((p) => ({ gold: p.gold, predicted: p.prediction.category })),
    catalog.categories.map((c) => c.code),
  );
  const thresholds = [0.2, 0.3, 0.4, 0.5, 0.6].map((threshold) => {
    const kept = predictions.filter((p) => p.prediction.confidence >= threshold);
    return { threshold, coverage: kept.length / dev.length, precision: kept.filter((p) => p.prediction.category === p.gold).length / Math.max(1, kept.length) };
  });
  return { train: train.length, dev: dev.length, trainMillis, scores, thresholds };
}
