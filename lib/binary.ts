// A small container for typed arrays plus a JSON header, so an index or a trained model saves and loads as one file
// without JSON-encoding millions of numbers (JSON.parse of a 100k-entry index, or of a model's weights in base64,
// would dominate start-up).
export type Typed = Float64Array | Float32Array | Int32Array | Uint32Array;
const KINDS = { Float64Array, Float32Array, Int32Array, Uint32Array } as const;
type KindName = keyof typeof KINDS;

/** Whether a value is one of the arrays a binary file holds. */
export const isTyped = (value: unknown): value is Typed => Object.values(KINDS).some((Kind) => value instanceof Kind);

const MAGIC = 'LOIX1';

/** Each array starts at a multiple of its element size in the body (files of 4-byte arrays only have no padding). */
const aligned = (offset: number, bytes: number) => Math.ceil(offset / bytes) * bytes;

export function pack(header: unknown, arrays: Record<string, Typed>): Buffer {
  const layout: { name: string; kind: KindName; length: number }[] = [];
  for (const [name, arr] of Object.entries(arrays)) layout.push({ name, kind: arr.constructor.name as KindName, length: arr.length });
  const head = Buffer.from(JSON.stringify({ header, layout }), 'utf8');
  // Pad the JSON so the arrays start 8-byte aligned and can be viewed without copying.
  const headLen = head.length + ((8 - ((MAGIC.length + 4 + head.length) % 8)) % 8);
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1'), u32(headLen), Buffer.concat([head, Buffer.alloc(headLen - head.length, 0x20)])];
  let offset = 0;
  for (const arr of Object.values(arrays)) {
    const start = aligned(offset, arr.BYTES_PER_ELEMENT);
    if (start > offset) parts.push(Buffer.alloc(start - offset));
    parts.push(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
    offset = start + arr.byteLength;
  }
  return Buffer.concat(parts);
}

export function unpack<H>(buf: Buffer): { header: H; arrays: Record<string, Typed> } {
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('binary file: bad magic (not a file this project wrote)');
  const headLen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const { header, layout } = JSON.parse(buf.toString('utf8', start, start + headLen)) as {
    header: H;
    layout: { name: string; kind: KindName; length: number }[];
  };
  // The arrays are views on the file's own bytes when the body starts 8-byte aligned in memory (a file read whole
  // is), else on an aligned copy (Node's pooled Buffers may start at any offset).
  let bodyStart = buf.byteOffset + start + headLen;
  let body = buf.buffer as ArrayBuffer;
  if (bodyStart % 8 !== 0) {
    body = new Uint8Array(buf.subarray(start + headLen)).buffer;
    bodyStart = 0;
  }
  const end = bodyStart + buf.length - start - headLen;
  const arrays: Record<string, Typed> = {};
  let offset = 0;
  for (const { name, kind, length } of layout) {
    const Ctor = KINDS[kind];
    if (!Ctor) throw new Error(`binary file: unknown array kind ${kind}`);
    offset = aligned(offset, Ctor.BYTES_PER_ELEMENT);
    if (bodyStart + offset + length * Ctor.BYTES_PER_ELEMENT > end) throw new Error(`binary file: array "${name}" runs past the end`);
    arrays[name] = new Ctor(body, bodyStart + offset, length);
    offset += length * Ctor.BYTES_PER_ELEMENT;
  }
  return { header, arrays };
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

export function need<T extends Typed>(arrays: Record<string, Typed>, name: string, kind: new (n: number) => T): T {
  const arr = arrays[name];
  if (!(arr instanceof kind)) throw new Error(`binary file: lacks array "${name}"`);
  return arr;
}
