// The category predictor: TF-IDF over the knowledge text pipeline + multinomial logistic regression, trained on
// the project's own examples (about half a second, deterministic) and saved, so a start-up with unchanged examples,
// dictionary and code loads the model instead of training it again.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashFiles, modelFile, readModel, writeModel } from '../../lib/model-file.ts';
import { fromRoot } from '../../lib/paths.ts';
import { DEFAULT_DICT_FILE } from '../../knowledge/text/tokenize.ts';
import { DEFAULT_SYNONYMS_FILE } from '../../knowledge/text/synonyms.ts';
import type { Catalog } from './catalog.ts';
import { DEFAULT_EXAMPLES_DIR, loadExamples, type Example } from './examples.ts';
import { DEFAULT_FEATURE_SETTINGS, FeatureExtractor, type FeatureSettings, TfIdf } from '../../knowledge/text/features.ts';
import type { CategoryPrediction, CategoryPredictor } from './predictor-port.ts';
import { DEFAULT_TRAIN_SETTINGS, SoftmaxModel, type TrainSettings } from '../../lib/softmax.ts';

/**
 * Below this probability the prediction is not trusted and callers use the fallback category (其他), so an agent
 * picks the category. Chosen on the dev split (npm run tickets:eval prints precision above and below it).
 */
export const DEFAULT_MIN_CONFIDENCE = 0.3;

export interface PredictorSettings {
  features: FeatureSettings;
  training: TrainSettings;
  minConfidence: number;
}

export const DEFAULT_PREDICTOR_SETTINGS: PredictorSettings = {
  features: DEFAULT_FEATURE_SETTINGS,
  training: DEFAULT_TRAIN_SETTINGS,
  minConfidence: DEFAULT_MIN_CONFIDENCE,
};

export class TrainedPredictor implements CategoryPredictor {
  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly tfidf: TfIdf,
    private readonly model: SoftmaxModel,
    readonly minConfidence: number,
  ) {}

  static train(examples: readonly Example[], settings: PredictorSettings = DEFAULT_PREDICTOR_SETTINGS): TrainedPredictor {
    const extractor = FeatureExtractor.withKnowledgeText(settings.features);
    const documents = examples.map((e) => extractor.terms(e.text));
    const tfidf = TfIdf.fit(documents, settings.features.minDf);
    const classes = [...new Set(examples.map((e) => e.category))].sort();
    const xs = documents.map((d) => tfidf.transform(d));
    const ys = examples.map((e) => classes.indexOf(e.category));
    const model = SoftmaxModel.train(xs, ys, classes, tfidf.size, settings.training);
    return new TrainedPredictor(extractor, tfidf, model, settings.minConfidence);
  }

  toJSON(): SavedPredictor {
    return { tfidf: this.tfidf.toJSON(), model: this.model.toJSON(), minConfidence: this.minConfidence, features: this.extractor.settings };
  }

  static fromJSON(saved: SavedPredictor): TrainedPredictor {
    const tfidf = TfIdf.fromJSON(saved.tfidf);
    return new TrainedPredictor(FeatureExtractor.withKnowledgeText(saved.features), tfidf, SoftmaxModel.fromJSON(saved.model, tfidf.size), saved.minConfidence);
  }

  predict(text: string): CategoryPrediction {
    const p = this.model.probabilities(this.tfidf.transform(this.extractor.terms(text)));
    const ranked = this.model.classes.map((category, i) => ({ category, probability: p[i] as number })).sort((a, b) => b.probability - a.probability);
    const best = ranked[0] as { category: string; probability: number };
    return { category: best.category, confidence: best.probability, confident: best.probability >= this.minConfidence, ranked };
  }
}

interface SavedPredictor {
  tfidf: ReturnType<TfIdf['toJSON']>;
  model: ReturnType<SoftmaxModel['toJSON']>;
  minConfidence: number;
  features: FeatureSettings;
}

/** The predictor trained on tickets/routing/examples/. */
export function trainDefaultPredictor(catalog: Catalog): TrainedPredictor {
  return TrainedPredictor.train(loadExamples(catalog));
}

/**
 * The default predictor, from `dir` when a model trained on the same inputs was saved there, else trained and saved
 * (written under a temporary name and renamed, so a crash never leaves half a model; older models are removed).
 */
export function loadOrTrainDefaultPredictor(catalog: Catalog, dir: string, categoriesFile: string): TrainedPredictor {
  const file = modelFile(dir, 'predictor', modelKey(categoriesFile));
  const saved = readModel<SavedPredictor>(file);
  if (saved) {
    try {
      return TrainedPredictor.fromJSON(saved);
    } catch {
      // saved by another version of the code: train again below and overwrite it
    }
  }
  const predictor = trainDefaultPredictor(catalog);
  writeModel(file, predictor.toJSON());
  return predictor;
}

/** What the model depends on: the examples, the categories, the dictionary and synonyms, the code and its settings. */
function modelKey(categoriesFile: string): string {
  const hash = createHash('sha256').update(JSON.stringify(DEFAULT_PREDICTOR_SETTINGS));
  const files = [
    categoriesFile,
    DEFAULT_DICT_FILE,
    DEFAULT_SYNONYMS_FILE,
    ...readdirSync(DEFAULT_EXAMPLES_DIR)
      .filter((n) => n.endsWith('.yaml'))
      .sort()
      .map((n) => join(DEFAULT_EXAMPLES_DIR, n)),
    ...['tickets/routing', 'knowledge/text'].flatMap((d) =>
      readdirSync(fromRoot(d))
        .filter((n) => n.endsWith('.ts'))
        .sort()
        .map((n) => fromRoot(d, n)),
    ),
  ];
  hashFiles(hash, files);
  return hash.digest('hex').slice(0, 24);
}
