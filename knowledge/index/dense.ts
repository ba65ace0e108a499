// The dense channel: an Embeddings implementation (local model trained at build time, or an OpenAI-compatible
// endpoint) and the HNSW store of every phrasing's vector. Chosen by configuration.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import type { Analyzer, QueryAnalysis, Terms } from '../text/analyzer.ts';
import { DenseModel, isZero } from './dense-model.ts';
import type { ChannelHit } from './fusion.ts';
import { HnswVectorStore } from './hnsw-store.ts';
import { LocalEmbeddings } from './local-embeddings.ts';
import { OpenAICompatibleEmbeddings, type OpenAICompatibleConfig } from './openai-embeddings.ts';
import { rowCount, type TermMatrix } from './term-matrix.ts';
import { DEFAULT_DENSE_OPTIONS, trainDenseModel, type DenseTrainingOptions } from './train-dense.ts';

export type EmbeddingsConfig = { kind: 'local'; training?: Partial<DenseTrainingOptions> } | ({ kind: 'openai' } & OpenAICompatibleConfig) | { kind: 'none' };

/** What goes into the index hash: everything that changes the vectors, never the API key. */
export function embeddingsFingerprint(config: EmbeddingsConfig): string {
  if (config.kind === 'openai') return JSON.stringify({ kind: 'openai', baseUrl: config.baseUrl, model: config.model, dimensions: config.dimensions });
  return JSON.stringify(config);
}

export interface PhrasingDoc {
  text: string;
  entryId: string;
}

export class DenseChannel {
  private constructor(
    readonly kind: 'local' | 'openai',
    readonly embeddings: Embeddings,
    readonly store: HnswVectorStore,
    private readonly local: LocalEmbeddings | undefined,
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * @param phrasings the phrasings' terms, one row per document (the vectors stored in HNSW)
   * @param training rows the local model learns from (phrasings, plus answer sentences) and their entries
   */
  static async build(
    config: EmbeddingsConfig,
    analyzer: Analyzer,
    docs: PhrasingDoc[],
    phrasings: TermMatrix,
    training: { matrix: TermMatrix; labels: Int32Array },
    entryCount: number,
    onError: (err: Error) => void,
    stage: (name: string) => void = () => {},
  ): Promise<DenseChannel | undefined> {
    if (config.kind === 'none') return undefined;
    if (config.kind === 'openai') {
      const embeddings = new OpenAICompatibleEmbeddings(config);
      const store = await HnswVectorStore.create(embeddings);
      const vectors = await embeddings.embedDocuments(docs.map((d) => d.text));
      stage('embed (endpoint)');
      store.addPoints(vectors, documentMaker(docs), vectors.length);
      stage('hnsw');
      return new DenseChannel('openai', embeddings, store, undefined, onError);
    }
    const model = trainDenseModel(training.matrix, training.labels, entryCount, { ...DEFAULT_DENSE_OPTIONS, ...config.training });
    stage('train dense model');
    const embeddings = new LocalEmbeddings(model, analyzer);
    const store = await HnswVectorStore.create(embeddings);
    // Already analyzed: embed the rows directly instead of re-running the analyzer on every phrasing.
    store.addPoints(rowVectors(model, phrasings), documentMaker(docs), rowCount(phrasings));
    stage('hnsw');
    return new DenseChannel('local', embeddings, store, embeddings, onError);
  }

  /** Query vector, or null when this channel has nothing to say (no known term; endpoint unavailable). */
  async queryVector(analysis: QueryAnalysis, raw: string): Promise<ArrayLike<number> | null> {
    if (this.local) {
      const v = this.local.embedTerms(analysis.terms);
      return isZero(v) ? null : v;
    }
    try {
      return await this.embeddings.embedQuery(raw);
    } catch (err) {
      // The lexical channel still answers: a down embeddings server must not take the KB down with it.
      this.onError(err as Error);
      return null;
    }
  }

  search(vector: ArrayLike<number>, k: number): ChannelHit[] {
    const { labels, distances } = this.store.searchLabels(vector, k);
    return labels.map((doc, i) => ({ doc, score: Math.max(0, 1 - (distances[i] as number)) }));
  }

  async save(dir: string): Promise<void> {
    await this.store.save(dir, { documents: false });
    if (this.local) await writeFile(join(dir, 'dense-model.bin'), this.local.model.toBuffer());
    await writeFile(join(dir, 'dense.json'), JSON.stringify({ kind: this.kind, dim: this.store.dimensions, settings: this.store.settings }));
  }

  static async load(
    dir: string,
    config: EmbeddingsConfig,
    analyzer: Analyzer,
    docs: PhrasingDoc[],
    onError: (err: Error) => void,
  ): Promise<DenseChannel | undefined> {
    if (config.kind === 'none') return undefined;
    const metaFile = join(dir, 'dense.json');
    if (!existsSync(metaFile)) throw new Error(`[knowledge/index] ${metaFile} missing`);
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { kind: string; dim: number; settings: HnswVectorStore['settings'] };
    if (meta.kind !== config.kind) throw new Error(`[knowledge/index] saved dense channel is ${meta.kind}, configuration asks for ${config.kind}`);
    let local: LocalEmbeddings | undefined;
    let embeddings: Embeddings;
    if (config.kind === 'local') {
      local = new LocalEmbeddings(DenseModel.fromBuffer(await readFile(join(dir, 'dense-model.bin'))), analyzer);
      embeddings = local;
    } else embeddings = new OpenAICompatibleEmbeddings(config);
    const store = await HnswVectorStore.load(dir, embeddings, { dim: meta.dim, settings: meta.settings, documentAt: documentMaker(docs) });
    return new DenseChannel(config.kind, embeddings, store, local, onError);
  }
}

/** LangChain Documents made when asked for, from the phrasing table the snapshot keeps anyway. */
function documentMaker(docs: PhrasingDoc[]): (label: number) => Document {
  return (label) => {
    const d = docs[label];
    return new Document({ pageContent: d?.text ?? '', metadata: { doc: label, entryId: d?.entryId ?? '' } });
  };
}

function* rowVectors(model: DenseModel, m: TermMatrix): Generator<Float32Array> {
  const terms: Terms = new Map();
  for (let r = 0; r < rowCount(m); r++) {
    terms.clear();
    for (let p = m.offsets[r] as number; p < (m.offsets[r + 1] as number); p++) terms.set(m.terms[m.ids[p] as number] as string, m.weights[p] as number);
    yield model.embed(terms);
  }
}
