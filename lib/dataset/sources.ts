// Sources: datasets made from host tensors, ranges, files, or other datasets side by side.
import { isTypedArray } from '../tensor/dtypes';
import { TensorSpec, traceFunction } from '../trace/function';
import { GraphContext } from '../graph/context';
import { checkAllocation } from '../limits';
import { Skeleton, flattenStructure, replaceLeaves } from '../tensor/structure';
import { Sym } from '../graph/sym';
import { Tensor, tensor } from '../tensor/tensor';
import {
  DatasetDefinition,
  DatasetInput,
  checkCount,
  countSym,
  countText,
  emitDatasetOp,
  int64,
  isDataset,
} from './definition';
import {
  CompositeComponent,
  compositeComponentSpec,
  compositeShape,
  emitComposite,
  isCompositeComponent,
  snapshotComposite,
} from './composite-source';
import { DEFAULT_READ_BUFFER, FilenamesOptions, checkCompression, filenamesIn } from './formats/files';

/** Options of `Dataset.textLines` and `Dataset.tfRecords`. */
export interface FileOptions extends FilenamesOptions {
  /** '' (none, the default), 'GZIP' or 'ZLIB'. */
  compression?: '' | 'GZIP' | 'ZLIB';
  /** Read buffer in bytes (default 256 KiB). */
  bufferSize?: number;
}

/** A bound of `Dataset.range`: an integer, or an integer Sym inside a callback. */
export type RangeBound = number | bigint | Sym<'int64'> | Sym<'int32'>;

function isSourceLeaf(
  v: unknown,
): v is Tensor | Sym | CompositeComponent | number | bigint | boolean | string | unknown[] {
  if (v instanceof Tensor || v instanceof Sym || isTypedArray(v) || isCompositeComponent(v)) return true;
  if (['number', 'bigint', 'boolean', 'string'].includes(typeof v)) return true;
  // A JS array counts as one tensor when its leaves are scalars (a tuple holds tensors or records);
  // an array of Buffers is one string tensor (bytes), as tensor() reads it.
  if (Array.isArray(v)) {
    let probe: unknown = v;
    while (Array.isArray(probe) && probe.length > 0) probe = probe[0];
    return (
      Array.isArray(probe) || ['number', 'bigint', 'boolean', 'string'].includes(typeof probe) || Buffer.isBuffer(probe)
    );
  }
  return false;
}

/** One source component: a tensor (host or Sym) or a sparse/ragged one. */
type Component = Tensor | Sym | CompositeComponent;

function toComponent(v: unknown): Component {
  if (v instanceof Sym || v instanceof Tensor || isCompositeComponent(v)) return v;
  return tensor(v as never);
}

function specOf(c: Component, dropFirst: boolean): TensorSpec {
  if (isCompositeComponent(c))
    return compositeComponentSpec(c, dropFirst, dropFirst ? 'fromTensorSlices' : 'fromTensors');
  if (c instanceof Tensor) return { dtype: c.dtype, shape: [...c.shape].slice(dropFirst ? 1 : 0) };
  return { dtype: c.dtype, shape: c.shape === null ? null : c.shape.slice(dropFirst ? 1 : 0) };
}

/** Replaces each leaf of `outer` (a structure of datasets) by that dataset's own skeleton. */
function composeSkeleton(outer: Skeleton, inner: Skeleton[]): Skeleton {
  return replaceLeaves(outer, (i) => inner[i]);
}

