// The TensorFlow.js bridge behind `ds.toTfjs()`: a `tf.data.Dataset` of the user's own tfjs whose
// elements are tfjs tensors made from the host tensors a pipeline yields. tfjs is an optional
// peer dependency: it is loaded on the first call (or passed as `options.tf`), and typed
// structurally here, so code that never uses tfjs compiles and runs without it.
//
// Copies: tfjs's CPU backend keeps the TypedArray it is given, so float32, int32, bool (0/1
// bytes) and string (UTF-8 bytes) tensors are handed over without a copy. tfjs has no float64 nor
// 8/16-bit or 64-bit integers: those are converted (one copy), int64 by `options.int64`.
//
// Lifetime: each element's tfjs tensors belong to the consumer. `model.fitDataset` and
// `evaluateDataset` dispose every batch after using it; `forEachAsync` callers dispose theirs.
import type { DType } from '../tensor/dtypes';
import { Tensor } from '../tensor/tensor';

/**
 * The parts of the TensorFlow.js module that `ds.toTfjs()` uses: `@tensorflow/tfjs`
 * itself, or `{ ...tfjsCore, data: tfjsData }`.
 */
export interface TfjsModule {
  /** `tf.tensor(values, shape, dtype)`. */
  tensor(values: never, shape: never, dtype: never): unknown;
  /** `tf.tidy(fn)`: tensors made in a conversion that fails are released. */
  tidy(fn: never): unknown;
  /** `tf.data` (tfjs-data): its `generator` makes the dataset. */
  data: {
    /** `tf.data.generator(fn)`. */
    generator(fn: never): unknown;
  };
}

/** A TensorFlow.js dataset iterator (tfjs-data's `LazyIterator`), typed structurally. */
export interface TfjsIteratorLike {
  /** The next element, or `{ done: true }`. */
  next(): Promise<IteratorResult<unknown>>;
}

/** What a TensorFlow.js dataset offers, typed structurally (pass `options.tf` for tfjs's own type). */
export interface TfjsDatasetLike {
  /** Size in elements, when tfjs knows it (null for a generator). */
  readonly size: number | null;
  /** A fresh iteration (one epoch). */
  iterator(): Promise<TfjsIteratorLike>;
  /** Calls `f` on each element in order. */
  forEachAsync(f: (element: unknown) => void): Promise<void>;
  /** Every element (of a finite dataset). */
  toArray(): Promise<unknown[]>;
}

/** The dataset type `toTfjs` returns for a given tfjs module: its `tf.data.Dataset`. */
export type TfjsDatasetOf<TF extends TfjsModule> = TfjsModule extends TF
  ? TfjsDatasetLike
  : ReturnType<TF['data']['generator']>;

/** Options of `ds.toTfjs()`. */
export interface ToTfjsOptions<TF extends TfjsModule = TfjsModule> {
  /**
   * The TensorFlow.js module to make tensors and the dataset with (default: `@tensorflow/tfjs`,
   * else `@tensorflow/tfjs-core` + `@tensorflow/tfjs-data`, as `require` finds them). Passing
   * yours also gives the result tfjs's own `tf.data.Dataset` type.
   */
  tf?: TF;
  /**
   * int64 and uint64 tensors (tfjs has no 64-bit integers): `'int32'` (default) converts and
   * throws a RangeError for a value outside int32; `'float32'` converts (exact up to 2^24);
   * `'error'` throws a TypeError.
   */
  int64?: 'int32' | 'float32' | 'error';
  /**
   * An element that is a pair `[a, b]`: `'xs-ys'` (default) yields `{ xs: a, ys: b }`, the form
   * `model.fitDataset` and `evaluateDataset` require; `'array'` keeps the array.
   */
  pairs?: 'xs-ys' | 'array';
}

const INT64_MODES = ['int32', 'float32', 'error'] as const;
const PAIR_MODES = ['xs-ys', 'array'] as const;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

// tfjs's dtypes for ours that it lacks; the rest (float32, int32, bool, string) map to themselves.
const WIDENED: Partial<Record<DType, 'float32' | 'int32'>> = {
  float64: 'float32',
  int8: 'int32',
  int16: 'int32',
  uint8: 'int32',
  uint16: 'int32',
  uint32: 'int32',
};

function isModuleNotFound(e: unknown, name: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(name);
}

/** The user's TensorFlow.js, loaded on first use. */
function loadTfjs(): TfjsModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when used
    return require('@tensorflow/tfjs') as TfjsModule;
  } catch (e) {
    if (!isModuleNotFound(e, '@tensorflow/tfjs')) throw e;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when used
    const core = require('@tensorflow/tfjs-core') as TfjsModule;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded only when used
    const data = require('@tensorflow/tfjs-data') as TfjsModule['data'];
    return { tensor: core.tensor, tidy: core.tidy, data };
  } catch (e) {
    if (!isModuleNotFound(e, '@tensorflow/tfjs')) throw e;
    throw new Error(
      'toTfjs() needs TensorFlow.js: `npm install @tensorflow/tfjs` (or @tensorflow/tfjs-core, ' +
        '@tensorflow/tfjs-data and a backend such as @tensorflow/tfjs-backend-cpu), or pass options.tf',
      { cause: e },
    );
  }
}

