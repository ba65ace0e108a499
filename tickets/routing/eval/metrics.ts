// Accuracy, per-class precision/recall/F1, macro-F1 and a confusion table, over gold labels and predictions.
// A prediction outside the gold classes (e.g. "(none)") counts as a miss for recall and belongs to no class.

export interface ClassScore {
  label: string;
  support: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Scores {
  total: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassScore[];
  /** confusion[gold][predicted] = count */
  confusion: Map<string, Map<string, number>>;
}

export function score(pairs: readonly { gold: string; predicted: string }[], classes: readonly string[]): Scores {
  const confusion = new Map(classes.map((c) => [c, new Map<string, number>()]));
  let correct = 0;
  for (const { gold, predicted } of pairs) {
    const row = confusion.get(gold) ?? new Map<string, number>();
    confusion.set(gold, row);
    row.set(predicted, (row.get(predicted) ?? 0) + 1);
    if (gold === predicted) correct++;
  }
  const perClass = classes.map((label) => {
    const tp = pairs.filter((p) => p.gold === label && p.predicted === label).length;
    const predicted = pairs.filter((p) => p.predicted === label).length;
    const support = pairs.filter((p) => p.gold === label).length;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, support, precision, recall, f1 };
  });
  const macroF1 = perClass.reduce((s, c) => s + c.f1, 0) / Math.max(1, perClass.length);
  return { total: pairs.length, accuracy: pairs.length === 0 ? 0 : correct / pairs.length, macroF1, perClass, confusion };
}

const pct = (x: number) => (x * 100).toFixed(1);

/** Markdown tables: the per-class scores, then gold rows × predicted columns. */
export function formatScores(s: Scores, columns: readonly string[]): string {
  const lines = [
    `accuracy ${pct(s.accuracy)}%  macro-F1 ${s.macroF1.toFixed(3)}  (${s.total} messages)`,
    '',
    '| class | support | precision | recall | F1 |',
    '|---|---|---|---|---|',
    ...s.perClass.map((c) => `| ${c.label} | ${c.support} | ${pct(c.precision)} | ${pct(c.recall)} | ${c.f1.toFixed(3)} |`),
    '',
    `| gold \\ predicted | ${columns.join(' | ')} |`,
    `|---|${columns.map(() => '---').join('|')}|`,
    ...[...s.confusion.entries()].map(([gold, row]) => `| ${gold} | ${columns.map((c) => row.get(c) ?? 0).join(' | ')} |`),
  ];
  return lines.join('\n');
}
