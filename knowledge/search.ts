// The knowledge base as the bot sees it: open once, search per message, reload when the content changes.
import { resolve } from 'node:path';
import { DEFAULT_CONTENT_DIR, DEFAULT_LOCAL_DIR, loadContent } from './content/load.ts';
import type { Category, Entry } from './content/schema.ts';
import { DEFAULT_TOPICS_FILE, loadTopics, type Topics } from './content/topics.ts';
import { classify, type Triage } from './triage/classify.ts';
import { loadOrTrainTriageModel } from './triage/model.ts';
import { DEFAULT_VOCABULARY_FILE, loadVocabulary } from './triage/vocabulary.ts';
import { isInterrogative } from './decision/ask.ts';
import { THRESHOLDS, type DecisionThresholds } from './decision/thresholds.ts';
import { runQuery, type SearchResult } from './query.ts';
import { makeVersion, type Version } from './version.ts';
import { buildSnapshot, DEFAULT_INDEX_SETTINGS, type IndexSettings } from './index/build.ts';
import { embeddingsFingerprint, type EmbeddingsConfig } from './index/dense.ts';
import { fingerprint } from './index/fingerprint.ts';
import { DEFAULT_FUSION, type FusionMode, type FusionSettings } from './index/fusion.ts';
import { hasSnapshot, loadSnapshot, saveSnapshot } from './index/persist.ts';
import type { IndexSnapshot, SnapshotInfo } from './index/snapshot.ts';
import { Analyzer, DEFAULT_ANALYZER_SETTINGS, wordTerms, type AnalyzerSettings } from './text/analyzer.ts';
import { DEFAULT_SYNONYMS_FILE, Synonyms } from './text/synonyms.ts';
import { DEFAULT_DICT_FILE, dictWords, readDomainDict, Tokenizer } from './text/tokenize.ts';
import { fromRoot } from '../lib/paths.ts';
import { compactKey } from './text/normalize.ts';

export type { SearchHit, SearchResult } from './query.ts';

export interface KnowledgeBaseOptions {
  contentDir?: string;
  localDir?: string;
  synonymsFile?: string;
  dictFile?: string;
  /** The menu's topics (default content/topics.yaml). */
  topicsFile?: string;
  /** The triage vocabulary (default triage/vocabulary.yaml). */
  vocabularyFile?: string;
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
  /**
   * Called inside every search between retrieval and decision. For instrumentation; the reload test holds a
   * search here while the index is replaced.
   */
  onRetrieved?: () => Promise<void> | void;
}

type ResolvedOptions = Required<Omit<KnowledgeBaseOptions, 'thresholds' | 'log' | 'entries' | 'onRetrieved'>> &
  Pick<KnowledgeBaseOptions, 'log' | 'entries' | 'onRetrieved'>;

export interface SearchOptions {
  /** The entry the bot answered last in this conversation: an elliptical follow-up is read against it. */
  lastEntryId?: string;
  /** Channel mix for this query (the eval compares lexical-only and dense-only in one run). */
  mode?: FusionMode;
  /** Include each hit's per-channel scores. */
  signals?: boolean;
}

export const DEFAULT_INDEX_DIR = fromRoot('data/index');

