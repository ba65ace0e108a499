// The learned second opinion of triage. The vocabulary's rules are precise but only know the words someone wrote
// down; complaints, personal cases, distress and other departments' matters come in endless phrasings ("公积金中心说
// 我材料不全 上次明明是他们自己说够了的", "物业不给修漏水的屋顶"). A multinomial logistic regression over the KB's
// own text features (words, character bigrams, single characters) reads them by their likeness to examples:
// - knowledge questions: every phrasing of the KB's entries;
// - requests for a person, complaints, distress, small talk and other departments' matters: the dev triage sets
//   (the only sets it trains on; kb:eval reports them as training figures, the check sets are never trained on);
// - other departments' matters, by department: the ticket predictor's examples of the non-insurance categories.
// It is asked only when the rules found nothing and the KB has no confident answer (query.ts), so it can turn a
// choice list or a generic handoff into the right route, never a right answer into a handoff.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashFiles, modelFile, readModel, writeModel } from '../../lib/model-file.ts';
import { z } from 'zod';
import { fromRoot } from '../../lib/paths.ts';
import { SoftmaxModel, type TrainSettings } from '../../lib/softmax.ts';
import { hashText } from '../../lib/random.ts';
import { readYamlFile } from '../../lib/yaml-file.ts';
import { FeatureExtractor, type FeatureSettings, TfIdf } from '../text/features.ts';
import type { Synonyms } from '../text/synonyms.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import { TICKET_CATEGORIES, type TicketCategory } from './vocabulary.ts';

/** The dev triage sets and the retired held-out ones (eval/sets.ts RETIRED_DIRS): the model's labelled non-questions. */
export const TRIAGE_EXAMPLE_FILES = [
  ...[
    'dev-triage.yaml',
    'dev-2/triage.yaml',
    'dev-3/triage.yaml',
    'heldout-2/triage.yaml',
    'heldout-3/triage.yaml',
    'heldout-4/triage.yaml',
    'heldout-5/triage.yaml',
    'heldout-6/triage.yaml',
    'heldout-7/triage.yaml',
  ].map((f) => fromRoot('knowledge/eval', f)),
  // Written for the model in the project's words: grievances (the eval sets have few), and questions that sound like one.
  fromRoot('knowledge/triage/examples.yaml'),
];
/**
 * Calibration questions as users type them (the KB's phrasings are tidier): more knowledge questions, in their words.
 * The labelled questions of content/asked/ come in with the phrasings.
 */
export const QUESTION_EXAMPLE_FILES = ['calibration.yaml', 'calibration-2.yaml'].map((f) => fromRoot('knowledge/eval', f));
/** Project-written examples of every ticket category (tickets/routing/examples/<code>.yaml). */
export const DEPARTMENT_EXAMPLES_DIR = fromRoot('tickets/routing/examples');

/** Ticket category codes whose matters are another department's, as the vocabulary's categories. */
const OTHER_DEPARTMENTS: Readonly<Record<string, TicketCategory>> = {
  employment: '就业人才',
  labour: '就业人才',
  tax: '税务',
  market: '市场监管',
  food_drug: '市场监管',
  urban: '城市管理',
  housing: '住建',
  transport: '交通',
  environment: '生态环境',
  education: '教育',
  health: '卫生健康',
  commerce: '商务',
  culture_sports: '其他',
  tourism: '其他',
};

export type LearnedKind = 'question' | 'human' | 'complaint' | 'urgent' | 'small_talk' | 'out_of_scope';

export interface LearnedTriage {
  kind: LearnedKind;
  probability: number;
  /** out_of_scope: the category of the department that handles it. */
  category?: TicketCategory;
}

const FEATURES: FeatureSettings = { maxChars: 300, charWeight: 1, trigrams: false, unigrams: true, minDf: 1 };
const TRAINING: TrainSettings = { epochs: 30, learningRate: 1, l2: 1e-5, seed: 2026, balanced: true };
const OUT_OF_SCOPE = 'out_of_scope:';
/** The kinds a person takes over. */
const PERSON: ReadonlySet<string> = new Set(['human', 'complaint', 'urgent']);

