// Transformations that run a traced callback per element: map, filter, flatMap, interleave.
import { TensorSpec, TracedFunction, traceFunction } from '../../trace/function';
import { AttrValue } from '../../graph/context';
import { MAX_PARALLELISM, checkAtMost } from '../../limits';
import { Skeleton } from '../../tensor/structure';
import { Sym } from '../../graph/sym';
import {
  AUTOTUNE,
  DatasetDefinition,
  DatasetInput,
  NestedStructure,
  Parallelism,
  checkCount,
  derived,
  deterministicAttr,
  emitDatasetOp,
  int64,
  isDataset,
  parallelism,
  shapeText,
} from '../definition';
import { boxDatasets, callbackElement, withNested } from '../nested';

/** Options of `map`. */
export interface MapOptions {
  /** Elements processed in parallel (ParallelMapDatasetV2); 'auto' lets tf.data tune it. */
  numParallelCalls?: Parallelism;
  /** With parallelism: false allows out-of-order results for speed. */
  deterministic?: boolean;
}

/** Options of `interleave`. */
export interface InterleaveOptions {
  /** Input elements processed at once ('auto' lets tf.data choose). */
  cycleLength?: Parallelism;
  /** Consecutive elements taken from each input before moving to the next (default 1). */
  blockLength?: number;
  /** Parallelism of the transformation; 'auto' lets tf.data tune it. */
  numParallelCalls?: Parallelism;
  /** With parallelism: false allows out-of-order results for speed. */
  deterministic?: boolean;
}

/**
 * Traces `fn` over the elements of `input` (called once, with Syms; dataset components as
 * Datasets). Datasets in its result become dataset components: `nested` says which outputs.
 */
function trace(
  input: DatasetInput,
  label: string,
  fn: (element: never) => unknown,
  options: { record?: boolean } = {},
): { f: TracedFunction; specs: TensorSpec[] } {
  let nested: (NestedStructure | undefined)[] = [];
  const f = traceFunction(
    label,
    input.specs,
    (inputs) => {
      const boxed = boxDatasets(fn(callbackElement(input, inputs) as never));
      nested = boxed.nested;
      return boxed.value;
    },
    undefined,
    options,
  );
  return { f, specs: withNested(f.outputSpecs, nested) };
}

/** Traces a callback that returns a dataset; the function's output is that dataset's variant. */
function traceDatasetFn(
  input: DatasetInput,
  label: string,
  fn: (element: never) => unknown,
): { f: TracedFunction; inner: DatasetInput } {
  let inner: DatasetInput | undefined;
  const f = traceFunction(
    label,
    input.specs,
    (inputs) => fn(callbackElement(input, inputs) as never),
    (returned, ctx) => {
      if (!isDataset(returned)) throw new TypeError(`${label}: the callback must return a Dataset`);
      inner = returned;
      return { leaves: [returned.emit(ctx)], skeleton: { kind: 'leaf' } as Skeleton };
    },
  );
  return { f, inner: inner as DatasetInput };
}

/** MapDataset, or ParallelMapDatasetV2 with numParallelCalls. */
export function map(input: DatasetInput, fn: (element: never) => unknown, options: MapOptions): DatasetDefinition {
  if (typeof fn !== 'function') throw new TypeError('map: fn must be a function');
  parallelism(options.numParallelCalls, 'map: numParallelCalls');
  // A dataset in the result is a dataset component (as in Python); flatMap/interleave flatten.
  // Recorded node by node: the vectorisation pass may rewrite it for batches (vectorize-pass.ts).
  const { f, specs } = trace(input, 'map', fn, { record: true });
  return mapTraced(input, f, options, specs);
}

