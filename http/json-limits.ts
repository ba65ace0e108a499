/**
 * Shape limits for JSON from outside: how deep it nests and how large it is. Walked without
 * recursion, so a value nested thousands deep is measured, not a stack overflow.
 */
export const MAX_JSON_DEPTH = 32;

/** Depth of a parsed JSON value (a scalar is 0, `{}` or `[]` is 1); stops counting past `limit`. */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') stack.push([child, level]);
    }
  }
  return deepest;
}

export function tooDeep(value: unknown, limit = MAX_JSON_DEPTH): boolean {
  return jsonDepth(value, limit) > limit;
}

/** UTF-8 size of the value as JSON; undefined counts as 0. Only call on values known not to be too deep. */
export function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value) ?? '');
}
