// A small container for typed arrays plus a JSON header, so an index saves and loads as one file without
// JSON-encoding millions of numbers (JSON.parse of a 100k-entry index would dominate start-up).
type Typed = Float32Array | Int32Array | Uint32Array;
const KINDS = { Float32Array, Int32Array, Uint32Array } as const;
type KindName = keyof typeof KINDS;

const MAGIC = 'LOIX1';

export function pack(header: unknown, arrays: Record<string, Typed>): Buffer {
  const layout: { name: string; kind: KindName; length: number }[] = [];
  for (const [name, arr] of Object.entries(arrays)) layout.push({ name, kind: arr.constructor.name as KindName, length: arr.length });
  const head = Buffer.from(JSON.stringify({ header, layout }), 'utf8');
  // Pad the JSON so every array starts 4-byte aligned and can be viewed without copying.
  const headLen = head.length + ((4 - ((MAGIC.length + 4 + head.length) % 4)) % 4);
  const parts: Buffer[] = [Buffer.from(MAGIC, 'latin1'), u32(headLen), Buffer.concat([head, Buffer.alloc(headLen - head.length, 0x20)])];
  for (const arr of Object.values(arrays)) parts.push(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  return Buffer.concat(parts);
}

export function unpack<H>(buf: Buffer): { header: H; arrays: Record<string, Typed> } {
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) throw new Error('[knowledge/index] not an index file (bad magic)');
  const headLen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  const { header, layout } = JSON.parse(buf.toString('utf8', start, start + headLen)) as {
    header: H;
    layout: { name: string; kind: KindName; length: number }[];
  };
  // Copy into a fresh, aligned ArrayBuffer: Node's pooled Buffers may start at any offset.
  const body = new Uint8Array(buf.subarray(start + headLen)).buffer;
  const arrays: Record<string, Typed> = {};
  let offset = 0;
  for (const { name, kind, length } of layout) {
    const Ctor = KINDS[kind];
    if (!Ctor) throw new Error(`[knowledge/index] unknown array kind ${kind}`);
    arrays[name] = new Ctor(body, offset, length);
    offset += length * 4;
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
  if (!(arr instanceof kind)) throw new Error(`[knowledge/index] index file lacks array "${name}"`);
  return arr;
}
