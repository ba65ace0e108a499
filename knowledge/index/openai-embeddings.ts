// Embeddings from any OpenAI-compatible /embeddings endpoint (a self-hosted bge-m3 behind vLLM, TEI, Ollama's
// OpenAI mode, …), for operators who run one. Selected by configuration; the local model is the default.
import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';

export interface OpenAICompatibleConfig {
  /** e.g. http://127.0.0.1:8080/v1 (the path /embeddings is appended). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Texts per request at build time. */
  batchSize?: number;
  timeoutMs?: number;
  /** Sent as `dimensions` when set (models that support shortening). */
  dimensions?: number;
}

interface EmbeddingsResponse {
  data?: { embedding?: unknown; index?: number }[];
}

export class OpenAICompatibleEmbeddings extends Embeddings {
  private readonly url: string;

  constructor(
    private readonly config: OpenAICompatibleConfig,
    params: EmbeddingsParams = { maxRetries: 2 },
  ) {
    super(params);
    this.url = `${config.baseUrl.replace(/\/+$/, '')}/embeddings`;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const size = this.config.batchSize ?? 64;
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += size) out.push(...(await this.caller.call(() => this.request(documents.slice(i, i + size)))));
    return out;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.caller.call(() => this.request([document]));
    if (!vector) throw new Error('[knowledge/embeddings] empty response for query');
    return vector;
  }

  private async request(input: string[]): Promise<number[][]> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    const body: Record<string, unknown> = { model: this.config.model, input };
    if (this.config.dimensions) body.dimensions = this.config.dimensions;
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
    }).catch((cause: unknown) => {
      // fetch says only "fetch failed"; say which endpoint, and why underneath (refused, timed out, DNS).
      const why = cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
      throw new Error(`[knowledge/embeddings] ${this.url} unreachable: ${why}`, { cause });
    });
    if (!res.ok) throw new Error(`[knowledge/embeddings] ${this.url} answered ${res.status} ${res.statusText}`);
    const json = (await res.json()) as EmbeddingsResponse;
    const data = json.data;
    if (!Array.isArray(data) || data.length !== input.length) throw new Error(`[knowledge/embeddings] ${this.url}: expected ${input.length} embeddings`);
    // The API may return items out of order; `index` says which input each belongs to.
    const sorted = data.map((d, i) => ({ index: typeof d.index === 'number' ? d.index : i, embedding: d.embedding }));
    sorted.sort((a, b) => a.index - b.index);
    return sorted.map(({ embedding }) => {
      if (!Array.isArray(embedding) || !embedding.every((x) => typeof x === 'number'))
        throw new Error(`[knowledge/embeddings] ${this.url}: malformed embedding`);
      return embedding as number[];
    });
  }
}
