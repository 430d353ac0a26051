// Parsing tf.train.Example protos (ParseExampleV2), with feature specs that mirror Python's
// tf.io.FixedLenFeature, VarLenFeature, RaggedFeature and FixedLenSequenceFeature. The result
// is a record keyed like the spec, typed from it: a dense Sym, a SparseSym or a RaggedSym.
import { GraphContext } from '../graph/context';
import { RaggedSym, SparseSym } from '../graph/composite';
import { Operand, toSym } from '../graph/operands';
import { Sym } from '../graph/sym';
import type { RowSplitsDType } from '../tensor/composite';
import { NestedArray, Tensor, tensor } from '../tensor/tensor';
import { ParseExampleV2 } from './generated/index';

/** The dtypes a tf.train.Feature holds: FloatList, Int64List, BytesList. */
export type FeatureDType = 'float32' | 'int64' | 'string';

/** A default value of a feature of dtype D. */
export type FeatureValue<D extends FeatureDType> = D extends 'string'
  ? NestedArray<string>
  : D extends 'int64'
    ? NestedArray<bigint> | NestedArray<number>
    : NestedArray<number>;

/** A feature of fixed shape (tf.io.FixedLenFeature): parses to a dense Sym of [batch, ...shape]. */
export interface FixedLenFeature<D extends FeatureDType = FeatureDType> {
  /** Marks the kind of feature. */
  readonly kind: 'fixedLen';
  /** Fully known shape of one example's value. */
  readonly shape: readonly number[];
  /** The value's dtype. */
  readonly dtype: D;
  /** Used when an example lacks the feature; without it, a missing feature is an error. */
  readonly defaultValue?: FeatureValue<D>;
}

/** A feature of any length (tf.io.VarLenFeature): parses to a SparseSym. */
export interface VarLenFeature<D extends FeatureDType = FeatureDType> {
  /** Marks the kind of feature. */
  readonly kind: 'varLen';
  /** The values' dtype. */
  readonly dtype: D;
}

/**
 * A feature of any length as a ragged tensor (tf.io.RaggedFeature without partitions):
 * parseExample gives a RaggedSym [batch, (len)], parseSingleExample a dense 1-D Sym.
 */
export interface RaggedFeature<D extends FeatureDType = FeatureDType> {
  /** Marks the kind of feature. */
  readonly kind: 'ragged';
  /** The values' dtype. */
  readonly dtype: D;
  /** The feature key to read (default: the result key). */
  readonly valueKey?: string;
  /** The row splits' dtype (default int32, as Python's RaggedFeature). */
  readonly rowSplitsDtype?: RowSplitsDType;
}

/**
 * A sequence of fixed-shape items (tf.io.FixedLenSequenceFeature, allow_missing=True): parses
 * to a dense Sym [batch, len, ...shape], shorter examples padded with `defaultValue`.
 */
export interface FixedLenSequenceFeature<D extends FeatureDType = FeatureDType> {
  /** Marks the kind of feature. */
  readonly kind: 'fixedLenSequence';
  /** Shape of one item. */
  readonly shape: readonly number[];
  /** The value's dtype. */
  readonly dtype: D;
  /** The padding scalar (default 0 or ''). */
  readonly defaultValue?: FeatureValue<D>;
}

/** Any feature spec. */
export type Feature<D extends FeatureDType = FeatureDType> =
  FixedLenFeature<D> | VarLenFeature<D> | RaggedFeature<D> | FixedLenSequenceFeature<D>;

/** A spec of features: result key → feature. */
export type Features = { readonly [key: string]: Feature };

/** The record `parseExample` returns for a spec. */
export type ParsedExample<F extends Features> = {
  -readonly [K in keyof F]: F[K] extends VarLenFeature<infer D>
    ? SparseSym<D>
    : F[K] extends RaggedFeature<infer D>
      ? RaggedSym<D>
      : F[K] extends Feature<infer D>
        ? Sym<D>
        : never;
};

/** The record `parseSingleExample` returns for a spec (a ragged feature is a dense 1-D Sym). */
export type ParsedSingleExample<F extends Features> = {
  -readonly [K in keyof F]: F[K] extends VarLenFeature<infer D>
    ? SparseSym<D>
    : F[K] extends Feature<infer D>
      ? Sym<D>
      : never;
};

const FEATURE_DTYPES: readonly FeatureDType[] = ['float32', 'int64', 'string'];

