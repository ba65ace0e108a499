// What the service needs from a category predictor (routing/predictor.ts is the real one).

export interface CategoryPrediction {
  /** The most likely catalog category code. */
  category: string;
  /** Its probability, 0–1. */
  confidence: number;
  /** True when confidence reaches the predictor's threshold; otherwise callers use the fallback category (其他). */
  confident: boolean;
  /** Every category by probability, best first. */
  ranked: { category: string; probability: number }[];
}

export interface CategoryPredictor {
  predict(text: string): CategoryPrediction;
}
