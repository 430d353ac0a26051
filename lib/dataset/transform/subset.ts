// Transformations that keep a subset of the elements: unique (UniqueDataset), takeWhile
// (TakeWhileDataset), and rejectionResample (built from other ops, as Python builds it).
import { traceFunction, unboxInputs } from '../../trace/function';
import { GraphContext } from '../../graph/context';
import { unflatten } from '../../tensor/structure';
import { Sym } from '../../graph/sym';
import { Tensor, tensor } from '../../tensor/tensor';
import {
  DatasetDefinition,
  DatasetInput,
  asInput,
  checkCount,
  derived,
  emitDatasetOp,
  int64,
  shapeText,
  specText,
} from '../definition';
import { fromTensors, zip } from '../sources';
import { batch, unbatch } from './batch';
import { filter, map } from './functional';
import { counted, prefetch } from './sequence';
import { sampleFromDatasets } from './choose';

/** UniqueDataset: each distinct element once, in order of first appearance. */
export function unique(input: DatasetInput): DatasetDefinition {
  const [s] = input.specs;
  // TensorFlow's kernel takes one int32, int64 or string scalar component (Python checks the dtype).
  if (
    input.specs.length !== 1 ||
    s.composite ||
    !['int32', 'int64', 'string'].includes(s.dtype) ||
    (s.shape !== null && s.shape.length !== 0)
  )
    throw new TypeError(
      `unique: elements must be int32, int64 or string scalars, got ${input.specs.map(specText).join(', ')}`,
    );
  return derived(input, 'UniqueDataset', '', input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'UniqueDataset', [variant], input.specs),
  );
}

/** TakeWhileDataset: the elements up to the first one for which `predicate` is false. */
export function takeWhile(input: DatasetInput, predicate: (element: never) => Sym<'bool'>): DatasetDefinition {
  if (typeof predicate !== 'function') throw new TypeError('takeWhile: predicate must be a function');
  const f = traceFunction('takeWhile', input.specs, (inputs) =>
    predicate(unflatten(input.skeleton, unboxInputs(inputs, input.specs)) as never),
  );
  const out = f.outputSpecs;
  if (out.length !== 1 || out[0].dtype !== 'bool' || (out[0].shape !== null && out[0].shape.length !== 0)) {
    const got = out.map((o) => `${o.dtype}${shapeText(o.shape)}`).join(', ');
    throw new TypeError(`takeWhile: predicate must return a bool scalar, got ${got}`);
  }
  return derived(input, 'TakeWhileDataset', `predicate=${f.name}`, input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'TakeWhileDataset', [variant, ctx.resolveCaptures(f)], input.specs, { predicate: f }),
  );
}

/** Options of `rejectionResample`. */
export interface RejectionResampleOptions {
  /** The class distribution of the input, if known (default: estimated as elements stream by). */
  initialDist?: readonly number[] | Float32Array;
  /** Fixes the draws (as `seed=` in Python with no global seed). */
  seed?: number;
}

// Python's seed pair for op seed s with no global seed: (DEFAULT_GRAPH_SEED, s).
const DEFAULT_GRAPH_SEED = 87654321;
// The estimate's batch and its prior count per class (Python's _estimate_initial_dist_ds).
const ESTIMATION_BATCH = 32;
const SMOOTHING = 10n;

function distribution(value: unknown, name: string, n?: number): number[] {
  const what = `rejectionResample: ${name}`;
  if (!Array.isArray(value) && !(value instanceof Float32Array) && !(value instanceof Float64Array))
    throw new TypeError(`${what} must be an array of numbers`);
  const values = Array.from(value as ArrayLike<number>);
  if (values.length === 0 || (n !== undefined && values.length !== n))
    throw new RangeError(
      `${what} must have ${n === undefined ? 'at least one entry' : `${n} entries`}, got ${values.length}`,
    );
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new RangeError(`${what}[${i}] must be a finite number >= 0, got ${String(v)}`);
  });
  return values.map(Math.fround);
}

/** ScanDataset (Python's scan): `fn(state, element)` returns `[newState, output]`. */
function scanDataset(
  input: DatasetInput,
  initial: Tensor,
  fn: (state: Sym, element: Sym) => [Sym, Sym],
): DatasetDefinition {
  const stateSpec = { dtype: initial.dtype, shape: [...initial.shape] };
  const f = traceFunction('rejectionResample_estimate', [stateSpec, ...input.specs], ([state, element]) =>
    fn(state, element),
  );
  const [, out] = f.outputSpecs;
  return derived(input, 'ScanDataset', `f=${f.name}`, [out], { kind: 'leaf' }, (ctx, variant) =>
    emitDatasetOp(ctx, 'ScanDataset', [variant, [ctx.constant(initial)], ctx.resolveCaptures(f)], [out], {
      f,
      preserve_cardinality: true,
      use_default_device: true,
    }),
  );
}

/**
 * Python's rejection_resample, built from the same ops: elements drawn from a rejection-filtered
 * copy of the input and the input itself, mixed so that the classes `classFn` gives follow
 * `targetDist`; each element becomes `[class, element]`.
 */
