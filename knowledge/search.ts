// The knowledge base as the bot sees it: open once, search per message, reload when the content changes.
import { resolve } from 'node:path';
import { DEFAULT_CONTENT_DIR, DEFAULT_LOCAL_DIR, loadContent } from './content/load.ts';
import type { Category, Entry } from './content/schema.ts';
import { decide, type Decision, type ScoredCandidate } from './decision/decide.ts';
import { DEFAULT_TOPICS_FILE, loadTopics, type Topics } from './content/topics.ts';
import type { HandoffReason } from './triage/cues.ts';
import { classify, type Triage } from './triage/classify.ts';
import { CANDIDATES, THRESHOLDS, type DecisionThresholds } from './decision/thresholds.ts';
import { buildSnapshot, DEFAULT_INDEX_SETTINGS, type IndexSettings } from './index/build.ts';
import { embeddingsFingerprint, type EmbeddingsConfig } from './index/dense.ts';
import { fingerprint } from './index/fingerprint.ts';
import { DEFAULT_FUSION, type FusionMode, type FusionSettings } from './index/fusion.ts';
import { hasSnapshot, loadSnapshot, saveSnapshot } from './index/persist.ts';
import type { IndexSnapshot, SnapshotInfo } from './index/snapshot.ts';
import { Analyzer, BIGRAM_PREFIX, DEFAULT_ANALYZER_SETTINGS, SOUND_PREFIX, type AnalyzerSettings } from './text/analyzer.ts';
import { compactKey } from './text/normalize.ts';
import { DEFAULT_SYNONYMS_FILE, Synonyms } from './text/synonyms.ts';
import { DEFAULT_DICT_FILE, readDomainDict, Tokenizer } from './text/tokenize.ts';

export interface SearchHit {
  entryId: string;
  question: string;
  /** The phrasing (question or alternate) that matched best. */
  matched: string;
  score: number;
  confidence: number;
  /** With `{ signals: true }`: the per-channel scores behind `score` (eval, calibration, debugging). */
  signals?: { phrasing: number; entry: number; dense: number; agreement: number };
}

export interface SearchResult {
  /**
   * answer: the answer first, then runners-up; clarify: exactly the choices to offer (1–3);
   * handoff: the nearest entries, for the agent who takes over.
   */
  hits: SearchHit[];
  decision: Decision;
  /** Why a handoff (set exactly when decision is handoff): what the bot acts on. */
  reason?: HandoffReason;
  /** Short reason an agent can read. */
  explanation: string;
  /** The retrieval ranking (top 5 entries, best first) whatever the decision: for the eval and the CLI. */
  ranked: SearchHit[];
}

export interface KnowledgeBaseOptions {
  contentDir?: string;
  localDir?: string;
  synonymsFile?: string;
  dictFile?: string;
  /** The menu's topics (default content/topics.yaml). */
  topicsFile?: string;
  /** Where indexes are saved; null keeps everything in memory. Default data/index/ at the repository root. */
  indexDir?: string | null;
  embeddings?: EmbeddingsConfig;
  analyzer?: AnalyzerSettings;
  index?: IndexSettings;
  fusion?: FusionSettings;
  thresholds?: Partial<Record<FusionMode, DecisionThresholds>>;
  /** Use these entries instead of reading contentDir (eval splits, benchmarks, tests); nothing is saved. */
  entries?: Entry[];
  log?: (message: string) => void;
}

type ResolvedOptions = Required<Omit<KnowledgeBaseOptions, 'thresholds' | 'log' | 'entries'>> & Pick<KnowledgeBaseOptions, 'log' | 'entries'>;

export interface SearchOptions {
  /** The entry the bot answered last in this conversation: an elliptical follow-up is read against it. */
  lastEntryId?: string;
  /** Channel mix for this query (the eval compares lexical-only and dense-only in one run). */
  mode?: FusionMode;
  /** Include each hit's per-channel scores. */
  signals?: boolean;
}

const repoRoot = resolve(import.meta.dirname, '..');
export const DEFAULT_INDEX_DIR = resolve(repoRoot, 'data/index');