/** MapDataset (or ParallelMapDatasetV2) of an already traced function producing `specs`. */
export function mapTraced(
  input: DatasetInput,
  f: TracedFunction,
  options: MapOptions,
  specs: readonly TensorSpec[] = f.outputSpecs,
): DatasetDefinition {
  const calls = parallelism(options.numParallelCalls, 'map: numParallelCalls');
  const parallel = calls !== undefined;
  const op = parallel ? 'ParallelMapDatasetV2' : 'MapDataset';
  const definition = derived(
    input,
    op,
    `f=${f.name}${parallel ? `, parallel=${options.numParallelCalls}` : ''}`,
    specs,
    f.outputSkeleton,
    (ctx, variant) => {
      const attrs: Record<string, AttrValue | undefined> = {
        f,
        use_inter_op_parallelism: true,
        preserve_cardinality: true,
      };
      if (!parallel) return emitDatasetOp(ctx, op, [variant, ctx.resolveCaptures(f)], specs, attrs);
      attrs.deterministic = deterministicAttr(options.deterministic);
      return emitDatasetOp(ctx, op, [variant, ctx.resolveCaptures(f), int64(ctx, calls as number)], specs, attrs);
    },
  );
  definition.node.facts = { kind: 'map', f, options };
  return definition;
}

/** FilterDataset: keeps the elements for which the predicate returns a true bool scalar. */
export function filter(input: DatasetInput, predicate: (element: never) => Sym<'bool'>): DatasetDefinition {
  if (typeof predicate !== 'function') throw new TypeError('filter: predicate must be a function');
  const { f } = trace(input, 'filter', predicate);
  const out = f.outputSpecs;
  if (out.length !== 1 || out[0].dtype !== 'bool' || (out[0].shape !== null && out[0].shape.length !== 0)) {
    const got = out.map((s) => `${s.dtype}${shapeText(s.shape)}`).join(', ');
    throw new TypeError(`filter: predicate must return a bool scalar, got ${got}`);
  }
  return derived(input, 'FilterDataset', `predicate=${f.name}`, input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'FilterDataset', [variant, ctx.resolveCaptures(f)], input.specs, { predicate: f }),
  );
}

/** FlatMapDataset: maps each element to a dataset and flattens them in order. */
export function flatMap(input: DatasetInput, fn: (element: never) => unknown): DatasetDefinition {
  if (typeof fn !== 'function') throw new TypeError('flatMap: fn must be a function');
  const { f, inner } = traceDatasetFn(input, 'flatMap', fn);
  return derived(input, 'FlatMapDataset', `f=${f.name}`, inner.specs, inner.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'FlatMapDataset', [variant, ctx.resolveCaptures(f)], inner.specs, { f }),
  );
}

/** InterleaveDataset, or ParallelInterleaveDatasetV4 with numParallelCalls. */
export function interleave(
  input: DatasetInput,
  fn: (element: never) => unknown,
  options: InterleaveOptions,
): DatasetDefinition {
  if (typeof fn !== 'function') throw new TypeError('interleave: fn must be a function');
  const cycle =
    options.cycleLength === undefined || options.cycleLength === 'auto'
      ? AUTOTUNE
      : checkCount(options.cycleLength, 'interleave: cycleLength', 1);
  checkAtMost('interleave: cycleLength', cycle, MAX_PARALLELISM, 'input elements TensorFlow keeps open at once');
  const block = checkCount(options.blockLength ?? 1, 'interleave: blockLength', 1);
  const calls = parallelism(options.numParallelCalls, 'interleave: numParallelCalls');
  const { f, inner } = traceDatasetFn(input, 'interleave', fn);
  const op = calls === undefined ? 'InterleaveDataset' : 'ParallelInterleaveDatasetV4';
  const specs: readonly TensorSpec[] = inner.specs;
  return derived(
    input,
    op,
    `f=${f.name}, cycle ${options.cycleLength ?? 'auto'}, block ${block}`,
    specs,
    inner.skeleton,
    (ctx, variant) => {
      const head = [variant, ctx.resolveCaptures(f), int64(ctx, cycle), int64(ctx, block)];
      if (calls === undefined) return emitDatasetOp(ctx, op, head, specs, { f });
      const tail = [int64(ctx, AUTOTUNE), int64(ctx, AUTOTUNE), int64(ctx, calls)];
      return emitDatasetOp(ctx, op, [...head, ...tail], specs, {
        f,
        deterministic: deterministicAttr(options.deterministic),
      });
    },
  );
}
