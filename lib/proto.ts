// A minimal protobuf codec: enough to read the op registry (OpDef, KernelList) and to write the
// small messages TensorFlow takes as bytes (RunOptions, Options, ConfigProto). No schema: the
// callers name field numbers, each next to the .proto it follows.

/** One field of a message: its number, wire type and raw value (varint as bigint, fixed as bytes). */
export interface ProtoEntry {
  field: number;
  wire: 0 | 1 | 2 | 5;
  /** Varints. */
  int: bigint;
  /** Length-delimited payloads, and the 4 or 8 bytes of fixed-width fields. */
  bytes: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);
const utf8 = new TextDecoder();

/** The fields of one message, in order. */
export function decodeProto(buf: Uint8Array): ProtoEntry[] {
  const out: ProtoEntry[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new RangeError('truncated protobuf varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > buf.length) throw new RangeError('truncated protobuf field');
    const v = buf.subarray(pos, pos + n);
    pos += n;
    return v;
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) out.push({ field, wire, int: varint(), bytes: NO_BYTES });
    else if (wire === 2) out.push({ field, wire, int: 0n, bytes: take(Number(varint())) });
    else if (wire === 1) out.push({ field, wire, int: 0n, bytes: take(8) });
    else if (wire === 5) out.push({ field, wire, int: 0n, bytes: take(4) });
    else throw new RangeError(`unexpected protobuf wire type ${wire}`);
  }
  return out;
}

/** A string field's text. */
export function protoText(e: ProtoEntry): string {
  return utf8.decode(e.bytes);
}

/** A signed int64 varint as a number (exact below 2^53, as every registry value is). */
export function protoInt(e: ProtoEntry): number {
  return Number(BigInt.asIntN(64, e.int));
}

/** The values of a repeated varint field, packed (wire 2) or not. */
export function protoPackedInts(entries: ProtoEntry[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    if (e.wire === 0) out.push(protoInt(e));
    else for (const inner of decodePackedVarints(e.bytes)) out.push(Number(BigInt.asIntN(64, inner)));
  }
  return out;
}

function decodePackedVarints(bytes: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let v = 0n;
  let shift = 0n;
  for (const b of bytes) {
    v |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      out.push(v);
      v = 0n;
      shift = 0n;
    }
  }
  return out;
}

/** The values of a repeated float field, packed or not. */
export function protoPackedFloats(entries: ProtoEntry[]): number[] {
  const out: number[] = [];
  for (const e of entries) {
    const view = new DataView(e.bytes.buffer, e.bytes.byteOffset, e.bytes.byteLength);
    for (let i = 0; i + 4 <= e.bytes.byteLength; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}

/** A message to write: (field, value) pairs; varints, bools, strings, bytes and nested messages. */
export type ProtoValue = number | bigint | boolean | string | Uint8Array | ProtoField[];
export type ProtoField = [field: number, value: ProtoValue];

export function encodeProto(message: ProtoField[]): Uint8Array {
  const out: number[] = [];
  const varint = (n: bigint) => {
    let v = BigInt.asUintN(64, n);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      out.push(b);
    } while (v !== 0n);
  };
  for (const [field, value] of message) {
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
      varint(BigInt(field * 8));
      varint(typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value));
    } else {
      const bytes =
        typeof value === 'string' ? new TextEncoder().encode(value) : Array.isArray(value) ? encodeProto(value) : value;
      varint(BigInt(field * 8 + 2));
      varint(BigInt(bytes.length));
      for (const b of bytes) out.push(b);
    }
  }
  return Uint8Array.from(out);
}
