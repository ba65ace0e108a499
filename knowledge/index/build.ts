// Builds an IndexSnapshot from validated entries: every question and alternate becomes one document in both
// channels; the typo corrector learns the KB's own vocabulary.
import type { Entry } from '../content/schema.ts';
import { BIGRAM_PREFIX, SOUND_PREFIX, type Analyzer } from '../text/analyzer.ts';
import { PinyinCorrector } from '../text/pinyin.ts';
import { DenseChannel, type EmbeddingsConfig } from './dense.ts';
import { LexicalIndex, type LexicalParams, DEFAULT_LEXICAL_PARAMS } from './lexical.ts';
import { IndexSnapshot } from './snapshot.ts';
import { groupRows, rowCount, TermMatrixBuilder, type TermMatrix } from './term-matrix.ts';

export interface BuildInput {
  entries: readonly Entry[];
  /** Analyzer without vocabulary (normalize + synonyms + tokenizer). */
  analyzer: Analyzer;
  embeddings: EmbeddingsConfig;
  /** Domain words (dict.txt, synonym targets): the corrector may map typos to them even if rare in the KB. */
  domainWords: readonly string[];
  hash: string;
  settings?: IndexSettings;
  onError?: (err: Error) => void;
}

export interface IndexSettings {
  lexical: LexicalParams;
  /**
   * Weight of the answer text in the entry-level lexical document (0 = phrasings only). Answers use the formal
   * terms (视同缴费年限, 逐月延迟) that terse questions also use; a low weight lets them count without letting a long
   * answer outvote the phrasings.
   */
  answerWeight: number;
  /** Train the local dense model on answer sentences too (as extra examples of their entry). */
  answerTraining: boolean;
  /** Sentences taken from the top of each answer (the first lines carry the direct answer and its key terms). */
  answerSentences: number;
}

export const DEFAULT_INDEX_SETTINGS: IndexSettings = { lexical: DEFAULT_LEXICAL_PARAMS, answerWeight: 0.2, answerTraining: true, answerSentences: 6 };

