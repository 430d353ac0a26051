// Parsing tf.train.Example protos (ParseExampleV2), with feature specs that mirror Python's
// tf.io.FixedLenFeature, VarLenFeature, RaggedFeature and FixedLenSequenceFeature. The result
// is a record keyed like the spec, typed from it: a dense Sym, a SparseSym or a RaggedSym.
import { GraphContext } from '../graph/context';
import { RaggedSym, SparseSym } from '../graph/composite';
import { Operand, toSym } from '../graph/operands';
import { Sym } from '../graph/sym';
import type { RowSplitsDType } from '../tensor/composite';
import { NestedArray, Tensor, tensor } from '../tensor/tensor';
import { ParseExampleV2, ParseSequenceExampleV2 } from './generated/index';
import {
  RaggedPartition,
  UniformRowLength,
  checkPartition,
  partitionBatch,
  partitionKey,
  partitionSingle,
} from './ragged-partition';

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
 * A feature of any length as a ragged tensor (tf.io.RaggedFeature): parseExample gives a
 * RaggedSym [batch, (len)], parseSingleExample a dense 1-D Sym; `partitions` cut the values
 * into more ragged (or uniform) dimensions with other features' int64 lists.
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
  /**
   * Outermost first, as Python's `partitions`: `{ rowSplits: key }`, `{ rowLengths: key }`,
   * `{ rowStarts: key }`, `{ rowLimits: key }`, `{ valueRowIds: key }` (int64 features of each
   * Example) or `{ uniformRowLength: n }`.
   */
  readonly partitions?: readonly RaggedPartition[];
}

/**
 * A sequence of fixed-shape items (tf.io.FixedLenSequenceFeature): parses to a dense Sym
 * [batch, len, ...shape], shorter examples padded with `defaultValue`. In `parseExample` the
 * items are a feature's values (allowMissing must be true, as in Python); in
 * `parseSequenceExample` they are the steps of a feature list.
 */