/** TensorSliceDataset: one element per slice along the first dimension of each component. */
export function fromTensorSlices(values: unknown): DatasetDefinition {
  const { leaves, skeleton } = flattenStructure(values, isSourceLeaf, 'values');
  const components = leaves.map(toComponent);
  if (components.length === 0) throw new TypeError('fromTensorSlices: values has no components');
  let rows: number | null | undefined;
  components.forEach((c, i) => {
    const shape = isCompositeComponent(c) ? compositeShape(c) : c.shape;
    if (shape !== null && shape.length === 0)
      throw new RangeError(`fromTensorSlices: component ${i} is a scalar; slicing needs rank >= 1`);
    const first = shape === null ? null : shape[0];
    if (rows !== undefined && first !== null && rows !== null && first !== rows) {
      throw new RangeError(`fromTensorSlices: components have different first dimensions (${rows} and ${first})`);
    }
    if (first !== null) rows = first;
  });
  return fromComponents(
    'TensorSliceDataset',
    `${rows ?? '?'} rows`,
    components,
    components.map((c) => specOf(c, true)),
    skeleton,
  );
}

/** TensorDataset: a single element made of the given components. */
export function fromTensors(values: unknown): DatasetDefinition {
  const { leaves, skeleton } = flattenStructure(values, isSourceLeaf, 'values');
  const components = leaves.map(toComponent);
  if (components.length === 0) throw new TypeError('fromTensors: values has no components');
  return fromComponents(
    'TensorDataset',
    '1 element',
    components,
    components.map((c) => specOf(c, false)),
    skeleton,
  );
}

/** A source op over components that are host tensors (fed or captured) or Syms of a callback. */
function fromComponents(
  op: string,
  detail: string,
  components: Component[],
  specs: TensorSpec[],
  skeleton: Skeleton,
): DatasetDefinition {
  // Host data is copied into TensorFlow now: later changes to the arrays do not reach the pipeline.
  for (const c of components) {
    if (c instanceof Tensor) c.handle();
    else if (isCompositeComponent(c)) snapshotComposite(c);
  }
  const sliced = op === 'TensorSliceDataset';
  const emit = (ctx: GraphContext) => {
    const syms = components.map((c) =>
      c instanceof Sym ? ctx.own(c) : isCompositeComponent(c) ? emitComposite(ctx, c, sliced) : ctx.captureHost(c),
    );
    return emitDatasetOp(ctx, op, [syms], null, { output_shapes: specs.map((s) => s.shape) });
  };
  return { node: { op, detail, inputs: [], emit }, specs, skeleton };
}

/** RangeDataset: int64 scalars like Python's range. */
export function range(startOrStop: RangeBound, stop: RangeBound | undefined, step: RangeBound): DatasetDefinition {
  const check = (v: RangeBound, name: string): bigint | Sym => {
    if (v instanceof Sym) {
      if (!['int32', 'int64'].includes(v.dtype))
        throw new TypeError(`range: ${name} must be an integer Sym, got ${v.dtype}`);
      return v;
    }
    if (typeof v === 'bigint') return v;
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw new TypeError(`range: ${name} must be an integer, got ${String(v)}`);
    return BigInt(v);
  };
  const [a, b] =
    stop === undefined ? [0n, check(startOrStop, 'stop')] : [check(startOrStop, 'start'), check(stop, 'stop')];
  const c = check(step, 'step');
  if (c === 0n) throw new RangeError('range: step must not be zero');
  const specs: TensorSpec[] = [{ dtype: 'int64', shape: [] }];
  return {
    node: {
      op: 'RangeDataset',
      detail: `${countText(a)}, ${countText(b)}, ${countText(c)}`,
      inputs: [],
      emit: (ctx) => emitDatasetOp(ctx, 'RangeDataset', [countSym(ctx, a), countSym(ctx, b), countSym(ctx, c)], specs),
    },
    specs,
    skeleton: { kind: 'leaf' },
  };
}

