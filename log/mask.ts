/**
 * Masks personal identifiers and credentials before anything is logged (or kept where only service
 * needs it): 身份证号 (18 and 15 digits), 统一社会信用代码 (any case), mobile numbers (+86/0086/86
 * prefixes, spaces or hyphens between the groups), landlines, bank cards (16–19 digits passing the
 * Luhn check, plain or in groups of four), e-mail addresses, bearer tokens and JWTs. Full-width digits
 * and letters are read as their ASCII forms, and URL-encoded text (%E6%89%8B…, %2B86…) is decoded
 * first, so neither hides a number. Ordinary numbers (amounts, dates, times, ticket numbers such as
 * QY20261130-0042) are left alone.
 *
 * Order matters: longer identifiers go first so the phone pattern never bites into one of them.
 */
const NOT_ALNUM_BEFORE = '(?<![0-9A-Za-z])';
const NOT_ALNUM_AFTER = '(?![0-9A-Za-z])';

const ID_CARD = new RegExp(`${NOT_ALNUM_BEFORE}([1-9]\\d{5})(\\d{8})(\\d{3}[0-9Xx])${NOT_ALNUM_AFTER}`, 'g');
/** First-generation 15-digit IDs: area, YYMMDD, sequence. The date must look like one. */
const ID_CARD_15 = new RegExp(`${NOT_ALNUM_BEFORE}([1-9]\\d{5})(\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]))(\\d{3})${NOT_ALNUM_AFTER}`, 'g');
const CREDIT_CODE = new RegExp(`${NOT_ALNUM_BEFORE}([0-9A-HJ-NPQRTUWXY]{2}\\d{6})([0-9A-HJ-NPQRTUWXY]{6})([0-9A-HJ-NPQRTUWXY]{4})${NOT_ALNUM_AFTER}`, 'gi');
const CARD = new RegExp(`${NOT_ALNUM_BEFORE}(\\d{16,19}|\\d{4}([ -])\\d{4}\\2\\d{4}\\2\\d{4}(?:\\2\\d{1,3})?)${NOT_ALNUM_AFTER}`, 'g');
const MOBILE = /(?<![0-9A-Za-z+])((?:\+|00)?86[ -]?|\(\+?86\)[ -]?)?(1[3-9]\d)([ -]?)(\d{4})([ -]?)(\d{4})(?!\d)/g;
const LANDLINE = /(?<!\d)(0\d{2,3}-?)(\d{3,4})(\d{4})(?!\d)/g;
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0B\uFF0D\u3000\uFF08\uFF09]/;
const FULL_WIDTH_ALL = new RegExp(FULL_WIDTH.source, 'g');
const PERCENT_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

export function maskText(text: string): string {
  const plain = maskPlain(text);
  if (!text.includes('%')) return plain;
  // URL-encoded text: decode, mask, and keep the decoded form if that revealed anything to mask.
  const decoded = decodePercent(text);
  if (decoded === text) return plain;
  const masked = maskPlain(decoded);
  return masked === decoded ? plain : masked;
}

function maskPlain(input: string): string {
  const text = FULL_WIDTH.test(input) ? input.replace(FULL_WIDTH_ALL, halfWidth) : input;
  return text
    .replace(BEARER, '$1[redacted]')
    .replace(JWT, '[jwt]')
    .replace(EMAIL, (_m, first: string, domain: string) => `${first}***@${domain}`)
    .replace(ID_CARD, (_m, head: string, _mid: string, tail: string) => `${head}********${tail}`)
    .replace(ID_CARD_15, (_m, head: string, _mid: string, tail: string) => `${head}******${tail}`)
    .replace(CREDIT_CODE, (_m, head: string, mid: string, tail: string) => `${head}${'*'.repeat(mid.length)}${tail}`)
    .replace(CARD, (match: string) => (luhn(match.replace(/\D/g, '')) ? maskCard(match) : match))
    .replace(MOBILE, (_m, prefix = '', head: string, s1: string, _mid: string, s2: string, tail: string) => `${prefix}${head}${s1}****${s2}${tail}`)
    .replace(LANDLINE, (_m, head: string, mid: string, tail: string) => `${head}${'*'.repeat(mid.length)}${tail}`);
}

/**
 * What stored transcripts keep masked: identity-card and bank-card numbers, which no chat reply needs
 * and whose leak costs most. Phone numbers, e-mail addresses and credit codes stay: agents use them to
 * call back or look up the enterprise. (Logs mask all of them, see maskText.)
 */
export function maskIdentityNumbers(input: string): string {
  const text = FULL_WIDTH.test(input) ? input.replace(FULL_WIDTH_ALL, halfWidth) : input;
  const masked = text
    .replace(ID_CARD, (_m, head: string, _mid: string, tail: string) => `${head}********${tail}`)
    .replace(ID_CARD_15, (_m, head: string, _mid: string, tail: string) => `${head}******${tail}`)
    .replace(CARD, (match: string) => (luhn(match.replace(/\D/g, '')) ? maskCard(match) : match));
  return masked === text ? input : masked;
}

function halfWidth(ch: string): string {
  if (ch === '\u3000') return ' ';
  if (ch === '\uFF08') return '(';
  if (ch === '\uFF09') return ')';
  return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
}

/** Decodes each run of %XX as UTF-8 (invalid sequences become U+FFFD); everything else stays. */
function decodePercent(text: string): string {
  return text.replace(PERCENT_RUN, (run) => new TextDecoder('utf-8', { fatal: false }).decode(Buffer.from(run.replace(/%/g, ''), 'hex')));
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Keeps the first six and last four digits (the issuer and what people read back), separators as they were. */
function maskCard(card: string): string {
  const total = card.replace(/\D/g, '').length;
  let seen = 0;
  return card.replace(/\d/g, (d) => (seen++ < 6 || seen > total - 4 ? d : '*'));
}

/** Field names whose values are credentials: never logged, whatever they look like. */
const SECRET_KEYS =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-ms-token|password|passwd|secret|client_secret|api[-_]?key|token|access_token|refresh_token)$/i;

/** Deep-masks every string inside a log record (objects, arrays); leaves other values alone. */
export function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
  if (value instanceof Error) return { type: value.name, message: maskText(value.message), stack: value.stack && maskText(value.stack) };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEYS.test(key) && item !== undefined ? '[redacted]' : maskDeep(item, depth + 1);
  return out;
}