interface Example {
  text: string;
  label: string;
}

const TriageExamples = z.array(
  z.object({ text: z.union([z.string(), z.number()]).transform(String), kind: z.string(), department: z.enum(TICKET_CATEGORIES).optional() }).passthrough(),
);
const DepartmentExamples = z.array(z.string());
const QuestionExamples = z.array(z.object({ q: z.union([z.string(), z.number()]).transform(String), expect: z.string() }).passthrough());

export class TriageModel {
  private constructor(
    private readonly extractor: FeatureExtractor,
    private readonly tfidf: TfIdf,
    private readonly model: SoftmaxModel,
  ) {}

  static train(examples: readonly Example[], extractor: FeatureExtractor): TriageModel {
    const documents = examples.map((e) => extractor.terms(e.text));
    const tfidf = TfIdf.fit(documents, FEATURES.minDf);
    const classes = [...new Set(examples.map((e) => e.label))].sort();
    const model = SoftmaxModel.train(
      documents.map((d) => tfidf.transform(d)),
      examples.map((e) => classes.indexOf(e.label)),
      classes,
      tfidf.size,
      TRAINING,
      // Ordered by each example's own text: a phrasing added to the KB leaves the others' order, and so the model, as
      // it was but for what that phrasing teaches (with one shuffled order it moved every reading a little).
      examples.map((e) => hashText(`${e.label}\u0000${e.text}`)),
    );
    return new TriageModel(extractor, tfidf, model);
  }

  /** The last reading: a turn asks about the same message twice (the intent step, then the search). */
  private last: { text: string; reading: LearnedTriage } | undefined;

  predict(text: string): LearnedTriage {
    if (this.last?.text === text) return this.last.reading;
    const reading = this.read(text);
    this.last = { text, reading };
    return reading;
  }

  private read(text: string): LearnedTriage {
    const p = this.model.probabilities(this.tfidf.transform(this.extractor.terms(text)));
    let best = 0;
    for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[best] as number)) best = i;
    const label = this.model.classes[best] as string;
    if (label.startsWith(OUT_OF_SCOPE)) {
      // The department is the likeliest one; the kind's probability is all departments' together.
      let outside = 0;
      this.model.classes.forEach((c, i) => (outside += c.startsWith(OUT_OF_SCOPE) ? (p[i] as number) : 0));
      return { kind: 'out_of_scope', probability: outside, category: label.slice(OUT_OF_SCOPE.length) as TicketCategory };
    }
    if (PERSON.has(label)) {
      // One route for all three (a person takes over): how sure it is, is their sum.
      let person = 0;
      this.model.classes.forEach((c, i) => (person += PERSON.has(c) ? (p[i] as number) : 0));
      return { kind: label as LearnedKind, probability: person };
    }
    return { kind: label as LearnedKind, probability: p[best] as number };
  }

  /** How likely each department's matter it is (the out-of-scope classes' probabilities), for choosing among several. */
  departmentOdds(text: string): Map<TicketCategory, number> {
    const p = this.model.probabilities(this.tfidf.transform(this.extractor.terms(text)));
    const odds = new Map<TicketCategory, number>();
    this.model.classes.forEach((c, i) => {
      if (c.startsWith(OUT_OF_SCOPE)) odds.set(c.slice(OUT_OF_SCOPE.length) as TicketCategory, p[i] as number);
    });
    return odds;
  }

  toJSON(): SavedModel {
    return { tfidf: this.tfidf.toJSON(), model: this.model.toJSON() };
  }

  static fromJSON(saved: SavedModel, extractor: FeatureExtractor): TriageModel {
    const tfidf = TfIdf.fromJSON(saved.tfidf);
    return new TriageModel(extractor, tfidf, SoftmaxModel.fromJSON(saved.model, tfidf.size));
  }
}

