// Grouping: groupByWindow (GroupByWindowDataset, as Python's Dataset.group_by_window) and
// bucketBySequenceLength, built as Python builds it on group_by_window: a key function that
// finds the element's length bucket, a window size per bucket, and a reduce function that
// (padded-)batches each bucket's window with a batch size (and, padToBucketBoundary, padded
// shapes) computed in the graph.
import { GraphContext } from '../../graph/context';
import { Sym, StaticShape } from '../../graph/sym';
import { batchedComposite } from '../../graph/composite';
import { flattenStructure } from '../../tensor/structure';
import { tensor } from '../../tensor/tensor';
import { TensorSpec, TracedFunction, traceFunction } from '../../trace/function';
import {
  CountArg,
  DatasetDefinition,
  DatasetInput,
  checkCountArg,
  countSym,
  datasetComponent,
  derived,
  emitDatasetOp,
  int64,
  isDataset,
  makeDataset,
  specText,
} from '../definition';
import { callbackElement, nestedDataset } from '../nested';
import { batch, checkPaddedShape, paddingTensors } from './batch';

/** Options of `groupByWindow`: a window size, or a function of the key that gives it. */
export interface GroupByWindowOptions {
  /** Elements per window (each key's window is reduced once it holds this many, and at the end). */
  windowSize?: CountArg;
  /** The window size of a key: an int64 scalar (or an integer). */
  windowSizeFn?: (key: Sym<'int64'>) => Sym<'int64'> | number | bigint;
}

/** Options of `bucketBySequenceLength`, as Python's. */
export interface BucketOptions {
  /** Per component, the shape to pad to (null dims: the longest of the batch, or the bucket boundary). */
  paddedShapes?: unknown;
  /** The scalar to pad with: one per component, or one for every component (default 0, false or ''). */
  paddingValues?: unknown;
  /**
   * Pads unknown dims to the bucket's boundary - 1 instead of the longest of the batch (elements
   * must then be shorter than the last boundary).
   */
  padToBucketBoundary?: boolean;
  /** Batches without padding (elements of one bucket must have the same shape). */
  noPadding?: boolean;
  /** Drops each bucket's last batch when it is smaller than the bucket's batch size. */
  dropRemainder?: boolean;
}