function checkDType(dtype: unknown, what: string): FeatureDType {
  if (!FEATURE_DTYPES.includes(dtype as FeatureDType))
    throw new TypeError(`${what}: dtype must be 'float32', 'int64' or 'string' (what a tf.train.Feature holds), got ${String(dtype)}`);
  return dtype as FeatureDType;
}

function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new TypeError(`${what}: shape must be an array of integers >= 0, got ${JSON.stringify(shape)}`);
  return [...shape] as number[];
}

/** tf.io.FixedLenFeature: a value of fixed `shape` (a missing feature takes `defaultValue`, or fails). */
export function fixedLenFeature<D extends FeatureDType>(
  shape: readonly number[],
  dtype: D,
  defaultValue?: FeatureValue<D>,
): FixedLenFeature<D> {
  const checked = checkShape(shape, 'fixedLenFeature');
  checkDType(dtype, 'fixedLenFeature');
  return defaultValue === undefined
    ? { kind: 'fixedLen', shape: checked, dtype }
    : { kind: 'fixedLen', shape: checked, dtype, defaultValue };
}

/** tf.io.VarLenFeature: any number of values, as a SparseSym. */
export function varLenFeature<D extends FeatureDType>(dtype: D): VarLenFeature<D> {
  checkDType(dtype, 'varLenFeature');
  return { kind: 'varLen', dtype };
}

/** tf.io.RaggedFeature (no partitions): any number of values, as a RaggedSym (row splits int32 by default). */
export function raggedFeature<D extends FeatureDType>(
  dtype: D,
  options: { valueKey?: string; rowSplitsDtype?: RowSplitsDType } = {},
): RaggedFeature<D> {
  checkDType(dtype, 'raggedFeature');
  return { kind: 'ragged', dtype, ...options };
}

/** tf.io.FixedLenSequenceFeature with allow_missing=True: items of `shape`, padded with `defaultValue`. */
export function fixedLenSequenceFeature<D extends FeatureDType>(
  shape: readonly number[],
  dtype: D,
  options: { defaultValue?: FeatureValue<D> } = {},
): FixedLenSequenceFeature<D> {
  const checked = checkShape(shape, 'fixedLenSequenceFeature');
  checkDType(dtype, 'fixedLenSequenceFeature');
  return options.defaultValue === undefined
    ? { kind: 'fixedLenSequence', shape: checked, dtype }
    : { kind: 'fixedLenSequence', shape: checked, dtype, defaultValue: options.defaultValue };
}

const FEATURE_KINDS = ['fixedLen', 'varLen', 'ragged', 'fixedLenSequence'];