/** The KB's text pipeline and the files it was made from. */
export interface TextPipeline {
  tokenizer: Tokenizer;
  synonyms: Synonyms;
  dictFile: string;
  synonymsFile: string;
}

interface SavedModel {
  tfidf: ReturnType<TfIdf['toJSON']>;
  model: ReturnType<SoftmaxModel['toJSON']>;
}

/** The training examples: the KB's phrasings as questions, the dev triage sets, other departments' examples. */
export function triageExamples(phrasings: readonly string[]): Example[] {
  const examples: Example[] = phrasings.map((text) => ({ text, label: 'question' }));
  // A question the KB has no entry for may be a personal case: only the answerable ones teach what a question is.
  for (const file of QUESTION_EXAMPLE_FILES)
    for (const c of readYamlFile(file, QuestionExamples, 'knowledge/triage')) if (c.expect !== 'none') examples.push({ text: c.q, label: 'question' });
  for (const file of TRIAGE_EXAMPLE_FILES) {
    for (const c of readYamlFile(file, TriageExamples, 'knowledge/triage')) {
      if (c.kind === 'out_of_scope') examples.push({ text: c.text, label: `${OUT_OF_SCOPE}${c.department ?? '其他'}` });
      else examples.push({ text: c.text, label: c.kind });
    }
  }
  for (const [code, category] of Object.entries(OTHER_DEPARTMENTS)) {
    const file = join(DEPARTMENT_EXAMPLES_DIR, `${code}.yaml`);
    if (!existsSync(file)) continue;
    for (const text of readYamlFile(file, DepartmentExamples, 'knowledge/triage')) examples.push({ text, label: `${OUT_OF_SCOPE}${category}` });
  }
  return examples;
}

const memory = new Map<string, SavedModel>();

/**
 * The model for these phrasings and text pipeline: from `dir` when one trained on the same inputs was saved there,
 * or from this process's memory (tests and the eval open many in-memory KBs), else trained (about a second); saved
 * to `dir` under a temporary name, then renamed: never half a file.
 */
export function loadOrTrainTriageModel(text: TextPipeline, phrasings: readonly string[], dir: string | null): TriageModel {
  const extractor = new FeatureExtractor(text.tokenizer, text.synonyms, FEATURES);
  const key = modelKey(phrasings, [text.dictFile, text.synonymsFile]);
  const file = dir ? modelFile(dir, 'triage', key) : undefined;
  const saved = (file ? readModel<SavedModel>(file) : undefined) ?? memory.get(key);
  if (saved) {
    try {
      const model = TriageModel.fromJSON(saved, extractor);
      memory.set(key, saved);
      if (file && !existsSync(file)) writeModel(file, saved); // trained earlier in this process, for another folder
      return model;
    } catch {
      // a file of another shape (a hand edit): trained again below and overwritten
    }
  }
  const model = TriageModel.train(triageExamples(phrasings), extractor);
  memory.set(key, model.toJSON());
  if (file) writeModel(file, model.toJSON());
  return model;
}

/** What the model depends on: the phrasings, the example files, the text pipeline's tables and code, the settings. */
function modelKey(phrasings: readonly string[], tables: readonly string[]): string {
  const hash = createHash('sha256').update(JSON.stringify({ FEATURES, TRAINING, OTHER_DEPARTMENTS })).update(phrasings.join('\n'));
  const files = [
    ...tables,
    ...TRIAGE_EXAMPLE_FILES,
    ...QUESTION_EXAMPLE_FILES,
    ...Object.keys(OTHER_DEPARTMENTS).map((code) => join(DEPARTMENT_EXAMPLES_DIR, `${code}.yaml`)),
    ...['knowledge/text', 'lib'].flatMap((d) =>
      readdirSync(fromRoot(d))
        .filter((n) => n.endsWith('.ts'))
        .sort()
        .map((n) => fromRoot(d, n)),
    ),
    fromRoot('knowledge/triage/model.ts'),
  ];
  hashFiles(hash, files);
  return hash.digest('hex').slice(0, 24);
}