const INT64: TensorSpec = { dtype: 'int64', shape: [] };
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * What a key or window-size function returned, as an int64 scalar of the current graph (an
 * integer becomes one, as Python's convert_to_tensor(..., int64)); anything else is a TypeError.
 */
function int64Result(value: unknown, what: string): Sym {
  const ctx = GraphContext.require(what);
  if (typeof value === 'number' && Number.isInteger(value)) return int64(ctx, value);
  if (typeof value === 'bigint') return int64(ctx, value);
  if (value instanceof Sym && value.dtype === 'int64' && (value.shape === null || value.shape.length === 0))
    return ctx.own(value);
  const got = value instanceof Sym ? `${value.dtype}${shapeText(value.shape)}` : String(value);
  throw new TypeError(`${what} must return a single int64 scalar, got ${got}`);
}

function shapeText(s: StaticShape): string {
  return s === null ? '<unknown>' : `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** The three functions of a GroupByWindowDataset, traced. */
interface GroupFunctions {
  key: TracedFunction;
  reduce: TracedFunction;
  windowSize: TracedFunction;
  /** The reduce function's dataset: the elements of the result. */
  inner: DatasetInput;
}

/** Traces a reduce function `(key, window) => Dataset` over windows of `input`'s elements. */
function traceReduce(
  input: DatasetInput,
  what: string,
  fn: (key: Sym<'int64'>, window: DatasetInput) => unknown,
): { f: TracedFunction; inner: DatasetInput } {
  let inner: DatasetInput | undefined;
  const structure = { specs: input.specs, skeleton: input.skeleton };
  const f = traceFunction(
    `${what}_reduce`,
    [INT64, datasetComponent(structure)],
    ([key, window]) => fn(key as Sym<'int64'>, nestedDataset(window, structure)),
    (returned, ctx) => {
      if (!isDataset(returned)) throw new TypeError(`${what}: reduceFn must return a Dataset`);
      inner = returned;
      return { leaves: [returned.emit(ctx)], skeleton: { kind: 'leaf' } };
    },
  );
  return { f, inner: inner as DatasetInput };
}

/** GroupByWindowDataset of traced functions. */
function grouped(input: DatasetInput, op: string, detail: string, fns: GroupFunctions): DatasetDefinition {
  const { key, reduce, windowSize, inner } = fns;
  return derived(input, op, detail, inner.specs, inner.skeleton, (ctx, variant) =>
    emitDatasetOp(
      ctx,
      'GroupByWindowDataset',
      [variant, ctx.resolveCaptures(key), ctx.resolveCaptures(reduce), ctx.resolveCaptures(windowSize)],
      inner.specs,
      { key_func: key, reduce_func: reduce, window_size_func: windowSize },
    ),
  );
}

/** GroupByWindowDataset: windows of up to `windowSize` elements of one key, each reduced to a dataset. */
export function groupByWindow(
  input: DatasetInput,
  keyFn: (element: never) => unknown,
  reduceFn: (key: Sym<'int64'>, window: never) => unknown,
  options: GroupByWindowOptions,
): DatasetDefinition {
  const what = 'groupByWindow';
  if (typeof keyFn !== 'function') throw new TypeError(`${what}: keyFn must be a function`);
  if (typeof reduceFn !== 'function') throw new TypeError(`${what}: reduceFn must be a function`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const { windowSize, windowSizeFn } = options;
  if ((windowSize === undefined) === (windowSizeFn === undefined))
    throw new TypeError(`${what}: give either windowSize or windowSizeFn (exactly one)`);
  if (windowSizeFn !== undefined && typeof windowSizeFn !== 'function')
    throw new TypeError(`${what}: windowSizeFn must be a function`);
  const size = windowSize === undefined ? undefined : checkCountArg(windowSize, `${what}: windowSize`, 1);
  const key = traceFunction(`${what}_key`, input.specs, (inputs) =>
    int64Result(keyFn(callbackElement(input, inputs) as never), `${what}: keyFn`),
  );
  const { f: reduce, inner } = traceReduce(input, what, (k, w) => reduceFn(k, w as never));
  const windowSizeF = traceFunction(`${what}_window_size`, [INT64], ([k]) =>
    size !== undefined
      ? countSym(GraphContext.require(what), size)
      : int64Result((windowSizeFn as NonNullable<typeof windowSizeFn>)(k as Sym<'int64'>), `${what}: windowSizeFn`),
  );
  const detail = `key=${key.name}, reduce=${reduce.name}, ${
    size === undefined
      ? `window size=${windowSizeF.name}`
      : `window size ${typeof size === 'bigint' ? size : size.opName}`
  }`;
  return grouped(input, 'GroupByWindowDataset', detail, { key, reduce, windowSize: windowSizeF, inner });
}

/** `vector[index]` as Python's `__getitem__` with a tensor index builds it (StridedSlice). */
function elementAt(ctx: GraphContext, vector: Sym, index: Sym, controls: Sym[] = []): Sym {
  const [begin] = ctx.addOp('Pack', [[index]], { axis: 0 });
  const [next] = ctx.addOp('AddV2', [index, int64(ctx, 1)]);
  const [end] = ctx.addOp('Pack', [[next]], { axis: 0 });
  const strides = ctx.constant(tensor([1n], 'int64'));
  return ctx.addOp(
    'StridedSlice',
    [vector, begin, end, strides],
    { begin_mask: 0, end_mask: 0, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 1 },
    { controlInputs: controls },
  )[0];
}

function integers(values: unknown, name: string, min: number, max: number): number[] {
  if (!Array.isArray(values)) throw new TypeError(`bucketBySequenceLength: ${name} must be an array of integers`);
  return values.map((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new TypeError(`bucketBySequenceLength: ${name}[${i}] must be an integer, got ${String(v)}`);
    if (v < min || v > max)
      throw new RangeError(`bucketBySequenceLength: ${name}[${i}] must be in [${min}, ${max}], got ${v}`);
    return v;
  });
}

/**
 * Python's bucket_by_sequence_length: group_by_window keyed by the length bucket
 * (`boundaries[i-1] <= length < boundaries[i]`), windows of the bucket's batch size, each
 * padded-batched (or batched, `noPadding`) with that batch size.
 */
export function bucketBySequenceLength(
  input: DatasetInput,
  lengthFn: (element: never) => unknown,
  bucketBoundaries: readonly number[],
  bucketBatchSizes: readonly number[],
  options: BucketOptions,
): DatasetDefinition {
  const what = 'bucketBySequenceLength';
  if (typeof lengthFn !== 'function') throw new TypeError(`${what}: lengthFn must be a function`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const boundaries = integers(bucketBoundaries, 'bucketBoundaries', INT32_MIN, INT32_MAX);
  const batchSizes = integers(bucketBatchSizes, 'bucketBatchSizes', 1, Number.MAX_SAFE_INTEGER);
  if (batchSizes.length !== boundaries.length + 1)
    throw new RangeError(
      `${what}: bucketBatchSizes must have one more entry than bucketBoundaries, ` +
        `got ${batchSizes.length} and ${boundaries.length}`,
    );
  const pad = !options.noPadding;
  const toBoundary = !!options.padToBucketBoundary;
  const drop = !!options.dropRemainder;
  if (!pad && (options.paddedShapes !== undefined || options.paddingValues !== undefined || toBoundary))
    throw new TypeError(`${what}: noPadding takes no paddedShapes, paddingValues or padToBucketBoundary`);
  const specs = input.specs;
  if (pad) {
    const composite = specs.findIndex((s) => s.composite);
    if (composite >= 0)
      throw new TypeError(
        `${what}: component ${composite} is ${specText(specs[composite])}; padding applies to dense components ` +
          'only (as in tf.data): use noPadding',
      );
  }
  // The padded shapes before the bucket's boundary fills their unknown dims (as make_padded_shapes).
  const baseShapes: (number | null)[][] = !pad
    ? []
    : options.paddedShapes === undefined
      ? specs.map((s, i) => {
          if (s.shape === null) throw new TypeError(`${what}: component ${i} has unknown rank; give paddedShapes`);
          return [...s.shape];
        })
      : (flattenStructure(
          options.paddedShapes,
          (v): v is (number | null)[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number'),
          'paddedShapes',
        ).leaves as (number | null)[][]);
  if (pad && baseShapes.length !== specs.length)
    throw new TypeError(`${what}: paddedShapes has ${baseShapes.length} shapes for ${specs.length} components`);
  baseShapes.forEach((p, i) => {
    p.forEach((d, j) => {
      if (d !== null && (!Number.isSafeInteger(d) || d < 0))
        throw new RangeError(`${what}: paddedShapes[${i}][${j}] must be an integer >= 0 or null, got ${d}`);
    });
    checkPaddedShape(p, specs[i].shape, i, what);
  });
  const pads = pad ? paddingTensors(specs, options.paddingValues, what) : [];
  const outSpecs: TensorSpec[] = specs.map((s, i) => {
    if (!pad) {
      const shape = s.shape === null ? null : [null, ...s.shape];
      return s.composite
        ? { dtype: s.dtype, shape, composite: batchedComposite(s.composite, null) }
        : { dtype: s.dtype, shape };
    }
    // The batch size is a tensor, so the batch dimension is unknown even when remainders drop.
    return { dtype: s.dtype, shape: [null, ...baseShapes[i].map((d) => (toBoundary ? null : d))] };
  });

  const key = traceFunction(`${what}_key`, specs, (inputs) => {
    const ctx = GraphContext.require(what);
    const returned = lengthFn(callbackElement(input, inputs) as never);
    const length =
      typeof returned === 'number' && Number.isInteger(returned)
        ? ctx.constant(tensor(returned, 'int32'))
        : returned instanceof Sym
          ? ctx.own(returned)
          : undefined;
    if (length === undefined || length.dtype !== 'int32' || (length.shape !== null && length.shape.length !== 0))
      throw new TypeError(
        `${what}: lengthFn must return an int32 scalar (compared with int32 bucket boundaries, as in tf.data), got ` +
          (returned instanceof Sym ? `${returned.dtype}${shapeText(returned.shape)}` : String(returned)),
      );
    const min = ctx.constant(tensor([INT32_MIN, ...boundaries], 'int32'));
    const max = ctx.constant(tensor([...boundaries, INT32_MAX], 'int32'));
    const [atLeast] = ctx.addOp('LessEqual', [min, length]);
    const [below] = ctx.addOp('Less', [length, max]);
    const [inBucket] = ctx.addOp('LogicalAnd', [atLeast, below]);
    const [where] = ctx.addOp('Where', [inBucket]);
    return ctx.addOp('Min', [where, ctx.constant(tensor([0, 1], 'int32'))], { keep_dims: false })[0];
  });
  const sizes = (ctx: GraphContext) => ctx.constant(tensor(batchSizes.map(BigInt), 'int64'));
  const windowSize = traceFunction(`${what}_window_size`, [INT64], ([bucket]) => {
    const ctx = GraphContext.require(what);
    return elementAt(ctx, sizes(ctx), bucket);
  });
  const { f: reduce, inner } = traceReduce(input, what, (bucket, window) => {
    const ctx = GraphContext.require(what);
    const batchSize = elementAt(ctx, sizes(ctx), bucket);
    const dropSym = (c: GraphContext) => c.constant(tensor(drop, 'bool'));
    if (!pad) return makeDataset(batch(window, batchSize as Sym<'int64'>, { dropRemainder: drop }));
    let filler: Sym | undefined;
    if (toBoundary) {
      const [ok] = ctx.addOp('Less', [bucket, int64(ctx, batchSizes.length - 1)]);
      const limit = ctx.constant(tensor(BigInt(batchSizes.length - 1), 'int64'));
      const message = 'When pad_to_bucket_boundary=True, elements must have length < max(bucket_boundaries).';
      const check = ctx.addNode(
        'Assert',
        [
          ok,
          [
            ctx.constant(tensor(message, 'string')),
            ctx.constant(tensor('Condition x < y did not hold element-wise:', 'string')),
            ctx.constant(tensor(`x (${bucket.opName}:0) = `, 'string')),
            bucket,
            ctx.constant(tensor(`y (${limit.opName}:0) = `, 'string')),
            limit,
          ],
        ],
        { summarize: 3 },
      );
      // Assert has no outputs: a handle on the node itself, only ever used as a control input.
      const checked = new Sym(ctx, check.id, 0, 'bool', [], 'Assert');
      const bounds = ctx.constant(tensor(boundaries.map(BigInt), 'int64'));
      const boundary = elementAt(ctx, bounds, bucket, [checked]);
      filler = ctx.addOp('Sub', [boundary, int64(ctx, 1)])[0];
    }
    const shapes = baseShapes.map((p) => {
      if (p.every((d) => d !== null) || !filler)
        return ctx.constant(
          tensor(
            p.map((d) => BigInt(d ?? -1)),
            'int64',
            [p.length],
          ),
        );
      const dims = p.map((d) => (d === null ? (filler as Sym) : int64(ctx, d)));
      return ctx.addOp('Pack', [dims], { axis: 0 })[0];
    });
    return makeDataset(
      derived(window, 'PaddedBatchDatasetV2', 'bucket batch size', outSpecs, input.skeleton, (c, variant) =>
        emitDatasetOp(
          c,
          'PaddedBatchDatasetV2',
          [variant, batchSize, shapes, pads.map((t) => c.constant(t)), dropSym(c)],
          null,
          { parallel_copy: false, output_shapes: outSpecs.map((s) => s.shape) },
        ),
      ),
    );
  });
  const detail =
    `boundaries [${boundaries.join(', ')}], batch sizes [${batchSizes.join(', ')}]` +
    `${pad ? (toBoundary ? ', padded to the boundary' : ', padded') : ''}${drop ? ', drop remainder' : ''}`;
  return grouped(input, 'GroupByWindowDataset', detail, { key, reduce, windowSize, inner });
}