export function rejectionResample(
  input: DatasetInput,
  classFn: (element: never) => Sym,
  targetDistArg: unknown,
  options: RejectionResampleOptions,
): DatasetDefinition | DatasetInput {
  const what = 'rejectionResample';
  if (typeof classFn !== 'function') throw new TypeError(`${what}: classFn must be a function`);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const target = distribution(targetDistArg, 'targetDist');
  const n = target.length;
  const given = options.initialDist === undefined ? undefined : distribution(options.initialDist, 'initialDist', n);
  const seed = options.seed === undefined ? undefined : checkCount(options.seed, `${what}: seed`, 0);
  const seedAttrs = seed === undefined ? { seed: 0, seed2: 0 } : { seed: DEFAULT_GRAPH_SEED, seed2: seed };
  const classOf = (element: unknown): Sym => {
    const c = (classFn as (e: unknown) => unknown)(element);
    if (!(c instanceof Sym) || (c.dtype !== 'int32' && c.dtype !== 'int64') || (c.shape !== null && c.shape.length))
      throw new TypeError(`${what}: classFn must return an int32 or int64 scalar Sym`);
    return c;
  };
  const withClass = asInput(map(input, (e: never) => [classOf(e), e], {}));

  // The class distribution of the input: given, or estimated from the class counts seen so far.
  let initialDs: DatasetInput;
  if (given) {
    initialDs = asInput(counted(asInput(fromTensors(tensor(given, 'float32'))), 'RepeatDataset', -1, what));
  } else {
    const classes = asInput(map(input, (e: never) => classOf(e), {}));
    const batches = asInput(batch(classes, ESTIMATION_BATCH, {}));
    const estimates = scanDataset(batches, tensor(new Array(n).fill(SMOOTHING), 'int64'), (seen, c) => {
      const ctx = GraphContext.require(what);
      const hot = ctx.addOp('OneHot', [c, ctx.constant(tensor(n, 'int32')), int64(ctx, 1), int64(ctx, 0)], {
        axis: -1,
      })[0];
      const counts = ctx.addOp('AddV2', [seen, ctx.addOp('Sum', [hot, ctx.constant(tensor([0], 'int32'))])[0]])[0];
      const total = ctx.addOp('Sum', [counts, ctx.constant(tensor([0], 'int32'))])[0];
      // truediv of int64 counts divides as float64, then float32 (as Python).
      const asF64 = (x: Sym) => ctx.addOp('Cast', [x], { DstT: 'float64', Truncate: false })[0];
      const ratio = ctx.addOp('RealDiv', [asF64(counts), asF64(total)])[0];
      const dist = ctx.addOp('Cast', [ratio], { DstT: 'float32', Truncate: false })[0];
      const row = ctx.addOp('ExpandDims', [dist, ctx.constant(tensor(0, 'int32'))])[0];
      return [counts, ctx.addOp('Tile', [row, ctx.constant(tensor([ESTIMATION_BATCH, 1], 'int32'))])[0]];
    });
    initialDs = asInput(unbatch(asInput(estimates)));
  }
  // Per-class acceptance probabilities and the probability of taking the input as is.
  const mixing = asInput(
    map(
      initialDs,
      (initial: never) => {
        const ctx = GraphContext.require(what);
        const tiny = ctx.constant(tensor(Math.fround(2 ** -126), 'float32'));
        const ratio = ctx.addOp('RealDiv', [
          ctx.constant(tensor(target, 'float32')),
          ctx.addOp('AddV2', [initial, tiny])[0],
        ])[0];
        const axis = ctx.constant(tensor([0], 'int32'));
        const max = ctx.addOp('Max', [ratio, axis])[0];
        const min = ctx.addOp('Min', [ratio, axis])[0];
        const accept = ctx.addOp('RealDiv', [ctx.addOp('Sub', [ratio, min])[0], ctx.addOp('Sub', [max, min])[0]])[0];
        return [accept, min];
      },
      {},
    ),
  );
  const acceptance = asInput(map(mixing, ([accept]: [Sym, Sym]) => accept, {} as never));
  // Rejection: keep an element of class c when a uniform draw is below acceptance[c].
  const judged = asInput(
    map(
      asInput(zip([acceptance, input])),
      ([p, data]: [Sym, never]) => {
        const c = classOf(data);
        const ctx = GraphContext.require(what);
        return [c, ctx.addOp('GatherV2', [p, c, ctx.constant(tensor(0, 'int32'))], { batch_dims: 0 })[0], data];
      },
      {},
    ),
  );
  const kept = asInput(
    filter(judged, (([, p]: [Sym, Sym]) => {
      const ctx = GraphContext.require(what);
      const [u] = ctx.addOp('RandomUniform', [ctx.constant(tensor([], 'int32'))], { dtype: 'float32', ...seedAttrs });
      return ctx.addOp('Less', [u, p])[0];
    }) as never),
  );
  const filtered = asInput(prefetch(asInput(map(kept, ([c, , data]: [Sym, Sym, never]) => [c, data], {})), 3));
  if (given) {
    // Python decides on host values when the distributions are known: min(target / initial).
    const ratios = target.map((t, i) => Math.fround(t / given[i]));
    const staticOriginal = Math.min(...ratios);
    if (staticOriginal === 1) return withClass;
    if (staticOriginal === 0) return filtered;
  }
  const weights = asInput(
    map(
      mixing,
      ([, m]: [Sym, Sym]) => {
        const ctx = GraphContext.require(what);
        return ctx.addOp('Pack', [[m, ctx.addOp('Sub', [ctx.constant(tensor(1, 'float32')), m])[0]]], { axis: 0 })[0];
      },
      {} as never,
    ),
  );
  return sampleFromDatasets([withClass, filtered], { weights, seed, stopOnEmptyDataset: true }, (d) =>
    asInput(counted(d, 'TakeDataset', 0, what)),
  );
}
