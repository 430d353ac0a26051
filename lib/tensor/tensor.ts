import type { LiteralDType } from './literal-dtype';
import {
  AnyTypedArray,
  DataTypeMap,
  DType,
  DTYPES,
  INT_RANGE,
  ValueTypeMap,
  arrayCtor,
  dtypeOfArray,
  fromTFEnum,
  isDType,
  isTypedArray,
  toTFEnum,
} from './dtypes';
import { NativeTensorHandle, RawTensor, addon } from '../native';
import { TfjsTensorLike, isTfjsTensor, readTfjsTensor } from './tfjs-input';

/** Nested JS arrays of one kind of scalar. */
export type NestedArray<V> = V | readonly NestedArray<V>[];
/** Nested arrays as `toArray()` returns them. */
export type Nested<V> = V | Nested<V>[];
/** Anything `tensor()` accepts as values. */
export type TensorLike =
  | Tensor
  | AnyTypedArray
  | NestedArray<number>
  | NestedArray<bigint>
  | NestedArray<boolean>
  | NestedArray<string>
  | NestedArray<Uint8Array>
  | TfjsTensorLike;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_RANK = 32;

// Values shown by util.inspect before the rest is summarised.
const INSPECT_PREVIEW = 24;

/**
 * A tensor in host memory: what a pipeline yields, and what you hand to sources and captures.
 * `data` is the TypedArray of the dtype (`Uint8Array` per element for strings, 0/1 bytes for bool).
 *
 * A Tensor is a value: `dtype` and `shape` cannot change, `tensor()` copies what it is given, a
 * pipeline copies a Tensor into TensorFlow when a dataset or map first takes it (checking it again
 * then), and every tensor a pipeline yields owns its memory. Treat `data` as read-only: a write
 * is seen by `toArray()` but not by pipelines that already took the tensor.
 */
export class Tensor<D extends DType = DType> {
  readonly #dtype: D;
  readonly #shape: readonly number[];
  readonly #data: DataTypeMap[D];
  private native: NativeTensorHandle | undefined;

  /**
   * @internal Use {@link tensor} to make tensors. Checks everything here, the one place every
   * Tensor is made: dtype, shape (rank, sizes, element count) and that `data` fits both.
   */
  constructor(dtype: D, shape: readonly number[], data: DataTypeMap[D]) {
    if (!isDType(dtype)) throw new TypeError(`dtype must be one of ${DTYPES.join(', ')}; got ${String(dtype)}`);
    checkShape(shape);
    const size = sizeOf(shape);
    if (dtype === 'string') {
      if (!Array.isArray(data) || data.length !== size || !(data as unknown[]).every((b) => b instanceof Uint8Array)) {
        throw new TypeError(
          `data of a string tensor of shape [${shape.join(', ')}] must be an array of ${size} Uint8Array`,
        );
      }
    } else {
      const Ctor = arrayCtor(dtype);
      if (!(data instanceof Ctor)) throw new TypeError(`data of a ${dtype} tensor must be a ${Ctor.name}`);
      if ((data as AnyTypedArray).length !== size) {
        throw new RangeError(
          `data has ${(data as AnyTypedArray).length} elements; shape [${shape.join(', ')}] needs ${size}`,
        );
      }
      // Shared memory can change under TensorFlow's feet (and cannot be wrapped natively): copy it.
      if ((data as AnyTypedArray).buffer instanceof SharedArrayBuffer)
        data = (data as AnyTypedArray).slice() as DataTypeMap[D];
    }
    this.#dtype = dtype;
    this.#shape = Object.freeze([...shape]);
    this.#data = data;
  }

  /** The element type. */
  get dtype(): D {
    return this.#dtype;
  }

  /** Dimensions (empty for a scalar); frozen. */
  get shape(): readonly number[] {
    return this.#shape;
  }

  /**
   * The values, row-major, as the dtype's TypedArray (for pipeline outputs, memory TensorFlow filled
   * and this tensor alone owns).
   */
  get data(): DataTypeMap[D] {
    return this.#data;
  }

