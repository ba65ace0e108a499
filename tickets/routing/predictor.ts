// The category predictor: TF-IDF over the knowledge text pipeline + multinomial logistic regression, trained on
// the project's own examples when the ticket domain opens (about a second, deterministic).
import type { Catalog } from './catalog.ts';
import { loadExamples, type Example } from './examples.ts';
import { DEFAULT_FEATURE_SETTINGS, FeatureExtractor, type FeatureSettings, TfIdf } from './features.ts';
import type { CategoryPrediction, CategoryPredictor } from './predictor-port.ts';
import { DEFAULT_TRAIN_SETTINGS, SoftmaxModel, type TrainSettings } from './softmax.ts';

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

  predict(text: string): CategoryPrediction {
    const p = this.model.probabilities(this.tfidf.transform(this.extractor.terms(text)));
    const ranked = this.model.classes.map((category, i) => ({ category, probability: p[i] as number })).sort((a, b) => b.probability - a.probability);
    const best = ranked[0] as { category: string; probability: number };
    return { category: best.category, confidence: best.probability, confident: best.probability >= this.minConfidence, ranked };
  }
}

/** The predictor trained on tickets/routing/examples/. */
export function trainDefaultPredictor(catalog: Catalog): TrainedPredictor {
  return TrainedPredictor.train(loadExamples(catalog));
}
