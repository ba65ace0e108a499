// What the rest of Line One imports from the knowledge base.
export { KnowledgeBase, DEFAULT_INDEX_DIR, type KnowledgeBaseOptions, type SearchHit, type SearchResult, type SearchOptions } from './search.ts';
export { openKnowledge, type KnowledgeLogger, type OpenKnowledgeOptions } from './open.ts';
export type { Decision } from './decision/decide.ts';
export { CATEGORIES, DEPARTMENTS, type Category, type Department, type Entry } from './content/schema.ts';
export { loadContent, ContentError, formatIssue, type ContentIssue } from './content/load.ts';
export type { EmbeddingsConfig } from './index/dense.ts';
export { OpenAICompatibleEmbeddings, type OpenAICompatibleConfig } from './index/openai-embeddings.ts';
export { LocalEmbeddings } from './index/local-embeddings.ts';
export { HnswVectorStore } from './index/hnsw-store.ts';