  /** Number of elements. */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** One element by index (`t.get(1, 0)`); a scalar takes no index. */
  get(...index: number[]): ValueTypeMap[D] {
    if (index.length !== this.rank) throw new RangeError(`get() needs ${this.rank} indices, got ${index.length}`);
    let flat = 0;
    for (let i = 0; i < index.length; i++) {
      const k = index[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.shape[i]) {
        throw new RangeError(`index ${i} (${k}) is out of range for dimension of size ${this.shape[i]}`);
      }
      flat = flat * this.shape[i] + k;
    }
    return this.valueAt(flat);
  }

  /** The values as nested JS arrays (bigint for 64-bit integers, strings decoded as UTF-8). */
  toArray(): Nested<ValueTypeMap[D]> {
    const values: ValueTypeMap[D][] = new Array(this.size);
    for (let i = 0; i < values.length; i++) values[i] = this.valueAt(i);
    if (this.rank === 0) return values[0];
    const build = (dim: number, offset: number): Nested<ValueTypeMap[D]>[] => {
      const n = this.shape[dim];
      if (dim === this.rank - 1) return values.slice(offset, offset + n);
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out: Nested<ValueTypeMap[D]>[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** dtype, shape and values, for logs. */
  toString(): string {
    return `Tensor<${this.dtype}>[${this.shape.join(',')}] ${JSON.stringify(this.toArray(), (_k, v) =>
      typeof v === 'bigint' ? `${v}n` : v,
    )}`;
  }

  /** What `console.log` and `util.inspect` show: dtype, shape and a preview of the values. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const head = `Tensor<${this.dtype}>[${this.shape.join(',')}]`;
    const show = (v: unknown) =>
      typeof v === 'bigint' ? `${v}n` : typeof v === 'string' ? JSON.stringify(v) : String(v);
    if (this.size <= INSPECT_PREVIEW) {
      const render = (v: unknown): string => (Array.isArray(v) ? `[${v.map(render).join(', ')}]` : show(v));
      return `${head} ${render(this.toArray())}`;
    }
    const first = Array.from({ length: INSPECT_PREVIEW }, (_, i) => show(this.valueAt(i)));
    return `${head} [${first.join(', ')}, … ${this.size - INSPECT_PREVIEW} more] (flattened)`;
  }

  private valueAt(i: number): ValueTypeMap[D] {
    const d = this.data as unknown as ArrayLike<unknown>;
    if (this.dtype === 'bool') return ((d[i] as number) !== 0) as ValueTypeMap[D];
    if (this.dtype === 'string') return decoder.decode(d[i] as Uint8Array) as ValueTypeMap[D];
    return d[i] as ValueTypeMap[D];
  }

  /** @internal The TensorFlow copy of this tensor, made once and then shared by every feed. */
  handle(): NativeTensorHandle {
    if (!this.native) {
      // Checked again at the snapshot: bool bytes written after tensor() must still be 0 or 1.
      if (this.dtype === 'bool' && (this.data as Uint8Array).some((b) => b > 1))
        throw new RangeError('bool tensor data must be 0 or 1');
      const data = this.dtype === 'string' ? this.data : (this.data as AnyTypedArray);
      this.native = new (addon().TensorHandle)(toTFEnum(this.dtype), [...this.shape], data);
    }
    return this.native;
  }

  /** @internal Wraps what the addon returns (an external ArrayBuffer owned by a TF_Tensor). */
  static fromRaw(raw: RawTensor): Tensor {
    const dtype = fromTFEnum(raw.dtype);
    if (!isDType(dtype)) throw new TypeError(`a pipeline produced a ${dtype} tensor, which cannot reach JavaScript`);
    if (dtype === 'string') return new Tensor('string', raw.shape, raw.strings ?? []);
    const Ctor = arrayCtor(dtype);
    const buffer = raw.buffer ?? new ArrayBuffer(0);
    const bytes = raw.byteLength ?? buffer.byteLength;
    return new Tensor(dtype, raw.shape, new Ctor(buffer, raw.byteOffset ?? 0, bytes / Ctor.BYTES_PER_ELEMENT) as never);
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: readonly number[], argument = 'shape'): void {
  if (!Array.isArray(shape)) throw new TypeError(`${argument} must be an array of non-negative integers`);
  if (shape.length > MAX_RANK) throw new RangeError(`${argument} has rank ${shape.length}; the maximum is ${MAX_RANK}`);
  shape.forEach((d, i) => {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new RangeError(`${argument}[${i}] must be a non-negative integer, got ${d}`);
  });
  const n = sizeOf(shape);
  if (!Number.isSafeInteger(n) || n > 2 ** 40) {
    throw new RangeError(`${argument} [${shape.join(', ')}] has ${n} elements, more than a host tensor can hold`);
  }
}

type Scalar = number | bigint | boolean | string | Uint8Array;

/** Shape and flat leaves of nested arrays; ragged nesting is a TypeError naming the place. */
function flatten(values: unknown): { shape: number[]; leaves: Scalar[] } {
  const shape: number[] = [];
  let probe: unknown = values;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const leaves: Scalar[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(v))
        throw new TypeError(`values is ragged: ${path} is nested deeper than values${'[0]'.repeat(depth)}`);
      leaves.push(v as Scalar);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new TypeError(
        `values is ragged: ${path} has ${Array.isArray(v) ? `length ${v.length}` : 'no array'} ` +
          `where ${shape[depth]} was expected`,
      );
    }
    for (let i = 0; i < v.length; i++) walk(v[i], depth + 1, `${path}[${i}]`);
  };
  walk(values, 0, 'values');
  return { shape, leaves };
}

/** TensorFlow's rule for Python values: ints → int32 (int64 when too big), floats → float32. */
function inferDType(leaves: readonly Scalar[]): DType {
  if (leaves.length === 0) return 'float32';
  const kind = (v: Scalar): string => (v instanceof Uint8Array ? 'string' : typeof v);
  const first = kind(leaves[0]);
  for (const v of leaves) {
    if (kind(v) !== first) throw new TypeError(`values mixes ${first} and ${kind(v)} elements`);
  }
  switch (first) {
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    case 'bigint':
      return 'int64';
    case 'number': {
      const nums = leaves as number[];
      if (nums.every((n) => Number.isInteger(n) && !Object.is(n, -0))) {
        return nums.every((n) => n >= -2147483648 && n <= 2147483647) ? 'int32' : 'int64';
      }
      return 'float32';
    }
    default:
      throw new TypeError(`values contains a ${first}, which is not a tensor element`);
  }
}

function convertLeaves<D extends DType>(leaves: ArrayLike<Scalar>, dtype: D): DataTypeMap[D] {
  const n = leaves.length;
  if (dtype === 'string') {
    const out: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = leaves[i];
      if (typeof v === 'string') out[i] = encoder.encode(v);
      else if (v instanceof Uint8Array) out[i] = v;
      else throw new TypeError(`values[${i}] is a ${typeof v}; a string tensor needs strings or Uint8Array`);
    }
    return out as DataTypeMap[D];
  }
  const out = new (arrayCtor(dtype))(n);
  for (let i = 0; i < n; i++) {
    const v = leaves[i];
    if (dtype === 'bool') {
      if (typeof v !== 'boolean') throw new TypeError(`values[${i}] is a ${typeof v}; a bool tensor needs booleans`);
      out[i] = v ? 1 : 0;
    } else if (dtype === 'int64' || dtype === 'uint64') {
      let b: bigint;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
      else throw new TypeError(`values[${i}] (${String(v)}) cannot be stored as ${dtype} without truncation`);
      const [lo, hi] = dtype === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
      if (b < lo || b > hi) throw new RangeError(`values[${i}] (${b}) is out of range for ${dtype}`);
      out[i] = b;
    } else {
      let x: number;
      if (typeof v === 'number') x = v;
      else if (typeof v === 'bigint') x = Number(v);
      else throw new TypeError(`values[${i}] is a ${typeof v}; a ${dtype} tensor needs numbers`);
      if (dtype !== 'float32' && dtype !== 'float64') {
        if (!Number.isInteger(x))
          throw new TypeError(`values[${i}] (${x}) cannot be stored as ${dtype} without truncation`);
        const [lo, hi] = INT_RANGE[dtype as keyof typeof INT_RANGE];
        if (x < lo || x > hi) throw new RangeError(`values[${i}] (${x}) is out of range for ${dtype}`);
      }
      out[i] = x;
    }
  }
  return out as unknown as DataTypeMap[D];
}

/**
 * Makes a host tensor.
 * - nested arrays: dtype inferred as TensorFlow does for Python values (integers → int32, or
 *   int64 beyond its range; other numbers → float32; bigint → int64; boolean → bool; string)
 * - a TypedArray (+ `shape`, default `[length]`): dtype from the array kind
 * - a number, bigint, boolean or string: a scalar
 */
export function tensor<D extends DType>(values: TensorLike, dtype: D, shape?: readonly number[]): Tensor<D>;
export function tensor(values: Float32Array, dtype?: undefined, shape?: readonly number[]): Tensor<'float32'>;
export function tensor(values: Float64Array, dtype?: undefined, shape?: readonly number[]): Tensor<'float64'>;
export function tensor(values: Int32Array, dtype?: undefined, shape?: readonly number[]): Tensor<'int32'>;
export function tensor(values: BigInt64Array, dtype?: undefined, shape?: readonly number[]): Tensor<'int64'>;
export function tensor(values: Uint8Array, dtype?: undefined, shape?: readonly number[]): Tensor<'uint8'>;
export function tensor<const V extends NestedArray<number>>(
  values: V,
  dtype?: undefined,
  shape?: readonly number[],
): Tensor<LiteralDType<V>>;
export function tensor(values: NestedArray<boolean>, dtype?: undefined, shape?: readonly number[]): Tensor<'bool'>;
export function tensor(values: NestedArray<string>, dtype?: undefined, shape?: readonly number[]): Tensor<'string'>;
export function tensor(values: NestedArray<bigint>, dtype?: undefined, shape?: readonly number[]): Tensor<'int64'>;
export function tensor(values: TensorLike, dtype?: DType, shape?: readonly number[]): Tensor;
export function tensor(values: TensorLike, dtype?: DType, shape?: readonly number[]): Tensor {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new TypeError(`dtype must be one of ${DTYPES.join(', ')}; got ${String(dtype)}`);
  }
  if (shape !== undefined) checkShape(shape);
  let result: Tensor;
  if (isTfjsTensor(values)) {
    // Copied out with dataSync(); its shape unless `shape` says otherwise.
    const read = readTfjsTensor(values);
    return tensor(read.values as TensorLike, dtype ?? read.dtype, shape ?? read.shape);
  } else if (values instanceof Tensor) {
    if (dtype !== undefined && dtype !== values.dtype) {
      throw new TypeError(`values is a ${values.dtype} tensor, not ${dtype}; cast it inside the pipeline with tf.cast`);
    }
    result = values;
  } else if (isTypedArray(values)) {
    const own = dtypeOfArray(values);
    const target = dtype ?? own;
    let data: DataTypeMap[DType];
    if (target === own || (target === 'bool' && own === 'uint8')) {
      if (target === 'bool' && (values as Uint8Array).some((b) => b > 1))
        throw new RangeError('bool data must be 0 or 1');
      // A copy in the dtype's own array type: the caller's array stays theirs to change (a Buffer's
      // slice() would be a view of it, and a Uint8ClampedArray is not a uint8 tensor's Uint8Array).
      const copy = new (arrayCtor(target as Exclude<DType, 'string'>))(values.length);
      (copy as Uint8Array).set(values as Uint8Array);
      data = copy as DataTypeMap[DType];
    } else {
      data = convertLeaves(Array.from(values as ArrayLike<number | bigint>), target);
    }
    result = new Tensor(target, [values.length], data);
  } else {
    const { shape: natural, leaves } = flatten(values);
    if (natural.length > MAX_RANK)
      throw new RangeError(`values is nested ${natural.length} deep; the maximum rank is ${MAX_RANK}`);
    const target = dtype ?? inferDType(leaves);
    result = new Tensor(target, natural, convertLeaves(leaves, target));
  }
  if (shape !== undefined) {
    if (sizeOf(shape) !== result.size) {
      throw new RangeError(`shape [${shape.join(', ')}] has ${sizeOf(shape)} elements but values has ${result.size}`);
    }
    result = new Tensor(result.dtype, shape, result.data);
  }
  return result;
}
