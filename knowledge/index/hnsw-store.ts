// A LangChain VectorStore over hnswlib-node, small on purpose: @langchain/community's HNSWLib brings ~200 MB and
// never calls setEf (hnswlib's default ef=10 loses recall). Scores returned through the LangChain API are cosine
// DISTANCES (lower is closer), as hnswlib gives them and as LangChain's own HNSWLib store does.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { VectorStore } from '@langchain/core/vectorstores';
import type { HierarchicalNSW } from 'hnswlib-node';

export interface HnswSettings {
  m: number;
  efConstruction: number;
  ef: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswSettings = { m: 16, efConstruction: 100, ef: 64, seed: 100 };
const GROWTH = 1024;

type HnswModule = typeof import('hnswlib-node');
let hnswModule: HnswModule | undefined;

/** Loaded on first use, with an error that says how to repair the native build. */
async function loadHnsw(): Promise<HnswModule> {
  if (hnswModule) return hnswModule;
  try {
    const mod = (await import('hnswlib-node')) as HnswModule & { default?: HnswModule };
    hnswModule = mod.HierarchicalNSW ? mod : (mod.default as HnswModule);
    return hnswModule;
  } catch (err) {
    throw new Error(`[knowledge/hnsw] cannot load hnswlib-node (${(err as Error).message}); rebuild it with "npm rebuild hnswlib-node"`);
  }
}

export class HnswVectorStore extends VectorStore {
  declare FilterType: (doc: DocumentInterface) => boolean;

  private index: HierarchicalNSW | undefined;
  /** Documents added through the LangChain API … */
  private readonly docs: DocumentInterface[] = [];
  /** … or made on demand by the owner (the KB keeps its phrasings once; 800k Document objects would not). */
  private documentAt: ((label: number) => DocumentInterface) | undefined;
  private count = 0;
  /** Capacity to allocate on first insert, when the caller knows it (avoids repeated resizing). */
  private expected = 0;

  private constructor(
    embeddings: EmbeddingsInterface,
    private readonly lib: HnswModule,
    readonly settings: HnswSettings,
  ) {
    super(embeddings, {});
  }

  static async create(embeddings: EmbeddingsInterface, settings: Partial<HnswSettings> = {}): Promise<HnswVectorStore> {
    return new HnswVectorStore(embeddings, await loadHnsw(), { ...DEFAULT_HNSW, ...settings });
  }

  _vectorstoreType(): string {
    return 'hnswlib-line-one';
  }

  get size(): number {
    return this.count;
  }

  private doc(label: number): DocumentInterface {
    return this.documentAt ? this.documentAt(label) : (this.docs[label] as DocumentInterface);
  }