/** TextLineDataset / TFRecordDataset: one string element per line or record of the files. */
export function fileSource(
  op: 'TextLineDataset' | 'TFRecordDataset',
  names: Tensor | Sym,
  options: FileOptions,
): DatasetDefinition {
  const compression = checkCompression(options.compression, op);
  const bufferSize = options.bufferSize ?? DEFAULT_READ_BUFFER;
  checkCount(bufferSize, `${op}: bufferSize`, 0);
  checkAllocation(`${op}: bufferSize`, bufferSize, 1);
  const emit = (ctx: GraphContext) => {
    const f = filenamesIn(ctx, names);
    return emitDatasetOp(ctx, op, [f, ctx.constant(tensor(compression, 'string')), int64(ctx, bufferSize)], null);
  };
  const detail = names instanceof Sym ? names.opName : (names as Tensor).toArray().toString();
  return {
    node: { op, detail, inputs: [], emit },
    specs: [{ dtype: 'string', shape: [] }],
    skeleton: { kind: 'leaf' },
  };
}

/** ZipDataset: elements of several datasets side by side, as a tuple or record. */
export function zip(datasets: unknown): DatasetDefinition {
  const { leaves, skeleton } = flattenStructure(datasets, (v): v is DatasetInput => isDataset(v), 'datasets');
  if (leaves.length === 0) throw new TypeError('zip: give at least one dataset');
  const specs = leaves.flatMap((d) => d.specs);
  return {
    node: {
      op: 'ZipDataset',
      detail: `${leaves.length} inputs`,
      inputs: leaves,
      emit: (ctx, inputs) => emitDatasetOp(ctx, 'ZipDataset', [inputs], specs),
    },
    specs,
    skeleton: composeSkeleton(
      skeleton,
      leaves.map((d) => d.skeleton),
    ),
  };
}

/**
 * Python's Dataset.counter: start, start + step, ... forever (infinite cardinality). Python
 * builds it with scan; the values are those of an open-ended RangeDataset (integers wrap as the
 * scan's additions do), repeated so that tf.data sees it as infinite, cast for int32.
 */
export function counter(start: number | bigint, step: number | bigint, dtype: 'int32' | 'int64'): DatasetDefinition {
  if (dtype !== 'int32' && dtype !== 'int64')
    throw new TypeError(`counter: dtype must be 'int32' or 'int64', got ${String(dtype)}`);
  const check = (v: unknown, name: string): bigint => {
    if (typeof v !== 'bigint' && (typeof v !== 'number' || !Number.isInteger(v)))
      throw new TypeError(`counter: ${name} must be an integer, got ${String(v)}`);
    const b = BigInt(v);
    const bits = dtype === 'int32' ? 32 : 64;
    if (BigInt.asIntN(bits, b) !== b) throw new RangeError(`counter: ${name} ${b} does not fit ${dtype}`);
    return b;
  };
  const a = check(start, 'start');
  const s = check(step, 'step');
  const specs: TensorSpec[] = [{ dtype, shape: [] }];
  const int64Spec: TensorSpec[] = [{ dtype: 'int64', shape: [] }];
  const cast =
    dtype === 'int64'
      ? undefined
      : traceFunction(
          'counter_cast',
          int64Spec,
          ([x]) => GraphContext.require('counter').addOp('Cast', [x], { DstT: 'int32', Truncate: false })[0],
        );
  const emit = (ctx: GraphContext): Sym => {
    const bound = s > 0n ? 2n ** 63n - 1n : -(2n ** 63n);
    const values =
      s === 0n
        ? emitDatasetOp(ctx, 'TensorDataset', [[int64(ctx, a)]], null, { output_shapes: [[]] })
        : emitDatasetOp(ctx, 'RangeDataset', [int64(ctx, a), int64(ctx, bound), int64(ctx, s)], int64Spec);
    const forever = emitDatasetOp(ctx, 'RepeatDataset', [values, int64(ctx, -1)], int64Spec);
    if (cast === undefined) return forever;
    return emitDatasetOp(ctx, 'MapDataset', [forever, ctx.resolveCaptures(cast)], specs, {
      f: cast,
      use_inter_op_parallelism: true,
      preserve_cardinality: true,
    });
  };
  return {
    node: { op: 'Counter', detail: `${a}, step ${s}, ${dtype}`, inputs: [], emit },
    specs,
    skeleton: { kind: 'leaf' },
  };
}
