import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';
import { describe, expect, it } from 'vitest';
import { HnswVectorStore } from '../../knowledge/index/hnsw-store.ts';
import { OpenAICompatibleEmbeddings } from '../../knowledge/index/openai-embeddings.ts';

/** Deterministic toy embeddings: one dimension per keyword. */
class KeywordEmbeddings extends Embeddings {
  private readonly words = ['社保', '医保', '公积金', '工伤'];
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]) {
    return texts.map((t) => this.vector(t));
  }
  async embedQuery(text: string) {
    return this.vector(text);
  }
  private vector(t: string) {
    return this.words.map((w) => (t.includes(w) ? 1 : 0.01));
  }
}

describe('HnswVectorStore', () => {
  it('is a LangChain VectorStore returning cosine distances, closest first, and survives save/load', async () => {
    const store = await HnswVectorStore.create(new KeywordEmbeddings());
    expect(store.settings).toMatchObject({ m: 16, efConstruction: 100, ef: 64 });
    await store.addDocuments(['社保断缴', '医保报销', '公积金提取', '工伤认定'].map((t) => new Document({ pageContent: t, metadata: { t } })));
    const found = await store.similaritySearchWithScore('公积金怎么取', 2);
    expect(found[0]?.[0].pageContent).toBe('公积金提取');
    expect(found[0]?.[1]).toBeLessThan(0.01); // a distance: 0 is identical
    expect(found[1]?.[1]).toBeGreaterThan(found[0]![1]);
    const dir = mkdtempSync(join(tmpdir(), 'hnsw-'));
    await store.save(dir);
    const loaded = await HnswVectorStore.load(dir, new KeywordEmbeddings());
    expect((await loaded.similaritySearch('工伤', 1))[0]?.pageContent).toBe('工伤认定');
    const filtered = await loaded.similaritySearch('工伤', 1, (doc) => doc.pageContent !== '工伤认定');
    expect(filtered[0]?.pageContent).not.toBe('工伤认定');
  });
});

describe('OpenAICompatibleEmbeddings', () => {
  it('posts to {baseUrl}/embeddings with model and key, and orders results by index', async () => {
    const seen: { auth?: string; body: { model: string; input: string[] } }[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ auth: req.headers.authorization, body });
        const data = body.input.map((t, index) => ({ index, embedding: [t.length, index] })).reverse();
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const emb = new OpenAICompatibleEmbeddings({ baseUrl: `http://127.0.0.1:${port}/v1/`, model: 'bge-m3', apiKey: 'k', batchSize: 2 });
      expect(await emb.embedDocuments(['a', 'bb', 'ccc'])).toEqual([
        [1, 0],
        [2, 1],
        [3, 0],
      ]);
      expect(await emb.embedQuery('dddd')).toEqual([4, 0]);
      expect(seen[0]).toEqual({ auth: 'Bearer k', body: { model: 'bge-m3', input: ['a', 'bb'] } });
      expect(seen).toHaveLength(3);
    } finally {
      server.close();
    }
  });

  it('fails with a prefixed error when the endpoint is down', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    const emb = new OpenAICompatibleEmbeddings({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'x', timeoutMs: 500 }, { maxRetries: 0 });
    await expect(emb.embedQuery('x')).rejects.toThrow(
      new RegExp(`^\\[knowledge/embeddings\\] http://127\\.0\\.0\\.1:${port}/v1/embeddings unreachable: .*ECONNREFUSED`),
    );
  });
});