export class KnowledgeBase {
  /** Everything a search reads, swapped whole on reload. */
  private current: Version;
  private reloading: Promise<SnapshotInfo> | undefined;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly thresholds: Record<FusionMode, DecisionThresholds>,
    version: Version,
  ) {
    this.current = version;
  }

  /** Opens the KB: reuses the saved index when content, settings and code are unchanged, else builds one. */
  static async open(options: KnowledgeBaseOptions = {}): Promise<KnowledgeBase> {
    const resolved: ResolvedOptions = {
      contentDir: options.contentDir ?? DEFAULT_CONTENT_DIR,
      localDir: options.localDir ?? DEFAULT_LOCAL_DIR,
      synonymsFile: options.synonymsFile ?? DEFAULT_SYNONYMS_FILE,
      dictFile: options.dictFile ?? DEFAULT_DICT_FILE,
      topicsFile: options.topicsFile ?? DEFAULT_TOPICS_FILE,
      vocabularyFile: options.vocabularyFile ?? DEFAULT_VOCABULARY_FILE,
      indexDir: options.indexDir === undefined ? DEFAULT_INDEX_DIR : options.indexDir,
      embeddings: options.embeddings ?? ({ kind: 'local' } as EmbeddingsConfig),
      analyzer: options.analyzer ?? DEFAULT_ANALYZER_SETTINGS,
      index: options.index ?? DEFAULT_INDEX_SETTINGS,
      fusion: options.fusion ?? DEFAULT_FUSION,
      entries: options.entries,
      log: options.log,
      onRetrieved: options.onRetrieved,
    };
    return new KnowledgeBase(resolved, { ...THRESHOLDS, ...options.thresholds }, await KnowledgeBase.prepareVersion(resolved));
  }

  /** Reads the menu and vocabulary first (a broken file fails fast), then builds or loads the index. */
  private static async prepareVersion(o: ResolvedOptions): Promise<Version> {
    const topics = loadTopics(o.topicsFile);
    const vocabulary = loadVocabulary(o.vocabularyFile);
    const snapshot = await KnowledgeBase.prepare(o);
    const { tokenizer, synonyms } = snapshot.analyzer;
    const modelsDir = o.indexDir !== null && o.entries === undefined ? resolve(o.indexDir, '..', 'models') : null;
    const triage = loadOrTrainTriageModel({ tokenizer, synonyms, dictFile: o.dictFile, synonymsFile: o.synonymsFile }, snapshot.phrasings, modelsDir);
    return makeVersion(snapshot, topics, vocabulary, dictWordsOf(o), triage);
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
    const hash = o.entries
      ? 'in-memory'
      : fingerprint({ contentDir: o.contentDir, localDir: o.localDir, synonymsFile: o.synonymsFile, dictFile: o.dictFile, settings });
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
    // Said before the wait, so a first start (or a start after a content change) does not look hung.
    if (persisted)
      o.log?.(
        `[knowledge] no saved index for this content (${hash}): building it from ${entries.length} entries; training the dense model takes about 10–20 s, once`,
      );
    // The typo corrector may map to canonical synonym forms too, even when few phrasings use them.
    const domainWords = [...dictWordsOf(o), ...synonyms.targets().filter((w) => w.length > 1)];
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
    this.reloading ??= KnowledgeBase.prepareVersion(this.options)
      .then((next) => {
        this.current = next;
        return next.snapshot.info;
      })
      .finally(() => {
        this.reloading = undefined;
      });
    return this.reloading;
  }

  get info(): SnapshotInfo {
    return this.current.snapshot.info;
  }

  /** Never throws: a failure inside retrieval becomes a handoff (and a log line), the conversation goes on. */
  async search(text: string, options: SearchOptions = {}): Promise<SearchResult> {
    const version = this.current; // pinned for the whole request: a reload never mixes versions
    const mode = options.mode ?? this.options.fusion.mode;
    try {
      return await runQuery(version, text, {
        thresholds: this.thresholds[mode],
        fusion: { ...this.options.fusion, mode },
        lastEntryId: options.lastEntryId,
        signals: options.signals,
        onRetrieved: this.options.onRetrieved,
        onError: (err) => this.options.log?.(`[knowledge] nearest entries for the agent unavailable: ${err.message}`),
      });
    } catch (err) {
      this.options.log?.(`[knowledge] search failed: ${(err as Error).message}`);
      return { hits: [], ranked: [], decision: 'handoff', reason: 'error', explanation: '检索出错，转人工', version: version.snapshot.info.hash };
    }
  }

  /** An entry by id, or by the old id of an entry merged into it. */
  entry(id: string): Entry | undefined {
    return this.current.snapshot.byId.get(id);
  }

  /** Small talk, a request for a person, or a question (before any retrieval). */
  classify(text: string): Triage {
    const version = this.current;
    // The learned small-talk reading is only for messages that name nothing of the KB's (你们这个小助手还挺聪明嘛).
    const model = version.namesDomainTerm(compactKey(typeof text === 'string' ? text : '')) ? undefined : version.triage;
    return classify(text, version.vocabulary, model, (t) => asksTheKb(version, t));
  }

  /** The main menu's topics (content/topics.yaml), read on open and on reload. */
  menu(): Topics {
    return this.current.topics;
  }

  entries(): readonly Entry[] {
    return this.current.snapshot.entries;
  }

  byCategory(category: Category): Entry[] {
    return this.current.snapshot.entries.filter((e) => e.category === category);
  }

  /**
   * Builds, a slice at a time between other work, what searches otherwise build on first use per entry (its profile
   * and the text it mentions): without it the first questions after start-up or a reload that reach an entry pay
   * for it (~0.25 ms an entry on the real KB, several per question). Stops early when a reload swaps the version.
   */
  async warmUp(): Promise<void> {
    const version = this.current;
    const count = version.snapshot.entries.length;
    for (let next = 0; next < count && this.current === version;) {
      const until = performance.now() + WARM_UP_SLICE_MS;
      for (; next < count && performance.now() < until; next++) version.profiles.warm(next);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Counts for logs and the CLI. */
  stats(): { entries: number; phrasings: number; dense: string; info: SnapshotInfo } {
    const s = this.current.snapshot;
    return { entries: s.entries.length, phrasings: s.phrasings.length, dense: s.dense?.kind ?? 'none', info: s.info };
  }
}

/** A warm-up slice: short enough that a turn arriving meanwhile hardly waits. */
const WARM_UP_SLICE_MS = 5;

/** The domain dictionary's words: the KB's own terms (社保卡, 增员, 缴费基数, 灵活就业). */
function dictWordsOf(o: ResolvedOptions): string[] {
  return dictWords(readDomainDict(o.dictFile)).filter((w) => w.length > 1);
}

/**
 * The message asks something (什么, 哪, 多少 …) about a word of the KB's own phrasings (app, 小程序), not a generic one,
 * and not of the bot itself (你会不会累, 你几点下班: small talk says 你). Praise that names a channel (这个小程序挺好用的吧)
 * asks nothing.
 */
function asksTheKb(version: Version, text: string): boolean {
  if (/[你您]/.test(text) || !isInterrogative(text)) return false;
  const analysis = version.snapshot.analyzer.query(text);
  return wordTerms(analysis.terms).some((w) => !version.followup.generic.has(w) && version.snapshot.known.has(w));
}