  async addDocuments(documents: DocumentInterface[]): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents);
  }

  async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<string[]> {
    if (vectors.length !== documents.length) throw new Error('[knowledge/hnsw] vectors and documents differ in number');
    if (this.documentAt) throw new Error('[knowledge/hnsw] this store makes its documents on demand; use addPoints');
    const ids = vectors.map((v) => String(this.addPoint(v)));
    this.docs.push(...documents);
    return ids;
  }

  /** Fast path for the KB: vectors in label order, documents made on demand from their label. */
  addPoints(vectors: Iterable<ArrayLike<number>>, documentAt: (label: number) => DocumentInterface, expected = 0): void {
    if (this.docs.length > 0) throw new Error('[knowledge/hnsw] cannot mix addVectors and addPoints');
    this.documentAt = documentAt;
    if (expected > 0 && this.index === undefined) this.expected = expected;
    for (const v of vectors) this.addPoint(v);
  }

  private addPoint(vector: ArrayLike<number>): number {
    const v = Array.from(vector);
    const index = this.ensureIndex(v.length, this.count + 1);
    if (v.length !== index.getNumDimensions()) throw new Error(`[knowledge/hnsw] vector of ${v.length} dimensions, index has ${index.getNumDimensions()}`);
    const label = this.count++;
    // A zero vector (a phrasing with no known term) has no direction under cosine: store a placeholder so labels
    // stay aligned with documents, and mark it deleted so it is never returned.
    const zero = v.every((x) => x === 0);
    index.addPoint(zero ? v.map((_, k) => (k === 0 ? 1 : 0)) : v, label);
    if (zero) index.markDelete(label);
    return label;
  }

  /** LangChain API: [document, cosine distance] pairs, closest first. */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: this['FilterType']): Promise<[DocumentInterface, number][]> {
    const found = this.searchLabels(query, k, filter ? (label) => filter(this.doc(label)) : undefined);
    return found.labels.map((label, i) => [this.doc(label), found.distances[i] as number]);
  }

  /** Hot path for the KB search: labels (insertion order) and distances, no Document objects. */
  searchLabels(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean): { labels: number[]; distances: number[] } {
    if (!this.index || this.count === 0) return { labels: [], distances: [] };
    const n = Math.min(k, this.index.getCurrentCount());
    const result = this.index.searchKnn(this.asArray(query), n, filter);
    return { labels: result.neighbors, distances: result.distances };
  }

  /**
   * The query as the plain array hnswlib wants, in one array reused by every search (searchKnn is synchronous and
   * copies it): Array.from on a typed array iterates, allocating as it goes, on every query.
   */
  private asArray(query: ArrayLike<number>): number[] {
    const out = this.queryScratch;
    out.length = query.length;
    for (let i = 0; i < query.length; i++) out[i] = query[i] as number;
    return out;
  }

  private readonly queryScratch: number[] = [];

  /** Writes hnsw.bin, and hnsw-docs.json unless the caller keeps the documents itself (the KB snapshot does). */
  async save(directory: string, options: { documents?: boolean } = {}): Promise<void> {
    if (!this.index) throw new Error('[knowledge/hnsw] nothing to save');
    await this.index.writeIndex(join(directory, 'hnsw.bin'));
    if (options.documents === false) return;
    const docs = Array.from({ length: this.count }, (_, i) => this.doc(i)).map((d) => ({ pageContent: d.pageContent, metadata: d.metadata }));
    await writeFile(join(directory, 'hnsw-docs.json'), JSON.stringify({ settings: this.settings, dim: this.dimensions, docs }));
  }

  /**
   * @param given the dimensions, settings and documents when the caller keeps the documents itself; otherwise
   *   they are read from hnsw-docs.json.
   */
  static async load(
    directory: string,
    embeddings: EmbeddingsInterface,
    given?: { dim: number; settings?: Partial<HnswSettings>; documentAt: (label: number) => DocumentInterface },
  ): Promise<HnswVectorStore> {
    let dim = given?.dim;
    let settings = given?.settings;
    let documents: DocumentInterface[] = [];
    if (!given) {
      const docsFile = join(directory, 'hnsw-docs.json');
      if (!existsSync(docsFile)) throw new Error(`[knowledge/hnsw] ${docsFile} missing`);
      const json = JSON.parse(await readFile(docsFile, 'utf8')) as {
        dim: number;
        settings: HnswSettings;
        docs: { pageContent: string; metadata: Record<string, unknown> }[];
      };
      ({ dim, settings } = json);
      documents = json.docs.map((d) => new Document(d));
    }
    const store = await HnswVectorStore.create(embeddings, settings);
    const index = new store.lib.HierarchicalNSW('cosine', dim ?? 0);
    await index.readIndex(join(directory, 'hnsw.bin'));
    index.setEf(store.settings.ef); // ef is not part of the saved file: set it on every load
    store.index = index;
    store.count = index.getCurrentCount();
    if (given) store.documentAt = given.documentAt;
    else store.docs.push(...documents);
    return store;
  }

  get dimensions(): number {
    return this.index?.getNumDimensions() ?? 0;
  }

  private ensureIndex(dim: number, needed: number): HierarchicalNSW {
    if (!this.index) {
      const index = new this.lib.HierarchicalNSW('cosine', dim);
      index.initIndex(Math.max(needed, this.expected, GROWTH), this.settings.m, this.settings.efConstruction, this.settings.seed);
      index.setEf(this.settings.ef);
      this.index = index;
    } else if (needed > this.index.getMaxElements()) {
      this.index.resizeIndex(Math.max(needed, this.index.getMaxElements() * 2));
    }
    return this.index;
  }
}