export interface FixedLenSequenceFeature<D extends FeatureDType = FeatureDType> {
  /** Marks the kind of feature. */
  readonly kind: 'fixedLenSequence';
  /** Shape of one item. */
  readonly shape: readonly number[];
  /** The value's dtype. */
  readonly dtype: D;
  /** A missing feature is empty rather than an error (default false, as Python's allow_missing). */
  readonly allowMissing?: boolean;
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

/** Whether partitions make a single example's ragged feature ragged (uniform ones keep it dense). */
export type CutsRows<P> = [P] extends [readonly (infer X)[]]
  ? [Exclude<X, UniformRowLength>] extends [never]
    ? false
    : true
  : false;

/**
 * The record `parseSingleExample` returns for a spec: a ragged feature is a dense Sym, or a
 * RaggedSym when its partitions cut rows.
 */
export type ParsedSingleExample<F extends Features> = {
  -readonly [K in keyof F]: F[K] extends VarLenFeature<infer D>
    ? SparseSym<D>
    : F[K] extends RaggedFeature<infer D>
      ? CutsRows<NonNullable<F[K]['partitions']>> extends true
        ? RaggedSym<D>
        : Sym<D>
      : F[K] extends Feature<infer D>
        ? Sym<D>
        : never;
};

const FEATURE_DTYPES: readonly FeatureDType[] = ['float32', 'int64', 'string'];

function checkDType(dtype: unknown, what: string): FeatureDType {
  if (!FEATURE_DTYPES.includes(dtype as FeatureDType))
    throw new TypeError(
      `${what}: dtype must be 'float32', 'int64' or 'string' (what a tf.train.Feature holds), got ${String(dtype)}`,
    );
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
export function raggedFeature<D extends FeatureDType, const P extends readonly RaggedPartition[] = []>(
  dtype: D,
  options: { valueKey?: string; rowSplitsDtype?: RowSplitsDType; partitions?: P } = {},
): Omit<RaggedFeature<D>, 'partitions'> & {
  /** The partitions, typed as given (so parseSingleExample knows whether they cut rows). */
  readonly partitions?: NoInfer<P>;
} {
  checkDType(dtype, 'raggedFeature');
  const partitions = options.partitions === undefined ? undefined : [...options.partitions];
  if (partitions !== undefined && !Array.isArray(options.partitions))
    throw new TypeError('raggedFeature: partitions must be an array');
  partitions?.forEach((q, i) => checkPartition(q, `raggedFeature: partitions[${i}]`));
  const splits = options.rowSplitsDtype;
  if (splits !== undefined && splits !== 'int32' && splits !== 'int64')
    throw new TypeError(`raggedFeature: rowSplitsDtype must be 'int32' or 'int64', got ${String(splits)}`);
  return {
    kind: 'ragged',
    dtype,
    ...(options.valueKey !== undefined && { valueKey: options.valueKey }),
    ...(splits !== undefined && { rowSplitsDtype: splits }),
    ...(partitions !== undefined && { partitions: partitions as unknown as P }),
  };
}

/** tf.io.FixedLenSequenceFeature: items of `shape`, padded with `defaultValue`. */
export function fixedLenSequenceFeature<D extends FeatureDType>(
  shape: readonly number[],
  dtype: D,
  options: { allowMissing?: boolean; defaultValue?: FeatureValue<D> } = {},
): FixedLenSequenceFeature<D> {
  const checked = checkShape(shape, 'fixedLenSequenceFeature');
  checkDType(dtype, 'fixedLenSequenceFeature');
  const out: FixedLenSequenceFeature<D> = { kind: 'fixedLenSequence', shape: checked, dtype };
  return {
    ...out,
    ...(options.allowMissing !== undefined && { allowMissing: !!options.allowMissing }),
    ...(options.defaultValue !== undefined && { defaultValue: options.defaultValue }),
  };
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
    throw new (e instanceof RangeError ? RangeError : TypeError)(`${what}: feature '${key}': ${(e as Error).message}`, {
      cause: e,
    });
  }
}

interface Plan {
  sparse: [string, VarLenFeature][];
  dense: [string, FixedLenFeature | FixedLenSequenceFeature][];
  ragged: [string, RaggedFeature][];
  /** The ragged keys the op reads (values and partitions), each once, as Python's _add_ragged_key. */
  raggedReads: { key: string; dtype: FeatureDType; splits: RowSplitsDType }[];
}

/** Which features a parse accepts: an Example's, a SequenceExample's context or its feature lists. */
type Place = 'example' | 'context' | 'sequence';

function plan(features: unknown, what: string, place: Place = 'example'): Plan {
  if (typeof features !== 'object' || features === null || Array.isArray(features))
    throw new TypeError(`${what}: features must be a record of feature specs (fixedLenFeature(), varLenFeature()…)`);
  const keys = Object.keys(features).sort();
  if (keys.length === 0 && place === 'example') throw new TypeError(`${what}: features must name at least one feature`);
  const out: Plan = { sparse: [], dense: [], ragged: [], raggedReads: [] };
  const read = (key: string, dtype: FeatureDType, splits: RowSplitsDType) => {
    const known = out.raggedReads.find((r) => r.key === key);
    if (!known) out.raggedReads.push({ key, dtype, splits });
    else if (known.dtype !== dtype || known.splits !== splits)
      throw new TypeError(
        `${what}: '${key}' is read as ${known.dtype} (row splits ${known.splits}) ` +
          `and as ${dtype} (row splits ${splits})`,
      );
  };
  for (const key of keys) {
    const f = (features as Record<string, Feature>)[key];
    if (typeof f !== 'object' || f === null || !FEATURE_KINDS.includes(f.kind))
      throw new TypeError(
        `${what}: feature '${key}' must be a feature spec ` +
          '(fixedLenFeature, varLenFeature, raggedFeature, fixedLenSequenceFeature)',
      );
    checkDType(f.dtype, `${what}: feature '${key}'`);
    if (place === 'context' && f.kind === 'fixedLenSequence')
      throw new TypeError(
        `${what}: context feature '${key}' cannot be a fixedLenSequenceFeature (use it in sequenceFeatures)`,
      );
    if (place === 'sequence' && f.kind === 'fixedLen')
      throw new TypeError(
        `${what}: sequence feature '${key}' must be fixedLenSequenceFeature, varLenFeature or raggedFeature`,
      );
    if (place === 'example' && f.kind === 'fixedLenSequence' && !f.allowMissing)
      throw new TypeError(
        `${what}: feature '${key}': a fixedLenSequenceFeature needs allowMissing: true here (as in Python)`,
      );
    if (place === 'sequence' && f.kind === 'fixedLenSequence' && f.defaultValue !== undefined)
      throw new TypeError(`${what}: sequence feature '${key}' cannot have a defaultValue (as in Python)`);
    if (f.kind === 'varLen') out.sparse.push([key, f]);
    else if (f.kind === 'ragged') {
      out.ragged.push([key, f]);
      const splits = f.rowSplitsDtype ?? 'int32';
      if (f.partitions !== undefined && f.partitions.length > 0 && place !== 'example')
        throw new TypeError(`${what}: feature '${key}': partitions are supported in parseExample/parseSingleExample`);
      read(f.valueKey ?? key, checkDType(f.dtype, `${what}: feature '${key}'`), splits);
      (f.partitions ?? []).forEach((q, i) => {
        const partKey = partitionKey(checkPartition(q, `${what}: feature '${key}': partitions[${i}]`));
        if (partKey !== undefined) read(partKey, 'int64', splits);
      });
    } else {
      checkShape(f.shape, `${what}: feature '${key}'`);
      out.dense.push([key, f]);
    }
  }
  const raggedKeys = new Set(out.raggedReads.map((r) => r.key));
  const clash = out.sparse.find(([k]) => raggedKeys.has(k));
  if (clash)
    throw new TypeError(
      `${what}: '${clash[0]}' is read both as a varLenFeature and a raggedFeature (TensorFlow forbids it)`,
    );
  return out;
}

/**
 * A parsed sparse feature's static dense shape: every dim unknown (the op computes the dense
 * shape per batch), as Python's SparseTensorSpec of a parse says; `rank` dims per example.
 */
function sparseShape(single: boolean, rank: number): null[] {
  return Array.from({ length: rank + (single ? 0 : 1) }, () => null);
}

function parse(serialized: Operand<'string'>, features: Features, single: boolean): Record<string, unknown> {
  const what = single ? 'parseSingleExample' : 'parseExample';
  const ctx = GraphContext.require(what);
  const s = toSym(serialized, 'string', what);
  if (s.dtype !== 'string') throw new TypeError(`${what}: serialized must be a string tensor, got ${s.dtype}`);
  if (single && s.rank !== null && s.rank !== 0)
    throw new TypeError(
      `${what}: serialized must be a scalar string (one Example), got rank ${s.rank}; use parseExample`,
    );
  if (!single && s.rank !== 1)
    throw new TypeError(
      `${what}: serialized must be a vector of strings (a batch), got rank ${s.rank ?? 'unknown'}; ` +
        'use parseSingleExample for one',
    );
  const p = plan(features, what);
  const strings = (list: string[]) => ctx.constant(tensor(list, 'string', [list.length])) as Sym<'string'>;
  const out = ParseExampleV2({
    serialized: s as Sym<'string'>,
    names: strings([]),
    sparse_keys: strings(p.sparse.map(([k]) => k)),
    dense_keys: strings(p.dense.map(([k]) => k)),
    ragged_keys: strings(p.raggedReads.map((r) => r.key)),
    dense_defaults: p.dense.map(([k, f]) => ctx.constant(denseDefault(f, k, what))),
    num_sparse: p.sparse.length,
    sparse_types: p.sparse.map(([, f]) => f.dtype),
    ragged_value_types: p.raggedReads.map((r) => r.dtype),
    ragged_split_types: p.raggedReads.map((r) => r.splits),
    // A sequence feature's items: [-1, ...shape] (Python's _prepend_none_dimension).
    dense_shapes: p.dense.map(([, f]) => (f.kind === 'fixedLenSequence' ? [null, ...f.shape] : [...f.shape])),
  });
  const result: Record<string, unknown> = {};
  const set = (k: string, v: unknown) =>
    Object.defineProperty(result, k, { value: v, enumerable: true, writable: true, configurable: true });
  const batch = single ? [] : [s.shape?.[0] ?? null];
  p.sparse.forEach(([k], i) =>
    set(k, new SparseSym(out.sparse_indices[i], out.sparse_values[i], out.sparse_shapes[i], sparseShape(single, 1))),
  );
  p.dense.forEach(([k], i) => set(k, out.dense_values[i]));
  const at = (key: string) => p.raggedReads.findIndex((r) => r.key === key);
  const rows = (key: string) =>
    new RaggedSym(
      out.ragged_values[at(key)],
      [out.ragged_row_splits[at(key)] as Sym<RowSplitsDType>],
      [...batch, null],
    );
  p.ragged.forEach(([k, f]) => {
    const parts = f.partitions ?? [];
    const key = f.valueKey ?? k;
    if (single) {
      const dense = (name: string) => out.ragged_values[at(name)];
      set(k, parts.length ? partitionSingle(dense(key), parts, dense, f.rowSplitsDtype ?? 'int32') : dense(key));
    } else {
      set(k, parts.length ? partitionBatch(rows(key), parts, rows, batch[0]) : rows(key));
    }
  });
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

/** What `parseSequenceExample` returns: the context record, the feature-list record, their lengths. */
export type ParsedSequenceExample<C extends Features, S extends Features> = [
  context: ParsedExample<C>,
  featureLists: ParsedSequenceFeatures<S>,
  lengths: { -readonly [K in keyof S as S[K] extends FixedLenSequenceFeature ? K : never]: Sym<'int64'> },
];

/** What `parseSingleSequenceExample` returns: the context record and the feature-list record. */
export type ParsedSingleSequenceExample<C extends Features, S extends Features> = [
  context: ParsedSingleExample<C>,
  featureLists: ParsedSequenceFeatures<S>,
];

/**
 * A feature-list record: dense steps, sparse or ragged ones (one more ragged dimension when
 * batched); typed as `parseExample`'s record of the same spec.
 */
export type ParsedSequenceFeatures<S extends Features> = ParsedExample<S>;

function parseSequence(
  serialized: Operand<'string'>,
  contextFeatures: Features,
  sequenceFeatures: Features,
  single: boolean,
): unknown[] {
  const what = single ? 'parseSingleSequenceExample' : 'parseSequenceExample';
  const ctx = GraphContext.require(what);
  const s = toSym(serialized, 'string', what);
  if (s.dtype !== 'string') throw new TypeError(`${what}: serialized must be a string tensor, got ${s.dtype}`);
  if (single && s.rank !== 0)
    throw new TypeError(
      `${what}: serialized must be a scalar string (one SequenceExample), got rank ${s.rank ?? 'unknown'}`,
    );
  if (!single && s.rank !== 1)
    throw new TypeError(`${what}: serialized must be a vector of strings (a batch), got rank ${s.rank ?? 'unknown'}`);
  const c = plan(contextFeatures ?? {}, `${what}: contextFeatures`, 'context');
  const q = plan(sequenceFeatures ?? {}, `${what}: sequenceFeatures`, 'sequence');
  const count = c.sparse.length + c.dense.length + c.ragged.length + q.sparse.length + q.dense.length + q.ragged.length;
  if (count === 0) throw new TypeError(`${what}: give at least one context or sequence feature`);
  const strings = (list: string[]) => ctx.constant(tensor(list, 'string', [list.length])) as Sym<'string'>;
  const out = ParseSequenceExampleV2({
    serialized: s as Sym<'string'>,
    debug_name: strings([]),
    context_sparse_keys: strings(c.sparse.map(([k]) => k)),
    context_dense_keys: strings(c.dense.map(([k]) => k)),
    context_ragged_keys: strings(c.ragged.map(([k, f]) => f.valueKey ?? k)),
    feature_list_sparse_keys: strings(q.sparse.map(([k]) => k)),
    feature_list_dense_keys: strings(q.dense.map(([k]) => k)),
    feature_list_ragged_keys: strings(q.ragged.map(([k, f]) => f.valueKey ?? k)),
    feature_list_dense_missing_assumed_empty: ctx.constant(
      tensor(
        q.dense.map(([, f]) => !!(f as FixedLenSequenceFeature).allowMissing),
        'bool',
        [q.dense.length],
      ),
    ) as Sym<'bool'>,
    context_dense_defaults: c.dense.map(([k, f]) => ctx.constant(denseDefault(f, k, what))),
    Ncontext_sparse: c.sparse.length,
    context_sparse_types: c.sparse.map(([, f]) => f.dtype),
    context_ragged_value_types: c.ragged.map(([, f]) => f.dtype),
    context_ragged_split_types: c.ragged.map(([, f]) => f.rowSplitsDtype ?? 'int32'),
    context_dense_shapes: c.dense.map(([, f]) => [...f.shape]),
    Nfeature_list_sparse: q.sparse.length,
    Nfeature_list_dense: q.dense.length,
    feature_list_dense_types: q.dense.map(([, f]) => f.dtype),
    feature_list_sparse_types: q.sparse.map(([, f]) => f.dtype),
    feature_list_ragged_value_types: q.ragged.map(([, f]) => f.dtype),
    feature_list_ragged_split_types: q.ragged.map(([, f]) => f.rowSplitsDtype ?? 'int32'),
    feature_list_dense_shapes: q.dense.map(([, f]) => [...f.shape]),
  });
  const record = (): Record<string, unknown> => ({});
  const set = (r: Record<string, unknown>, k: string, v: unknown) =>
    Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
  const batch = single ? [] : [s.shape?.[0] ?? null];
  const splits = (x: Sym) => x as Sym<RowSplitsDType>;
  const context = record();
  c.sparse.forEach(([k], i) =>
    set(
      context,
      k,
      new SparseSym(
        out.context_sparse_indices[i],
        out.context_sparse_values[i],
        out.context_sparse_shapes[i],
        sparseShape(single, 1),
      ),
    ),
  );
  c.dense.forEach(([k], i) => set(context, k, out.context_dense_values[i]));
  c.ragged.forEach(([k], i) =>
    set(
      context,
      k,
      single
        ? out.context_ragged_values[i]
        : new RaggedSym(out.context_ragged_values[i], [splits(out.context_ragged_row_splits[i])], [...batch, null]),
    ),
  );
  const lists = record();
  const lengths = record();
  q.sparse.forEach(([k], i) =>
    set(
      lists,
      k,
      new SparseSym(
        out.feature_list_sparse_indices[i],
        out.feature_list_sparse_values[i],
        out.feature_list_sparse_shapes[i],
        sparseShape(single, 2),
      ),
    ),
  );
  q.dense.forEach(([k], i) => {
    set(lists, k, out.feature_list_dense_values[i]);
    set(lengths, k, out.feature_list_dense_lengths[i]);
  });
  q.ragged.forEach(([k], i) => {
    const inner = splits(out.feature_list_ragged_inner_splits[i]);
    const values = out.feature_list_ragged_values[i];
    set(
      lists,
      k,
      single
        ? new RaggedSym(values, [inner], [null, null])
        : new RaggedSym(values, [splits(out.feature_list_ragged_outer_splits[i]), inner], [...batch, null, null]),
    );
  });
  return single ? [context, lists] : [context, lists, lengths];
}

/**
 * Parses a batch of serialized tf.train.SequenceExample protos (tf.io.parse_sequence_example,
 * over ParseSequenceExampleV2): `[context, featureLists, lengths]`, where `lengths` holds the
 * number of steps of each fixedLenSequenceFeature.
 */
export function parseSequenceExample<const C extends Features, const S extends Features>(
  serialized: Operand<'string'>,
  contextFeatures: C,
  sequenceFeatures: S,
): ParsedSequenceExample<C, S> {
  return parseSequence(serialized, contextFeatures, sequenceFeatures, false) as ParsedSequenceExample<C, S>;
}

/** Parses one serialized tf.train.SequenceExample: `[context, featureLists]` (tf.io.parse_single_sequence_example). */
export function parseSingleSequenceExample<const C extends Features, const S extends Features>(
  serialized: Operand<'string'>,
  contextFeatures: C,
  sequenceFeatures: S,
): ParsedSingleSequenceExample<C, S> {
  return parseSequence(serialized, contextFeatures, sequenceFeatures, true) as ParsedSingleSequenceExample<C, S>;
}
