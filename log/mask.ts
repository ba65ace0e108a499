/**
 * Masks personal identifiers before anything is logged: 身份证号, 统一社会信用代码 and mobile numbers.
 * Order matters: the 18-character ID and credit-code patterns go first so the phone pattern
 * never bites into the middle of a longer number.
 */
const ID_CARD = /(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])/g;
const CREDIT_CODE = /(?<![0-9A-Za-z])([0-9A-HJ-NPQRTUWXY]{2}\d{6})([0-9A-HJ-NPQRTUWXY]{6})([0-9A-HJ-NPQRTUWXY]{4})(?![0-9A-Za-z])/g;
const MOBILE = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)/g;

export function maskText(text: string): string {
  return text
    .replace(ID_CARD, (_m, head: string, _mid: string, tail: string) => `${head}********${tail}`)
    .replace(CREDIT_CODE, (_m, head: string, mid: string, tail: string) => `${head}${'*'.repeat(mid.length)}${tail}`)
    .replace(MOBILE, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`)
    .replace(LANDLINE, (_m, head: string, mid: string, tail: string) => `${head}${'*'.repeat(mid.length)}${tail}`);
}

/** Deep-masks every string inside a log record (objects, arrays); leaves other values alone. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  if (value instanceof Error) return { type: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskDeep(item, depth + 1);
  return out;
}
