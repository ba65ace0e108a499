// Text from users and agents is stored as text: HTML stays literal (whoever renders escapes it), control and
// invisible direction characters go, and every field has a length cap so one paste cannot bloat a row.
import { truncatedNote } from './labels.ts';

/** Longest request text kept. A 12345 request is a paragraph; a pasted letter beyond this is cut with a note. */
export const MAX_REQUEST_LENGTH = 2000;

// C0/C1 controls except tab and newline, DEL, zero-width and bidi-override characters, the BOM. Bidi overrides can
// make a number or a name display reversed on an agent's screen.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const LINE_BREAKS = /\r\n?/g;
// Half of a surrogate pair cannot be encoded as UTF-8 (PostgreSQL would refuse the row): replace it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const SINGLE_LINE = /[\n\t]+/g;

/** Removes what must not be stored; keeps newlines and tabs only when `multiline`. Caps at `max` characters. */
export function cleanText(input: string, max: number, multiline = false): string {
  let text = input.replace(LONE_SURROGATE, '\uFFFD').replace(LINE_BREAKS, '\n').replace(CONTROL, '');
  if (!multiline) text = text.replace(SINGLE_LINE, ' ');
  text = text.trim();
  return cap(text, max);
}

/** A cleaned optional field: undefined, null and blank become null. */
export function cleanOptional(input: string | null | undefined, max: number): string | null {
  if (input === undefined || input === null) return null;
  const text = cleanText(input, max);
  return text === '' ? null : text;
}

export interface CappedRequest {
  text: string;
  truncated: boolean;
}

/** The request text, cut at MAX_REQUEST_LENGTH characters with a note saying how long the original was. */
export function capRequest(input: string, max = MAX_REQUEST_LENGTH): CappedRequest {
  const whole = cleanText(input, Number.MAX_SAFE_INTEGER, true);
  const length = [...whole].length;
  if (length <= max) return { text: whole, truncated: false };
  return { text: cap(whole, max) + truncatedNote(length, max), truncated: true };
}

/** Cuts by characters (code points), never inside a surrogate pair. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  return [...text].slice(0, max).join('');
}
