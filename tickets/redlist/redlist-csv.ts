// The red list as CSV: 统一社会信用代码,企业名称,类别 (English headers credit_code,name,tier also read). Every bad
// row is reported with its line number, and a file with any bad row imports nothing.
import { checkCreditCode } from '../credit-code.ts';
import { REDLIST_TIER_LABELS } from '../labels.ts';
import { REDLIST_TIERS, type RedListTier } from '../model.ts';
import { csvLine, CsvSyntaxError, parseCsv } from './csv.ts';
import type { RedListEntry } from './redlist-store.ts';

export const CSV_HEADER = ['统一社会信用代码', '企业名称', '类别'] as const;
const HEADER_ALIASES: Record<string, 'code' | 'name' | 'tier'> = {
  统一社会信用代码: 'code',
  credit_code: 'code',
  企业名称: 'name',
  name: 'name',
  类别: 'tier',
  tier: 'tier',
};

export interface CsvProblem {
  line: number;
  message: string;
}

export class RedListCsvError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(`tickets: red list CSV has ${problems.length} problem(s), nothing imported:\n${problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n')}`);
    this.name = 'RedListCsvError';
  }
}

const tierByWord = new Map<string, RedListTier>([
  ...REDLIST_TIERS.map((t) => [t, t] as [string, RedListTier]),
  ...REDLIST_TIERS.map((t) => [REDLIST_TIER_LABELS[t], t] as [string, RedListTier]),
]);
// A leading = + - @ makes spreadsheets evaluate a cell: exports defuse it with a quote, imports take the quote off.
const FORMULA_START = /^[=+\-@]/;

export function parseRedListCsv(text: string): RedListEntry[] {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new RedListCsvError([{ line: err.line, message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) throw new RedListCsvError([{ line: 1, message: `empty file; the first line must be ${CSV_HEADER.join(',')}` }]);
  const columns = header.fields.map((h) => HEADER_ALIASES[h.trim()]);
  const at = (kind: 'code' | 'name' | 'tier') => columns.indexOf(kind);
  if (at('code') < 0 || at('name') < 0 || at('tier') < 0) {
    throw new RedListCsvError([{ line: header.line, message: `the header must name the columns ${CSV_HEADER.join(',')} (found ${header.fields.join(',')})` }]);
  }
  const problems: CsvProblem[] = [];
  const entries: RedListEntry[] = [];
  const firstLine = new Map<string, number>();
  for (const row of rows) {
    const cell = (kind: 'code' | 'name' | 'tier') => (row.fields[at(kind)] ?? '').trim();
    const code = checkCreditCode(cell('code'));
    const name = cell('name').replace(/^'(?=[=+\-@])/, '');
    const tier = tierByWord.get(cell('tier'));
    const rowProblems = [
      !code.ok && `统一社会信用代码“${cell('code')}”无效：${code.message}`,
      name === '' && '企业名称为空',
      name.length > 200 && '企业名称超过 200 字',
      !tier && `类别“${cell('tier')}”不认识，应为 ${REDLIST_TIERS.map((t) => REDLIST_TIER_LABELS[t]).join('、')} 之一`,
      code.ok && firstLine.has(code.code) && `统一社会信用代码 ${code.code} 与第 ${firstLine.get(code.code)} 行重复`,
    ].filter((p): p is string => typeof p === 'string');
    if (rowProblems.length > 0) problems.push(...rowProblems.map((message) => ({ line: row.line, message })));
    else entries.push({ creditCode: code.code, name, tier: tier as RedListTier });
    if (code.ok && !firstLine.has(code.code)) firstLine.set(code.code, row.line);
  }
  if (problems.length > 0) throw new RedListCsvError(problems);
  return entries;
}

/** CSV with a BOM so spreadsheet programs read the Chinese as UTF-8; tiers written as their Chinese labels. */
export function toRedListCsv(entries: readonly RedListEntry[]): string {
  const lines = [csvLine(CSV_HEADER), ...entries.map((e) => csvLine([e.creditCode, e.name.replace(FORMULA_START, "'$&"), REDLIST_TIER_LABELS[e.tier]]))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
