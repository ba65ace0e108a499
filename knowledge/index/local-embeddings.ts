// LangChain's Embeddings interface over the build-time DenseModel, so the vector store and any LangChain code
// can use the local model exactly like a hosted one. Runs in-process, nothing downloaded.
import { Embeddings } from '@langchain/core/embeddings';
import type { Analyzer, Terms } from '../text/analyzer.ts';
import type { DenseModel } from './dense-model.ts';

export class LocalEmbeddings extends Embeddings {
  constructor(
    readonly model: DenseModel,
    private readonly analyzer: Analyzer,
  ) {
    super({});
  }

  get dimensions(): number {
    return this.model.dim;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((text) => Array.from(this.model.embed(this.analyzer.document(text))));
  }

  async embedQuery(document: string): Promise<number[]> {
    return Array.from(this.model.embed(this.analyzer.query(document).terms));
  }

  /** Hot path: the search has already analyzed the query; do not do it twice. */
  embedTerms(terms: Terms): Float32Array {
    return this.model.embed(terms);
  }
}
