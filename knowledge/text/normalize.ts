// One canonical form for every text that enters retrieval (phrasings at build time, user messages at query
// time), so that 全角/半角, 繁體/简体, case and punctuation never decide whether two texts match.
import * as OpenCC from 'opencc-js/t2cn';

/** Longest normalized text kept. Chat questions are short; a pasted letter is cut rather than slowing search. */
export const MAX_NORMALIZED_LENGTH = 200;

// Checked both OpenCC variants on this machine:
// - 'tw' maps a lone 么 to 幺 (么么哒 → 幺幺哒) and so damages Simplified input;
// - 'hk' leaves Simplified text alone and still converts 衞/裏/麼/後/綫 and the usual Traditional forms.
// So 'hk' is the converter; Taiwan-specific forms (著 → 着) are not needed for matching because 着/著 rarely decide
// a social-insurance question.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

// Anything that is not a letter, a digit or a space: punctuation, symbols, emoji, control and format characters.
const NOT_WORD = /[^\p{L}\p{N}\s]+/gu;
const SPACES = /\s+/g;
// Han characters plus the Latin letters and digits that users mix in (APP, 12333, 3月).
const HAS_CJK = /\p{Script=Han}/u;

export interface NormalizeOptions {
  maxLength?: number;
}

// One message is normalized several times on its way through (triage, search, follow-up checks), and 繁→简
// conversion is the costly part: the last few results are kept.
const recent = new Map<string, string>();
const RECENT_MAX = 64;

export function normalize(input: unknown, options: NormalizeOptions = {}): string {
  if (typeof input !== 'string' || input.length === 0) return '';
  if (options.maxLength !== undefined) return normalizeUncached(input, options.maxLength);
  let text = recent.get(input);
  if (text === undefined) {
    text = normalizeUncached(input, MAX_NORMALIZED_LENGTH);
    if (recent.size >= RECENT_MAX) recent.delete(recent.keys().next().value as string);
    // Long pastes are cut to the same text anyway; keying on them would pin them in memory.
    if (input.length <= MAX_NORMALIZED_LENGTH * 4) recent.set(input, text);
  }
  return text;
}

function normalizeUncached(input: string, maxLength: number): string {
  // Cut early (with room for what stripping removes) so a 100 KB paste costs no more than a long question.
  let text = input.length > maxLength * 4 ? input.slice(0, maxLength * 4) : input;
  text = text.normalize('NFKC'); // full-width letters, digits, punctuation and the ideographic space → half-width
  if (HAS_CJK.test(text)) text = toSimplified(text);
  text = text.toLowerCase().replace(NOT_WORD, ' ').replace(SPACES, ' ').trim();
  if (text.length > maxLength) text = [...text].slice(0, maxLength).join('').trim();
  return text;
}

/** Letters (any script) and digits without spaces: the key used to compare two phrasings for equality. */
export function compactKey(input: string): string {
  return normalize(input).replace(SPACES, '');
}