/** The default of a dense feature, as the op takes it (Python's _make_dense_default). */
function denseDefault(f: FixedLenFeature | FixedLenSequenceFeature, key: string, what: string): Tensor {
  const d = f.defaultValue;
  try {
    if (f.kind === 'fixedLenSequence') {
      // A padding scalar.
      const v = d ?? (f.dtype === 'string' ? '' : f.dtype === 'int64' ? 0n : 0);
      const t = tensor(v as never, f.dtype);
      if (t.size !== 1) throw new RangeError(`the padding value must be one scalar, got ${t.size} values`);
      return new Tensor(f.dtype, [], t.data as never);
    }
    // No default: an empty tensor tells the op that the feature is required.
    if (d === undefined) return tensor([] as never, f.dtype, [0]);
    const t = tensor(d as never, f.dtype);
    const size = f.shape.reduce((a, n) => a * n, 1);
    if (t.size !== size)
      throw new RangeError(`defaultValue has ${t.size} values; shape [${f.shape.join(', ')}] needs ${size}`);
    return new Tensor(f.dtype, f.shape, t.data as never);
  } catch (e) {
    throw new (e instanceof RangeError ? RangeError : TypeError)(
      `${what}: feature '${key}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

interface Plan {
  sparse: [string, VarLenFeature][];
  dense: [string, FixedLenFeature | FixedLenSequenceFeature][];
  ragged: [string, RaggedFeature][];
}

function plan(features: unknown, what: string): Plan {
  if (typeof features !== 'object' || features === null || Array.isArray(features))
    throw new TypeError(`${what}: features must be a record of feature specs (fixedLenFeature(), varLenFeature()…)`);
  const keys = Object.keys(features).sort();
  if (keys.length === 0) throw new TypeError(`${what}: features must name at least one feature`);
  const out: Plan = { sparse: [], dense: [], ragged: [] };
  for (const key of keys) {
    const f = (features as Record<string, Feature>)[key];
    if (typeof f !== 'object' || f === null || !FEATURE_KINDS.includes(f.kind))
      throw new TypeError(
        `${what}: feature '${key}' must be a feature spec (fixedLenFeature, varLenFeature, raggedFeature, fixedLenSequenceFeature)`,
      );
    checkDType(f.dtype, `${what}: feature '${key}'`);
    if (f.kind === 'varLen') out.sparse.push([key, f]);
    else if (f.kind === 'ragged') out.ragged.push([key, f]);
    else {
      checkShape(f.shape, `${what}: feature '${key}'`);
      out.dense.push([key, f]);
    }
  }
  const raggedKeys = new Set(out.ragged.map(([k, f]) => f.valueKey ?? k));
  const clash = out.sparse.find(([k]) => raggedKeys.has(k));
  if (clash)
    throw new TypeError(`${what}: '${clash[0]}' is read both as a varLenFeature and a raggedFeature (TensorFlow forbids it)`);
  return out;
}

function parse(serialized: Operand<'string'>, features: Features, single: boolean): Record<string, unknown> {
  const what = single ? 'parseSingleExample' : 'parseExample';
  const ctx = GraphContext.require(what);
  const s = toSym(serialized, 'string', what);
  if (s.dtype !== 'string') throw new TypeError(`${what}: serialized must be a string tensor, got ${s.dtype}`);
  if (single && s.rank !== null && s.rank !== 0)
    throw new TypeError(`${what}: serialized must be a scalar string (one Example), got rank ${s.rank}; use parseExample`);
  if (!single && s.rank !== 1)
    throw new TypeError(
      `${what}: serialized must be a vector of strings (a batch), got rank ${s.rank ?? 'unknown'}; use parseSingleExample for one`,
    );
  const p = plan(features, what);
  const strings = (list: string[]) => ctx.constant(tensor(list, 'string', [list.length])) as Sym<'string'>;
  const out = ParseExampleV2({
    serialized: s as Sym<'string'>,
    names: strings([]),
    sparse_keys: strings(p.sparse.map(([k]) => k)),
    dense_keys: strings(p.dense.map(([k]) => k)),
    ragged_keys: strings(p.ragged.map(([k, f]) => f.valueKey ?? k)),
    dense_defaults: p.dense.map(([k, f]) => ctx.constant(denseDefault(f, k, what))),
    num_sparse: p.sparse.length,
    sparse_types: p.sparse.map(([, f]) => f.dtype),
    ragged_value_types: p.ragged.map(([, f]) => f.dtype),
    ragged_split_types: p.ragged.map(([, f]) => f.rowSplitsDtype ?? 'int32'),
    // A sequence feature's items: [-1, ...shape] (Python's _prepend_none_dimension).
    dense_shapes: p.dense.map(([, f]) => (f.kind === 'fixedLenSequence' ? [null, ...f.shape] : [...f.shape])),
  });
  const result: Record<string, unknown> = {};
  const set = (k: string, v: unknown) =>
    Object.defineProperty(result, k, { value: v, enumerable: true, writable: true, configurable: true });
  const batch = single ? [] : [s.shape?.[0] ?? null];
  p.sparse.forEach(([k], i) =>
    set(k, new SparseSym(out.sparse_indices[i], out.sparse_values[i], out.sparse_shapes[i], [...batch, null])),
  );
  p.dense.forEach(([k], i) => set(k, out.dense_values[i]));
  p.ragged.forEach(([k], i) =>
    set(
      k,
      single
        ? out.ragged_values[i]
        : new RaggedSym(out.ragged_values[i], [out.ragged_row_splits[i] as Sym<RowSplitsDType>], [...batch, null]),
    ),
  );
  return result;
}

/**
 * Parses a batch of serialized tf.train.Example protos (a string vector) into a record keyed like
 * `features` (tf.io.parse_example, over ParseExampleV2): fixed-length features are dense
 * [batch, ...shape], varLen features SparseSyms [batch, (len)], ragged features RaggedSyms.
 * A missing required feature or a feature of another type fails the element with
 * INVALID_ARGUMENT.
 */
export function parseExample<const F extends Features>(serialized: Operand<'string'>, features: F): ParsedExample<F> {
  return parse(serialized, features, false) as ParsedExample<F>;
}

/** Parses one serialized tf.train.Example (a string scalar), as tf.io.parse_single_example. */
export function parseSingleExample<const F extends Features>(
  serialized: Operand<'string'>,
  features: F,
): ParsedSingleExample<F> {
  return parse(serialized, features, true) as ParsedSingleExample<F>;
}
