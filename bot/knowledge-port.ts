/**
 * What the bot needs from the knowledge base. The bot depends on this shape, not on how retrieval
 * works; knowledge/search.ts provides it.
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

/** Why retrieval hands a message to a person: the bot acts on it (a complaint becomes a ticket …). */
export type HandoffReason =
  'human_request' | 'complaint' | 'personal_case' | 'personal_data' | 'urgent' | 'out_of_scope' | 'low_confidence' | 'empty' | 'error';

export interface KnowledgeHit {
  entryId: string;
  question: string;
  confidence: number;
}

export interface KnowledgeResult {
  hits: readonly KnowledgeHit[];
  decision: Decision;
  /** Set when decision is handoff. */
  reason?: HandoffReason;
  /** For the agent and the logs, not for the user. */
  explanation: string;
  /** out_of_scope: which department usually handles such matters (in the ticket categories' words). */
  department?: string;
  /** clarify: another department's matter the question also names, told beside the choices. */
  alsoDepartment?: string;
  /** An elliptical follow-up ("能领多久？") with no conversation to resolve it against: ask what it is about. */
  needsContext?: boolean;
  /** A follow-up answered with the entry answered last: the lines of its answer that speak to the follow-up. */
  passages?: readonly string[];
  /** clarify: the best entry is the one answered last, and it says nothing of what the follow-up asks. */
  notInLastAnswer?: boolean;
}

/** What the conversation so far says about the question (for elliptical follow-ups). */
export interface SearchContext {
  /** The entry the bot answered last in this conversation. */
  lastEntryId?: string;
}

/**
 * What a message is before it is a question: the bot's intent step routes on it. `unclear` (没看懂) and `repeat`
 * (再说一遍) are about the bot's last reply.
 */
export type Triage =
  { kind: 'small_talk'; act: 'greeting' | 'thanks' | 'goodbye' | 'identity' | 'unclear' | 'repeat' | 'chat' } | { kind: 'human' } | { kind: 'question' };

/** The main menu: which categories it offers, and the bare words that open one. */
export interface MenuTopics {
  topics: ReadonlyArray<{ title: string; category: string; words: readonly string[] }>;
  /** Words too broad for one topic ("社保"): the menu answers them. */
  broad: readonly string[];
}

export interface KnowledgePort {
  classify(text: string): Triage;
  search(text: string, context?: SearchContext): Promise<KnowledgeResult>;
  entry(id: string): KnowledgeEntry | undefined;
  byCategory(category: string): readonly KnowledgeEntry[];
  menu(): MenuTopics;
}
