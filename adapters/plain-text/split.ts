/** Size in the unit WeChat counts: UTF-8 bytes (a Chinese character is 3). */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const PARAGRAPH = '\n\n';

/**
 * Merges consecutive texts into as few messages as fit under `maxBytes`, splitting any that are
 * too long at paragraph boundaries, then at line boundaries, then (a very long line) between
 * characters. The order is always kept.
 */
export function packTexts(texts: readonly string[], maxBytes: number): string[] {
  if (maxBytes < 16) throw new Error(`plain-text: maxBytes ${maxBytes} is too small to hold a message`);
  const pieces = texts.flatMap((t) => splitText(t, maxBytes));
  const messages: string[] = [];
  for (const piece of pieces) {
    const last = messages.at(-1);
    if (last !== undefined && utf8Bytes(last) + utf8Bytes(PARAGRAPH) + utf8Bytes(piece) <= maxBytes) {
      messages[messages.length - 1] = last + PARAGRAPH + piece;
    } else messages.push(piece);
  }
  return messages;
}

/** One text as pieces of at most `maxBytes`, cut where a reader would pause. */
export function splitText(text: string, maxBytes: number): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (utf8Bytes(trimmed) <= maxBytes) return [trimmed];
  return greedy(trimmed.split(/\n{2,}/), PARAGRAPH, maxBytes, (paragraph) =>
    greedy(paragraph.split('\n'), '\n', maxBytes, (line) => splitChars(line, maxBytes)),
  );
}

/** Joins units with `separator` while they fit; a unit too big alone goes to `tooBig`. */
function greedy(units: string[], separator: string, maxBytes: number, tooBig: (unit: string) => string[]): string[] {
  const out: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim()) out.push(current.trim());
    current = '';
  };
  for (const unit of units) {
    if (!unit.trim()) continue;
    if (utf8Bytes(unit) > maxBytes) {
      flush();
      out.push(...tooBig(unit));
    } else if (!current) current = unit;
    else if (utf8Bytes(current) + utf8Bytes(separator) + utf8Bytes(unit) <= maxBytes) current += separator + unit;
    else {
      flush();
      current = unit;
    }
  }
  flush();
  return out;
}

/** Last resort: cut between characters (never inside a surrogate pair or a UTF-8 sequence). */
function splitChars(line: string, maxBytes: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const char of line) {
    if (utf8Bytes(current) + utf8Bytes(char) > maxBytes) {
      out.push(current);
      current = '';
    }
    current += char;
  }
  if (current.trim()) out.push(current);
  return out;
}