/** The answer's sentences, without markdown, headings or placeholders: extra evidence of what an entry is about. */
export function answerSentences(answer: string): string[] {
  return answer
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/\*\*|__|`|\[|\]\([^)]*\)/g, '')
    .split(/\n|。|；|;/)
    .map((l) => l.replace(/^\s*(?:[-*]|\d+[.、)])\s*/, '').trim())
    .filter((l) => [...l].length >= 6);
}

/**
 * Every phrasing to index, with its entry: the KB's own (question, alternates), then the labelled user questions
 * (`asked`, flagged): those are searched like the others but are not the KB's vocabulary (they hold users' typos).
 */
export function phrasingsOf(entries: readonly Entry[]): { phrasings: string[]; docEntry: Int32Array; fromUsers: Uint8Array } {
  const phrasings: string[] = [];
  const owners: number[] = [];
  const fromUsers: number[] = [];
  entries.forEach((e, i) => {
    for (const [texts, flag] of [
      [[e.question, ...e.alternates], 0],
      [e.asked ?? [], 1],
    ] as const)
      for (const text of texts) {
        phrasings.push(text);
        owners.push(i);
        fromUsers.push(flag);
      }
  });
  return { phrasings, docEntry: Int32Array.from(owners), fromUsers: Uint8Array.from(fromUsers) };
}

/**
 * Counts each term once per phrasing. Over the KB's own phrasings this is its vocabulary: what it "knows" (a message
 * with other words names something it does not cover) and what the typo corrector corrects towards. Users' questions
 * are left out, or their words (老板跑路) and typos would pass for the KB's.
 */
function countTerms(counts: Map<string, number>, terms: ReadonlyMap<string, number>): void {
  for (const term of terms.keys()) counts.set(term, (counts.get(term) ?? 0) + 1);
}

export function buildCorrector(vocabulary: ReadonlyMap<string, number>, domainWords: readonly string[]): PinyinCorrector {
  const counts = new Map<string, number>();
  for (const [term, df] of vocabulary) if (!term.startsWith(BIGRAM_PREFIX) && !term.startsWith(SOUND_PREFIX)) counts.set(term, df);
  // Domain words count as well established even when only one phrasing uses them.
  for (const w of domainWords) counts.set(w, Math.max(counts.get(w) ?? 0, 2));
  return PinyinCorrector.build(counts);
}

export async function buildSnapshot(input: BuildInput): Promise<IndexSnapshot> {
  const started = performance.now();
  const stages: Record<string, number> = {};
  let mark = started;
  const stage = (name: string) => {
    const now = performance.now();
    stages[name] = Math.round(now - mark);
    mark = now;
  };
  const settings = input.settings ?? DEFAULT_INDEX_SETTINGS;
  const { phrasings, docEntry, fromUsers } = phrasingsOf(input.entries);
  const rows = new TermMatrixBuilder();
  const vocabulary = new Map<string, number>();
  phrasings.forEach((p, d) => {
    const terms = input.analyzer.document(p);
    rows.add(terms);
    if (!fromUsers[d]) countTerms(vocabulary, terms);
  });
  const phrasingMatrix = rows.build();
  stage('analyze phrasings');
  const lexical = LexicalIndex.build(phrasingMatrix, settings.lexical);

  // Answer sentences: extra rows sharing the phrasing term table, owned by their entry.
  const answerRows = TermMatrixBuilder.from(phrasingMatrix);
  const answerOwner: number[] = [];
  if (settings.answerWeight > 0 || settings.answerTraining) {
    input.entries.forEach((e, i) => {
      for (const sentence of answerSentences(e.answer).slice(0, settings.answerSentences)) {
        answerRows.add(input.analyzer.document(sentence));
        answerOwner.push(i);
      }
    });
  }
  const answers = { matrix: answerRows.build(), owner: Int32Array.from(answerOwner), weight: settings.answerWeight };
  stage('analyze answers');
  const entryLexical = LexicalIndex.build(groupRows(phrasingMatrix, docEntry, input.entries.length, answers), settings.lexical);

  const known = new Set(vocabulary.keys());
  const analyzer = input.analyzer.withVocabulary((w) => known.has(w), buildCorrector(vocabulary, input.domainWords));
  stage('lexical indexes + typo corrector');
  const docs = phrasings.map((text, i) => ({ text, entryId: (input.entries[docEntry[i] as number] as Entry).id }));
  const training = settings.answerTraining ? concatRows(phrasingMatrix, docEntry, answers.matrix, answers.owner) : { matrix: phrasingMatrix, labels: docEntry };
  const dense = await DenseChannel.build(input.embeddings, analyzer, docs, phrasingMatrix, training, input.entries.length, input.onError ?? (() => {}), stage);
  const info = { hash: input.hash, builtAt: new Date().toISOString(), reused: false, millis: performance.now() - started, stages };
  return new IndexSnapshot(input.entries, phrasings, docEntry, analyzer, lexical, entryLexical, dense, info, known);
}

/** Phrasing rows then answer rows, as one training matrix with one label per row. */
function concatRows(a: TermMatrix, aLabels: Int32Array, b: TermMatrix, bLabels: Int32Array): { matrix: TermMatrix; labels: Int32Array } {
  const aEnd = a.offsets[rowCount(a)] as number;
  const offsets = new Int32Array(rowCount(a) + rowCount(b) + 1);
  offsets.set(a.offsets);
  for (let r = 1; r <= rowCount(b); r++) offsets[rowCount(a) + r] = aEnd + (b.offsets[r] as number);
  const ids = new Int32Array(aEnd + b.ids.length);
  ids.set(a.ids);
  ids.set(b.ids, aEnd);
  const weights = new Float32Array(ids.length);
  weights.set(a.weights);
  weights.set(b.weights, aEnd);
  const labels = new Int32Array(aLabels.length + bLabels.length);
  labels.set(aLabels);
  labels.set(bLabels, aLabels.length);
  return { matrix: { terms: b.terms.length >= a.terms.length ? b.terms : a.terms, offsets, ids, weights }, labels };
}
