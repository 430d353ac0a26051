// Host records → serialized tf.train.Example protos, byte for byte what Python's
// `example.SerializeToString(deterministic=True)` writes (deterministic: map entries in key
// order; Python's default order is its hash table's, and both parse to the same Example).
// tensorflow/core/example/example.proto and feature.proto:
//   Example { Features features = 1; }          Features { map<string, Feature> feature = 1; }
//   Feature { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
//   BytesList { repeated bytes value = 1; }      FloatList { repeated float value = 1 [packed]; }
//   Int64List { repeated int64 value = 1 [packed]; }
import { isTypedArray } from './dtypes';
import { Tensor } from './tensor';

/**
 * One feature's values. Explicit forms say the list type: `{ floatList }`, `{ int64List }`,
 * `{ bytesList }`. Otherwise it is inferred: strings, Buffers and Uint8Arrays are bytes;
 * bigints, integer TypedArrays and bool/integer Tensors are int64; Float32Array, Float64Array
 * and float Tensors are floats; JS numbers are int64 when every one is an integer, else floats
 * (use `{ floatList: [1, 2] }` for float features whose values happen to be whole).
 */
export type ExampleFeatureValue =
  | number
  | bigint
  | string
  | Uint8Array
  | readonly number[]
  | readonly bigint[]
  | readonly (string | Uint8Array)[]
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint16Array
  | Uint32Array
  | Tensor
  | {
      /** A FloatList (float32 values). */
      readonly floatList: readonly number[] | Float32Array | Float64Array;
    }
  | {
      /** An Int64List. */
      readonly int64List: readonly (number | bigint)[] | Int32Array | BigInt64Array;
    }
  | {
      /** A BytesList (strings are UTF-8). */
      readonly bytesList: readonly (string | Uint8Array)[];
    };

/** A tf.train.Example's features: name → values. */
export type ExampleRecord = { readonly [name: string]: ExampleFeatureValue };

type Kind = 'bytes' | 'float' | 'int64';

class Writer {
  private chunks: number[] = [];
  varint(v: bigint): void {
    let n = BigInt.asUintN(64, v);
    do {
      let b = Number(n & 0x7fn);
      n >>= 7n;
      if (n !== 0n) b |= 0x80;
      this.chunks.push(b);
    } while (n !== 0n);
  }
  key(field: number, wire: number): void {
    this.varint(BigInt(field * 8 + wire));
  }
  bytes(field: number, data: Uint8Array): void {
    this.key(field, 2);
    this.varint(BigInt(data.length));
    for (const b of data) this.chunks.push(b);
  }
  raw(data: Uint8Array | number[]): void {
    for (const b of data) this.chunks.push(b);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const utf8 = new TextEncoder();

function toBytes(v: unknown, where: string): Uint8Array {
  if (typeof v === 'string') return utf8.encode(v);
  if (v instanceof Uint8Array) return v;
  throw new TypeError(`${where}: a bytes value must be a string, Buffer or Uint8Array, got ${typeof v}`);
}

function toInt64(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new RangeError(`${where}: ${v} does not fit int64`);
    return v;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`${where}: an int64 value must be a safe integer or a bigint, got ${String(v)}`);
}

function toFloat(v: unknown, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: a float value must be a number, got ${typeof v}`);
  return v;
}

/** The list kind and values of one feature. */
function classify(value: ExampleFeatureValue, where: string): [Kind, unknown[]] {
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isTypedArray(value) &&
    !(value instanceof Tensor)
  ) {
    const keys = Object.keys(value);
    const v = value as Record<string, unknown>;
    if (keys.length === 1 && (keys[0] === 'floatList' || keys[0] === 'int64List' || keys[0] === 'bytesList')) {
      const list = v[keys[0]];
      if (!Array.isArray(list) && !isTypedArray(list)) throw new TypeError(`${where}: ${keys[0]} must be an array`);
      const kind: Kind = keys[0] === 'floatList' ? 'float' : keys[0] === 'int64List' ? 'int64' : 'bytes';
      return [kind, Array.from(list as ArrayLike<unknown>)];
    }
    if (!(value instanceof Uint8Array))
      throw new TypeError(`${where}: an object value must be { floatList }, { int64List } or { bytesList }`);
  }
  if (value instanceof Tensor) {
    if (value.dtype === 'string') return ['bytes', [...(value.data as Uint8Array[])]];
    const flat = Array.from(value.data as ArrayLike<number | bigint>);
    return [value.dtype === 'float32' || value.dtype === 'float64' ? 'float' : 'int64', flat];
  }
  if (typeof value === 'string' || value instanceof Uint8Array) return ['bytes', [value]];
  if (typeof value === 'bigint') return ['int64', [value]];
  if (typeof value === 'number') return [Number.isInteger(value) ? 'int64' : 'float', [value]];
  if (value instanceof Float32Array || value instanceof Float64Array) return ['float', Array.from(value)];
  if (isTypedArray(value)) return ['int64', Array.from(value as ArrayLike<number | bigint>)];
  if (Array.isArray(value)) {
    if (value.length === 0)
      throw new TypeError(
        `${where}: an empty list has no type; give { floatList: [] }, { int64List: [] } or { bytesList: [] }`,
      );
    if (value.every((x) => typeof x === 'string' || x instanceof Uint8Array)) return ['bytes', value];
    if (value.every((x) => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x))))
      return ['int64', value];
    if (value.every((x) => typeof x === 'number')) return ['float', value];
    throw new TypeError(`${where}: a list must hold only numbers, only bigints or only strings/bytes`);
  }
  throw new TypeError(`${where}: unsupported value ${String(value)}`);
}

function encodeFeature(value: ExampleFeatureValue, where: string): Uint8Array {
  const [kind, values] = classify(value, where);
  const list = new Writer();
  if (kind === 'bytes') {
    values.forEach((v) => list.bytes(1, toBytes(v, where)));
  } else if (values.length > 0) {
    const packed = new Writer();
    if (kind === 'float') {
      const buf = new Uint8Array(4 * values.length);
      const view = new DataView(buf.buffer);
      values.forEach((v, i) => view.setFloat32(4 * i, toFloat(v, where), true));
      packed.raw(buf);
    } else {
      values.forEach((v) => packed.varint(toInt64(v, where)));
    }
    list.bytes(1, packed.done());
  }
  const feature = new Writer();
  feature.bytes(kind === 'bytes' ? 1 : kind === 'float' ? 2 : 3, list.done());
  return feature.done();
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * A serialized tf.train.Example of `record` (what `parseExample` reads, and Python's
 * `tf.train.Example.FromString`): the bytes of Python's `SerializeToString(deterministic=True)`
 * for the same features. See `ExampleFeatureValue` for how each value's list type is chosen.
 */
export function encodeExample(record: ExampleRecord): Uint8Array {
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    throw new TypeError('encodeExample: record must be an object of feature name → values');
  const entries = Object.keys(record)
    .map((name) => ({ name, key: utf8.encode(name) }))
    .sort((a, b) => compareBytes(a.key, b.key));
  const features = new Writer();
  for (const { name, key } of entries) {
    const entry = new Writer();
    entry.bytes(1, key);
    entry.bytes(2, encodeFeature(record[name], `encodeExample: feature '${name}'`));
    features.bytes(1, entry.done());
  }
  const example = new Writer();
  example.bytes(1, features.done());
  return example.done();
}
