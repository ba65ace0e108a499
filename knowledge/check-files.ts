// The files beside the entries that the bot also reads at start (synonyms, menu topics, triage vocabulary): a
// mistake in any of them stops start-up, so `kb:check` reads them too and reports each problem with its file.
import { DEFAULT_TOPICS_FILE, loadTopics } from './content/topics.ts';
import { DEFAULT_SYNONYMS_FILE, Synonyms } from './text/synonyms.ts';
import { DEFAULT_VOCABULARY_FILE, loadVocabulary } from './triage/vocabulary.ts';

export interface CheckedFiles {
  synonyms: string;
  topics: string;
  vocabulary: string;
}

export const DEFAULT_CHECKED_FILES: CheckedFiles = { synonyms: DEFAULT_SYNONYMS_FILE, topics: DEFAULT_TOPICS_FILE, vocabulary: DEFAULT_VOCABULARY_FILE };

/** One message per file that does not load; empty when all do. */
export function checkConfigFiles(files: CheckedFiles = DEFAULT_CHECKED_FILES): string[] {
  const loaders: Array<[string, () => unknown]> = [
    [files.synonyms, () => Synonyms.load(files.synonyms)],
    [files.topics, () => loadTopics(files.topics)],
    [files.vocabulary, () => loadVocabulary(files.vocabulary)],
  ];
  const problems: string[] = [];
  for (const [file, load] of loaders) {
    try {
      load();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(message.includes(file) ? message : `${file}: ${message}`);
    }
  }
  return problems;
}
