// Just enough of OpDef (tensorflow/core/framework/op_def.proto) to type attrs and infer them
// from inputs: read from the op registry of the loaded TensorFlow, so new attrs are seen.

export interface ArgDef {
  name: string;
  /** Fixed dtype (TF enum) or 0. */
  type: number;
  typeAttr: string;
  numberAttr: string;
  typeListAttr: string;
}

export interface AttrDef {
  name: string;
  /** 'int', 'float', 'bool', 'string', 'type', 'shape', 'tensor', 'func', 'list(int)', … */
  type: string;
  hasDefault: boolean;
}

export interface OpDef {
  name: string;
  inputs: ArgDef[];
  outputs: ArgDef[];
  attrs: Map<string, AttrDef>;
}

/** Iterates (field, wire type, value) of one protobuf message. */
function* fields(buf: Uint8Array): Generator<[number, number, Uint8Array | number]> {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = buf[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) yield [field, wire, varint()];
    else if (wire === 2) {
      const len = varint();
      yield [field, wire, buf.subarray(pos, pos + len)];
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
}

const text = new TextDecoder();

function parseArg(buf: Uint8Array): ArgDef {
  const arg: ArgDef = { name: '', type: 0, typeAttr: '', numberAttr: '', typeListAttr: '' };
  for (const [f, , v] of fields(buf)) {
    if (f === 1) arg.name = text.decode(v as Uint8Array);
    else if (f === 3) arg.type = v as number;
    else if (f === 4) arg.typeAttr = text.decode(v as Uint8Array);
    else if (f === 5) arg.numberAttr = text.decode(v as Uint8Array);
    else if (f === 6) arg.typeListAttr = text.decode(v as Uint8Array);
  }
  return arg;
}

function parseAttr(buf: Uint8Array): AttrDef {
  const attr: AttrDef = { name: '', type: '', hasDefault: false };
  for (const [f, , v] of fields(buf)) {
    if (f === 1) attr.name = text.decode(v as Uint8Array);
    else if (f === 2) attr.type = text.decode(v as Uint8Array);
    else if (f === 3) attr.hasDefault = true;
  }
  return attr;
}

export function parseOpDef(buf: Uint8Array): OpDef {
  const def: OpDef = { name: '', inputs: [], outputs: [], attrs: new Map() };
  for (const [f, , v] of fields(buf)) {
    if (f === 1) def.name = text.decode(v as Uint8Array);
    else if (f === 2) def.inputs.push(parseArg(v as Uint8Array));
    else if (f === 3) def.outputs.push(parseArg(v as Uint8Array));
    else if (f === 4) {
      const a = parseAttr(v as Uint8Array);
      def.attrs.set(a.name, a);
    }
  }
  return def;
}

/** Serializes a protobuf message from (field, value) pairs: varints, bools, strings and nested messages. */
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
      const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : Array.isArray(value) ? encodeProto(value) : value;
      varint(BigInt(field * 8 + 2));
      varint(BigInt(bytes.length));
      for (const b of bytes) out.push(b);
    }
  }
  return Uint8Array.from(out);
}