export class KnowledgeBase {
  private snapshot: IndexSnapshot;
  private topics: Topics;
  private reloading: Promise<SnapshotInfo> | undefined;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly thresholds: Record<FusionMode, DecisionThresholds>,
    snapshot: IndexSnapshot,
  ) {
    this.snapshot = snapshot;
    this.topics = loadTopics(options.topicsFile);
  }

  /** Opens the KB: reuses the saved index when content, settings and code are unchanged, else builds one. */
  static async open(options: KnowledgeBaseOptions = {}): Promise<KnowledgeBase> {
    const resolved: ResolvedOptions = {
      contentDir: options.contentDir ?? DEFAULT_CONTENT_DIR,
      localDir: options.localDir ?? DEFAULT_LOCAL_DIR,
      synonymsFile: options.synonymsFile ?? DEFAULT_SYNONYMS_FILE,
      dictFile: options.dictFile ?? DEFAULT_DICT_FILE,
      topicsFile: options.topicsFile ?? DEFAULT_TOPICS_FILE,
      indexDir: options.indexDir === undefined ? DEFAULT_INDEX_DIR : options.indexDir,
      embeddings: options.embeddings ?? ({ kind: 'local' } as EmbeddingsConfig),
      analyzer: options.analyzer ?? DEFAULT_ANALYZER_SETTINGS,
      index: options.index ?? DEFAULT_INDEX_SETTINGS,
      fusion: options.fusion ?? DEFAULT_FUSION,
      entries: options.entries,
      log: options.log,
    };
    const snapshot = await KnowledgeBase.prepare(resolved);
    return new KnowledgeBase(resolved, { ...THRESHOLDS, ...options.thresholds }, snapshot);
  }

  /** An in-memory KB over given entries; nothing read from or written to the index directory. */
  static async fromEntries(entries: Entry[], options: KnowledgeBaseOptions = {}): Promise<KnowledgeBase> {
    return KnowledgeBase.open({ ...options, entries, indexDir: null });
  }

  private static async prepare(o: ResolvedOptions): Promise<IndexSnapshot> {
    const synonyms = Synonyms.load(o.synonymsFile);
    // Only dict.txt's words go to jieba: a multi-word canonical form (社保断缴, 缴养老保险) made one token would stop
    // matching its parts.
    const tokenizer = Tokenizer.create(readDomainDict(o.dictFile));
    const analyzer = new Analyzer(tokenizer, synonyms, o.analyzer);
    const settings = { analyzer: o.analyzer, index: o.index, embeddings: embeddingsFingerprint(o.embeddings) };
    const onError = (err: Error) => o.log?.(`[knowledge] dense channel unavailable for this query: ${err.message}`);
    const persisted = o.indexDir !== null && o.entries === undefined;
    const hash = o.entries ? 'in-memory' : fingerprint({ contentDir: o.contentDir, localDir: o.localDir, synonymsFile: o.synonymsFile, dictFile: o.dictFile, settings });
    if (persisted && o.indexDir && hasSnapshot(o.indexDir, hash)) {
      try {
        const loaded = await loadSnapshot(o.indexDir, hash, analyzer, o.embeddings, onError);
        o.log?.(`[knowledge] index ${hash} loaded in ${loaded.info.millis.toFixed(0)} ms`);
        return loaded;
      } catch (err) {
        o.log?.(`[knowledge] saved index ${hash} unreadable, rebuilding: ${(err as Error).message}`);
      }
    }
    const entries = o.entries ?? loadContent({ contentDir: o.contentDir, localDir: o.localDir }).entries;
    const domainWords = [...readDomainDict(o.dictFile).split('\n').map((l) => l.replace(/#.*/, '').trim().split(/\s+/)[0] ?? ''), ...synonyms.targets()].filter((w) => w.length > 1);
    const snapshot = await buildSnapshot({ entries, analyzer, embeddings: o.embeddings, domainWords, hash, settings: o.index, onError });
    o.log?.(`[knowledge] index ${hash} built in ${snapshot.info.millis.toFixed(0)} ms (${entries.length} entries, ${snapshot.phrasings.length} phrasings)`);
    if (persisted && o.indexDir) await saveSnapshot(o.indexDir, snapshot);
    return snapshot;
  }

  /**
   * Re-reads content and settings; if anything changed, builds the new index off to the side and swaps it in
   * atomically. Searches in flight finish on the version they started with. Concurrent calls share one rebuild.
   */
  async reload(): Promise<SnapshotInfo> {
    this.reloading ??= KnowledgeBase.prepare(this.options)
      .then((next) => {
        this.topics = loadTopics(this.options.topicsFile);
        this.snapshot = next;
        return next.info;
      })
      .finally(() => {
        this.reloading = undefined;
      });
    return this.reloading;
  }

  get info(): SnapshotInfo {
    return this.snapshot.info;
  }

  /** Never throws: a failure inside retrieval becomes a handoff (and a log line), the conversation goes on. */
  async search(text: string, options: SearchOptions = {}): Promise<SearchResult> {
    try {
      return await this.searchOn(this.snapshot, text, options); // pin the version for the whole request
    } catch (err) {
      this.options.log?.(`[knowledge] search failed: ${(err as Error).message}`);
      return { hits: [], ranked: [], decision: 'handoff', reason: 'error', explanation: '检索出错，转人工' };
    }
  }

  private async searchOn(snapshot: IndexSnapshot, text: string, options: SearchOptions): Promise<SearchResult> {
    const mode = options.mode ?? this.options.fusion.mode;
    const input = typeof text === 'string' ? text : '';
    const retrieval = await snapshot.retrieve(input, {
      fusion: { ...this.options.fusion, mode },
      lexicalCandidates: CANDIDATES.lexical,
      entryCandidates: CANDIDATES.entries,
      denseCandidates: CANDIDATES.dense,
    });
    const result = decide(
      {
        candidates: retrieval.candidates,
        compactText: compactKey(input),
        phrasingOf: (doc) => snapshot.phrasings[doc] ?? '',
        corrections: retrieval.analysis.corrections.map((c) => `${c.from}→${c.to}`),
        queryWords: countWords(retrieval.analysis.terms),
      },
      this.thresholds[mode],
      CANDIDATES.hits,
    );
    const toHit = (c: ScoredCandidate): SearchHit => {
      const entry = snapshot.entries[c.entry] as Entry;
      const hit: SearchHit = { entryId: entry.id, question: entry.question, matched: snapshot.phrasings[c.doc] ?? entry.question, score: round(c.score), confidence: round(c.confidence) };
      if (options.signals) hit.signals = { phrasing: round(c.lexical), entry: round(c.entryLexical), dense: round(c.dense), agreement: round(c.agreement) };
      return hit;
    };
    const ranked = result.ranked.map(toHit);
    const hits = result.decision === 'clarify' ? ranked.slice(0, result.offered) : ranked;
    return { hits, decision: result.decision, reason: result.reason, explanation: result.explanation, ranked };
  }

  entry(id: string): Entry | undefined {
    return this.snapshot.byId.get(id);
  }

  /** Small talk, a request for a person, or a question (before any retrieval). */
  classify(text: string): Triage {
    return classify(text);
  }

  /** The main menu's topics (content/topics.yaml), read on open and on reload. */
  menu(): Topics {
    return this.topics;
  }

  entries(): readonly Entry[] {
    return this.snapshot.entries;
  }

  byCategory(category: Category): Entry[] {
    return this.snapshot.entries.filter((e) => e.category === category);
  }

  /** Counts for logs and the CLI. */
  stats(): { entries: number; phrasings: number; dense: string; info: SnapshotInfo } {
    return { entries: this.snapshot.entries.length, phrasings: this.snapshot.phrasings.length, dense: this.snapshot.dense?.kind ?? 'none', info: this.snapshot.info };
  }
}

/** Word terms of a query (bigram and sound features carry a prefix). */
function countWords(terms: Map<string, number>): number {
  let n = 0;
  for (const t of terms.keys()) if (!t.startsWith(BIGRAM_PREFIX) && !t.startsWith(SOUND_PREFIX)) n++;
  return n;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
