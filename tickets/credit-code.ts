// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set; the 18th is a check character over the
// first 17. Pure: the chat intake uses it to ask again with a reason, the red list to refuse a bad row.
import { CREDIT_CODE_MESSAGES } from './labels.ts';

const CODE_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// Weight of position i (1-based) is 3^(i-1) mod 31.
const WEIGHTS = Array.from({ length: 17 }, (_, i) => Number(3n ** BigInt(i) % 31n));
const FORBIDDEN = /[IOSVZ]/g;
const SEPARATORS = /[\s\-_]/g;

export type CreditCodeProblem = 'empty' | 'length' | 'forbidden' | 'illegal' | 'check_digit';

export type CreditCodeCheck =
  | { ok: true; code: string }
  /** `code` is the input as normalized (upper case, no spaces), so it can still be stored as 待核实. */
  | { ok: false; code: string; problem: CreditCodeProblem; message: string };

/** Upper case, half-width, without spaces or dashes: how people type a code they copy from a licence. */
export function normalizeCreditCode(input: string): string {
  return input.normalize('NFKC').toUpperCase().replace(SEPARATORS, '');
}

/** The check character for the first 17 characters (which must all be in the code set). */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CODE_SET.indexOf(first17[i] as string) * (WEIGHTS[i] as number);
  return CODE_SET[(31 - (sum % 31)) % 31] as string;
}

export function checkCreditCode(input: string): CreditCodeCheck {
  const code = normalizeCreditCode(input);
  const fail = (problem: CreditCodeProblem, message: string): CreditCodeCheck => ({ ok: false, code, problem, message });
  if (code === '') return fail('empty', CREDIT_CODE_MESSAGES.empty);
  const forbidden = [...new Set(code.match(FORBIDDEN) ?? [])].join('、');
  if (forbidden) return fail('forbidden', CREDIT_CODE_MESSAGES.forbidden(forbidden));
  const illegal = [...new Set([...code].filter((c) => !CODE_SET.includes(c)))].join('');
  if (illegal) return fail('illegal', CREDIT_CODE_MESSAGES.illegal(illegal));
  if (code.length !== 18) return fail('length', CREDIT_CODE_MESSAGES.length(code.length));
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17]) return fail('check_digit', CREDIT_CODE_MESSAGES.checkDigit);
  return { ok: true, code };
}
