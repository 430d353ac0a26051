// Transformations of the sequence of elements, not of the elements: shuffle, repeat, take, skip,
// shard, prefetch, cache, concatenate, and the pipeline-wide options.
import { DatasetOptions, recordOptions, serializeOptions } from '../options';
import { SLOT_BYTES, checkAllocation } from '../../limits';
import { sameSkeleton } from '../../tensor/structure';
import { mergeStaticShapes } from '../../graph/sym';
import { mergeComposites } from '../../graph/composite';
import type { TensorSpec } from '../../trace/function';
import { tensor } from '../../tensor/tensor';
import {
  AUTOTUNE,
  DatasetDefinition,
  DatasetInput,
  CountArg,
  Parallelism,
  checkCount,
  checkCountArg,
  countSym,
  countText,
  datasetComponent,
  derived,
  emitDatasetOp,
  int64,
  nestedOf,
} from '../definition';

/** Options of `shuffle`. */
export interface ShuffleOptions {
  /** Fixes the order (as `seed=` in Python with no global seed). */
  seed?: number;
  /** A new order on each pass of `repeat()` (default true). */
  reshuffleEachIteration?: boolean;
}

// Python's seed pair for op seed s with no global seed: (DEFAULT_GRAPH_SEED, s).
const DEFAULT_GRAPH_SEED = 87654321;

/** ShuffleDataset with Python's seeds; inside a callback the buffer size may be a Sym. */
export function shuffle(input: DatasetInput, bufferSize: CountArg, options: ShuffleOptions): DatasetDefinition {
  const n = checkCountArg(bufferSize, 'shuffle: bufferSize', 1);
  if (typeof n === 'bigint') checkAllocation('shuffle: bufferSize', Number(n), SLOT_BYTES);
  if (options.seed !== undefined) checkCount(options.seed, 'shuffle: seed', 0);
  // No seed = (0, 0) = random.
  const [seed, seed2] = options.seed === undefined ? [0, 0] : [DEFAULT_GRAPH_SEED, options.seed];
  const reshuffle = options.reshuffleEachIteration ?? true;
  const detail = `buffer ${countText(n)}${options.seed !== undefined ? `, seed ${options.seed}` : ''}`;
  return derived(input, 'ShuffleDataset', detail, input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(
      ctx,
      'ShuffleDataset',
      [variant, countSym(ctx, n), int64(ctx, seed), int64(ctx, seed2)],
      input.specs,
      { reshuffle_each_iteration: reshuffle },
    ),
  );
}

/**
 * RepeatDataset, TakeDataset or SkipDataset: one int64 count (negative counts as in TF; inside a
 * callback a Sym).
 */
export function counted(
  input: DatasetInput,
  op: 'RepeatDataset' | 'TakeDataset' | 'SkipDataset',
  count: CountArg,
  name: string,
): DatasetDefinition {
  const n = checkCountArg(count, name, Number.MIN_SAFE_INTEGER);
  return derived(input, op, countText(n), input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, op, [variant, countSym(ctx, n)], input.specs),
  );
}

/** ShardDataset: every `numShards`-th element starting at `index`. */
export function shard(input: DatasetInput, numShards: number, index: number): DatasetDefinition {
  const n = checkCount(numShards, 'shard: numShards', 1);
  const i = checkCount(index, 'shard: index', 0);
  if (i >= n) throw new RangeError(`shard: index must be < numShards (${n}), got ${i}`);
  return derived(input, 'ShardDataset', `${n}, ${i}`, input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'ShardDataset', [variant, int64(ctx, n), int64(ctx, i)], input.specs, {
      require_non_empty: false,
    }),
  );
}

/** PrefetchDataset. */
export function prefetch(input: DatasetInput, bufferSize: Parallelism): DatasetDefinition {
  const n = bufferSize === 'auto' ? AUTOTUNE : checkCount(bufferSize, 'prefetch: bufferSize', 0);
  return derived(
    input,
    'PrefetchDataset',
    bufferSize === 'auto' ? 'auto' : String(n),
    input.specs,
    input.skeleton,
    (ctx, variant) => emitDatasetOp(ctx, 'PrefetchDataset', [variant, int64(ctx, n)], input.specs),
  );
}

/** CacheDataset: in memory (no filename) or in files. */
export function cache(input: DatasetInput, filename: string): DatasetDefinition {
  if (typeof filename !== 'string') throw new TypeError('cache: filename must be a string');
  return derived(
    input,
    'CacheDataset',
    filename ? `file ${filename}` : 'memory',
    input.specs,
    input.skeleton,
    (ctx, variant) =>
      emitDatasetOp(ctx, 'CacheDataset', [variant, ctx.constant(tensor(filename, 'string'))], input.specs),
  );
}

/** ConcatenateDataset: `input`'s elements, then `other`'s (same structure and dtypes). */
export function concatenate(input: DatasetInput, other: DatasetInput): DatasetDefinition {
  if (!sameSkeleton(input.skeleton, other.skeleton) || input.specs.length !== other.specs.length) {
    throw new TypeError('concatenate: the datasets have different element structures');
  }
  const specs: TensorSpec[] = input.specs.map((s, i) => {
    if (s.dtype !== other.specs[i].dtype)
      throw new TypeError(`concatenate: component ${i} is ${s.dtype} here but ${other.specs[i].dtype} in other`);
    // Dataset components (windows) stay datasets when both sides carry the same element structure.
    const [mine, theirs] = [nestedOf(s), nestedOf(other.specs[i])];
    if (mine || theirs) {
      const same =
        mine &&
        theirs &&
        sameSkeleton(mine.skeleton, theirs.skeleton) &&
        mine.specs.length === theirs.specs.length &&
        mine.specs.every((m, j) => m.dtype === theirs.specs[j].dtype);
      if (!same) throw new TypeError(`concatenate: component ${i} is a dataset of another element structure`);
      return datasetComponent(mine);
    }
    const shape = mergeStaticShapes(s.shape, other.specs[i].shape);
    // Sparse and ragged components must agree on their kind; their dense shapes merge too.
    const merged = mergeComposites(s.composite, other.specs[i].composite);
    if ('clash' in merged) throw new TypeError(`concatenate: component ${i} is ${merged.clash}`);
    return merged.spec ? { dtype: s.dtype, shape, composite: merged.spec } : { dtype: s.dtype, shape };
  });
  return derived(
    input,
    'ConcatenateDataset',
    '',
    specs,
    input.skeleton,
    (ctx, variant, [second]) => emitDatasetOp(ctx, 'ConcatenateDataset', [variant, second], specs),
    [other],
  );
}

/** OptionsDataset: pipeline-wide options (tf.data.Options). */
export function withOptions(input: DatasetInput, options: DatasetOptions): DatasetDefinition {
  const serialized = serializeOptions(options);
  const definition = derived(
    input,
    'OptionsDataset',
    JSON.stringify(options),
    input.specs,
    input.skeleton,
    (ctx, variant) => emitDatasetOp(ctx, 'OptionsDataset', [variant], input.specs, { serialized_options: serialized }),
  );
  // Kept for ds.options(), which merges them as tf.data does.
  recordOptions(definition.node, options);
  definition.node.facts = { kind: 'options', vectorize: options.vectorize }; // JS-side: see vectorize-pass.ts
  return definition;
}
