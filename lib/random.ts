// A small seeded PRNG (mulberry32): model training and synthetic data must be reproducible run to run.
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over a string's UTF-16 units, continuing from `h`: a stable 32-bit name for a piece of text. */
export function hashText(text: string, h = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/** Two 32-bit values into one, well spread (a murmur3-style finalizer). */
export function mixHash(a: number, b: number): number {
  let h = (a ^ Math.imul((b + 0x9e3779b9) >>> 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A training pass's order of examples, from each example's own hash and the pass's seed, not from one random stream:
 * adding or removing an example leaves the others in the same relative order, so a small change to the training
 * data makes a small change to the model (examples that hash alike keep their own order).
 */
export function hashedOrder(exampleHashes: ArrayLike<number>, passSeed: number): Int32Array {
  const n = exampleHashes.length;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = mixHash(exampleHashes[i] as number, passSeed) * n + i; // < 2^32 · n: exact
  keys.sort();
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % n;
  return order;
}
