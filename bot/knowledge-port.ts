/**
 * What the bot needs from the knowledge base. The bot depends on this shape, not on how
 * retrieval works; knowledge/search.ts provides it.
 */
export interface KnowledgeEntry {
  id: string;
  question: string;
  answer: string;
  category: string;
  department: string;
  basis: readonly string[];
  scope: string;
  related: readonly string[];
}

export type Decision = 'answer' | 'clarify' | 'handoff';

export interface KnowledgeHit {
  entryId: string;
  question: string;
  confidence: number;
}

export interface KnowledgeResult {
  hits: readonly KnowledgeHit[];
  decision: Decision;
  explanation: string;
}

export interface KnowledgePort {
  search(text: string): Promise<KnowledgeResult>;
  entry(id: string): KnowledgeEntry | undefined;
  byCategory(category: string): readonly KnowledgeEntry[];
}
