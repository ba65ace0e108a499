// The bot's entry point to the knowledge base (app/main.ts imports it lazily). Opens the KB with the saved index
// when it is current, logs through the app's logger, and keeps the decision thresholds from thresholds.ts.
import type { EmbeddingsConfig } from './index/dense.ts';
import { KnowledgeBase } from './search.ts';

/** The little the KB needs from a logger (pino's Logger fits). */
export interface KnowledgeLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface OpenKnowledgeOptions {
  indexDir?: string;
  /** Default: the local model trained at build time. */
  embeddings?: EmbeddingsConfig;
}

export async function openKnowledge(log: KnowledgeLogger, options: OpenKnowledgeOptions = {}): Promise<KnowledgeBase> {
  const started = performance.now();
  const kb = await KnowledgeBase.open({
    indexDir: options.indexDir,
    embeddings: options.embeddings,
    log: (message) => (message.includes('unavailable') || message.includes('unreadable') ? log.warn(message) : log.info(message)),
  });
  await kb.search('社保断缴了怎么补缴'); // warm-up: the first real question should not pay for JIT and lazy tables
  const s = kb.stats();
  log.info(
    `[knowledge] ready: ${s.entries} entries, ${s.phrasings} phrasings, index ${s.info.reused ? 'reused' : 'built'} in ${(performance.now() - started).toFixed(0)} ms`,
  );
  return kb;
}