function checkModule(tf: unknown): TfjsModule {
  const m = tf as Partial<TfjsModule> | undefined;
  if (!m || typeof m.tensor !== 'function' || typeof m.tidy !== 'function' || typeof m.data?.generator !== 'function')
    throw new TypeError('options.tf must be the TensorFlow.js module (tensor, tidy and data.generator)');
  return m as TfjsModule;
}

type MakeTensor = (values: unknown, shape: number[], dtype: string) => unknown;

/** One host tensor → one tfjs tensor. `where` names the component for errors. */
function convertLeaf(make: MakeTensor, t: Tensor, path: string, int64: (typeof INT64_MODES)[number]): unknown {
  const where = path || 'the element';
  const shape = [...t.shape];
  switch (t.dtype) {
    case 'float32':
    case 'int32':
    case 'bool':
    case 'string':
      // The same TypedArray (or Uint8Array[] of UTF-8 bytes): no copy on tfjs's CPU backend.
      return make(t.data, shape, t.dtype);
    case 'int64':
    case 'uint64': {
      const data = t.data as BigInt64Array | BigUint64Array;
      if (int64 === 'error')
        throw new TypeError(`${where} is ${t.dtype}, which TensorFlow.js lacks (options.int64 is 'error')`);
      if (int64 === 'float32') return make(Float32Array.from(data, Number), shape, 'float32');
      const out = new Int32Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (v < INT32_MIN || v > INT32_MAX)
          throw new RangeError(
            `${where}: ${t.dtype} value ${v} at flat index ${i} is outside int32; ` +
              "use options.int64 'float32' or cast in the pipeline",
          );
        out[i] = Number(v);
      }
      return make(out, shape, 'int32');
    }
    default: {
      const target = WIDENED[t.dtype];
      if (!target) throw new TypeError(`${where} is ${t.dtype}, which TensorFlow.js cannot hold`);
      const data = t.data as ArrayLike<number>;
      if (t.dtype === 'uint32') {
        const i = Array.prototype.findIndex.call(data, (v: number) => v > INT32_MAX);
        if (i >= 0) throw new RangeError(`${where}: uint32 value ${data[i]} at flat index ${i} is outside int32`);
      }
      return make(target === 'float32' ? Float32Array.from(data) : Int32Array.from(data), shape, target);
    }
  }
}

/** An element (Tensor, tuple or record, nested) → the same structure of tfjs tensors. */
function convertElement(make: MakeTensor, value: unknown, where: string, int64: (typeof INT64_MODES)[number]): unknown {
  if (value instanceof Tensor) return convertLeaf(make, value, where, int64);
  if (Array.isArray(value)) return value.map((v, i) => convertElement(make, v, `${where}[${i}]`, int64));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = convertElement(make, v, where ? `${where}.${k}` : k, int64);
    return out;
  }
  throw new TypeError(`${where || 'element'} is not a tensor, tuple or record`);
}

/**
 * A TensorFlow.js dataset over `open()`'s elements: each tfjs iteration (each epoch of
 * `fitDataset`) opens a new iteration of the pipeline.
 */
export function toTfjsDataset<TF extends TfjsModule = TfjsModule>(
  open: () => AsyncIterable<unknown>,
  options: ToTfjsOptions<TF> = {},
): TfjsDatasetOf<TF> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const int64 = options.int64 ?? 'int32';
  if (!INT64_MODES.includes(int64))
    throw new TypeError(`options.int64 must be one of ${INT64_MODES.join(', ')}, not ${String(int64)}`);
  const pairs = options.pairs ?? 'xs-ys';
  if (!PAIR_MODES.includes(pairs))
    throw new TypeError(`options.pairs must be one of ${PAIR_MODES.join(', ')}, not ${String(pairs)}`);
  const tf = options.tf === undefined ? loadTfjs() : checkModule(options.tf);
  const make = tf.tensor.bind(tf) as unknown as MakeTensor;
  const tidy = tf.tidy.bind(tf) as unknown as (fn: () => unknown) => unknown;
  const generator = tf.data.generator.bind(tf.data) as unknown as (fn: () => AsyncIterator<unknown>) => unknown;
  return generator(async function* () {
    for await (const element of open()) {
      // tidy: if one component fails to convert, the ones already made are released.
      const shaped =
        pairs === 'xs-ys' && Array.isArray(element) && element.length === 2
          ? { xs: element[0], ys: element[1] }
          : element;
      yield tidy(() => convertElement(make, shaped, '', int64));
    }
  }) as TfjsDatasetOf<TF>;
}
