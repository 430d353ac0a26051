// tf.data Options: every field of tf.data.Options in TF 2.21, checked, merged as tf.data merges
// nested OptionsDatasets (a field set later wins, field by field), and serialized by hand as
// tensorflow.data.Options (tensorflow/core/framework/dataset_options.proto; field numbers
// checked against TF 2.21).
import { MAX_PRIVATE_THREADS, checkAtMost } from '../limits';
import { ProtoField, encodeProto } from '../proto';

/** How autotuning searches (tf.data.experimental.AutotuneAlgorithm). */
export type AutotuneAlgorithm = 'DEFAULT' | 'HILL_CLIMB' | 'GRADIENT_DESCENT' | 'MAX_PARALLELISM' | 'STAGE_BASED';

/** Sharding of a dataset split over workers (tf.data.experimental.AutoShardPolicy). */
export type AutoShardPolicy = 'AUTO' | 'FILE' | 'DATA' | 'HINT' | 'OFF';

/** What happens when a pipeline with state outside it (e.g. random ops) is serialized. */
export type ExternalStatePolicy = 'WARN' | 'IGNORE' | 'FAIL';

/** Autotuning of 'auto' parallelism and buffers (tf.data.experimental.AutotuneOptions). */
export interface AutotuneOptions {
  /** Tune 'auto' parallelism and buffers (default true). */
  enabled?: boolean;
  /** CPU cores autotuning may use (default: all). */
  cpuBudget?: number;
  /** Bytes of RAM autotuned buffers may use (default: half the RAM). */
  ramBudget?: number;
  /** The search autotuning uses (default 'DEFAULT'). */
  autotuneAlgorithm?: AutotuneAlgorithm;
  /** The parallelism 'auto' transformations start at before tuning. */
  initialParallelism?: number;
  /** The least parallelism autotuning gives an 'auto' transformation. */
  minParallelism?: number;
}

/** Threads for a pipeline (tf.data.ThreadingOptions). */
export interface ThreadingOptions {
  /** Threads of a pool private to this pipeline (0 = TensorFlow's shared pool). */
  privateThreadpoolSize?: number;
  /** Most threads one op may use (0 = no limit). */
  maxIntraOpParallelism?: number;
}

/** Graph rewrites tf.data applies (tf.data.experimental.OptimizationOptions); unset = TensorFlow's default. */
export interface OptimizationOptions {
  /** Apply the default rewrites (default true). */
  applyDefaultOptimizations?: boolean;
  /** Fuse consecutive filters. */
  filterFusion?: boolean;
  /** Run filter predicates in parallel. */
  filterParallelization?: boolean;
  /** Add a prefetch at the end of the pipeline. */
  injectPrefetch?: boolean;
  /** Prefetch the inputs of sequential interleaves. */
  seqInterleavePrefetch?: boolean;
  /** Fuse map and batch. */
  mapAndBatchFusion?: boolean;
  /** Fuse map and filter. */
  mapAndFilterFusion?: boolean;
  /** Fuse consecutive maps. */
  mapFusion?: boolean;
  /** Run maps without parallelism in parallel where that is safe. */
  mapParallelization?: boolean;
  /** Drop transformations that do nothing (take(-1), skip(0), ...). */
  noopElimination?: boolean;
  /** Batch in parallel. */
  parallelBatch?: boolean;
  /** Fuse shuffle and repeat. */
  shuffleAndRepeatFusion?: boolean;
}

/** Distribution of the pipeline (tf.data.experimental.ShardingOptions). */
export interface ShardingOptions {
  /** How the input is sharded across workers (default 'AUTO'). */
  autoShardPolicy?: AutoShardPolicy;
  /** The number of devices attached to this input pipeline. */
  numDevices?: number;
}

/** Pipeline-wide options, as `tf.data.Options` (2.21): every field, camel-cased. */
export interface DatasetOptions {
  /** false lets parallel transformations yield out of order for speed. */
  deterministic?: boolean;
  /** Autotuning of 'auto' parallelism and prefetch (on by default); `false` is `{ enabled: false }`. */
  autotune?: boolean | AutotuneOptions;
  /** Threads for this pipeline: a private pool and a cap on intra-op parallelism per op (Python's `threading`). */
  parallelism?: ThreadingOptions;
  /** Which graph rewrites tf.data applies (Python's `experimental_optimization`). */
  optimization?: OptimizationOptions;
  /** Sharding across workers (Python's `experimental_distribute`). */
  distribute?: ShardingOptions;
  /** Stateful ops outside the pipeline when it is serialized (Python's `experimental_external_state_policy`). */
  externalStatePolicy?: ExternalStatePolicy;
  /** Slack at the final prefetch, to spread CPU contention across steps (Python's `experimental_slack`). */
  slack?: boolean;
  /** Checkpoint iterators symbolically (Python's `experimental_symbolic_checkpoint`). */
  symbolicCheckpoint?: boolean;
  /** Start the pipeline's background threads when the iterator is made (Python's `experimental_warm_start`). */
  warmStart?: boolean;
  /** tf.data service options (Python's `experimental_service`). */
  service?: {
    /** Pinned (uncompressed, zero-copy) reads from the service's workers. */
    pinned?: boolean;
  };
  /** A name for the dataset, shown in TensorFlow's logs and metrics. */
  datasetName?: string;
  /** The frameworks the pipeline is used with (for TensorFlow's usage metrics). */
  frameworkType?: readonly string[];
  /**
   * Automatic vectorisation of `map(f)` followed by `batch(n)` into `batch(n)` then a batched
   * `f` (on by default; exact: the same bits and errors). A JavaScript-side option: it is not part
   * of TensorFlow's serialized Options. See README "Automatic vectorisation".
   */
  vectorize?: boolean;
}

const AUTOTUNE_ALGORITHMS: Record<AutotuneAlgorithm, number> = {
  DEFAULT: 0,
  HILL_CLIMB: 1,
  GRADIENT_DESCENT: 2,
  MAX_PARALLELISM: 3,
  STAGE_BASED: 4,
};
const AUTO_SHARD: Record<AutoShardPolicy, number> = { AUTO: 0, FILE: 1, DATA: 2, HINT: 3, OFF: -1 };
const EXTERNAL_STATE: Record<ExternalStatePolicy, number> = { WARN: 0, IGNORE: 1, FAIL: 2 };

// OptimizationOptions field numbers.
const OPTIMIZATIONS: Record<keyof OptimizationOptions, number> = {
  applyDefaultOptimizations: 1,
  filterFusion: 6,
  mapAndBatchFusion: 9,
  mapAndFilterFusion: 10,
  mapFusion: 11,
  mapParallelization: 12,
  noopElimination: 14,
  parallelBatch: 15,
  shuffleAndRepeatFusion: 17,
  filterParallelization: 18,
  injectPrefetch: 19,
  seqInterleavePrefetch: 21,
};

/** The option names `withOptions` knows (other modules may add JS-side switches to the list). */
export const OPTION_KEYS: string[] = [
  'vectorize',
  'deterministic',
  'autotune',
  'parallelism',
  'optimization',
  'distribute',
  'externalStatePolicy',
  'slack',
  'symbolicCheckpoint',
  'warmStart',
  'service',
  'datasetName',
  'frameworkType',
];

const where = (name: string) => (name ? `withOptions: options.${name}` : 'withOptions: options');

function checkObject(value: unknown, name: string, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new TypeError(`${where(name)} must be an object`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new TypeError(`${where(name)}: unknown option '${key}' (known: ${keys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function checkBool(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${where(name)} must be a boolean`);
}

function checkCount(value: unknown, name: string, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${where(name)} must be an integer, got ${String(value)}`);
  if (value < 0 || value > max) throw new RangeError(`${where(name)} must be in [0, ${max}], got ${value}`);
}

function checkEnum(value: unknown, name: string, table: Record<string, number>): void {
  if (value !== undefined && (typeof value !== 'string' || !(value in table)))
    throw new TypeError(
      `${where(name)} must be one of ${Object.keys(table)
        .map((k) => `'${k}'`)
        .join(', ')}, got ${String(value)}`,
    );
}

const INT32_MAX = 2 ** 31 - 1;

/** Checks every field of `options` (TypeError for a wrong type or name, RangeError for a bad number). */
export function checkOptions(options: unknown): DatasetOptions {
  const o = checkObject(options, '', OPTION_KEYS) as DatasetOptions;
  checkBool(o.deterministic, 'deterministic');
  checkBool(o.vectorize, 'vectorize');
  if (o.autotune !== undefined && typeof o.autotune !== 'boolean') {
    const a = checkObject(o.autotune, 'autotune', [
      'enabled',
      'cpuBudget',
      'ramBudget',
      'autotuneAlgorithm',
      'initialParallelism',
      'minParallelism',
    ]) as AutotuneOptions;
    checkBool(a.enabled, 'autotune.enabled');
    checkCount(a.cpuBudget, 'autotune.cpuBudget', INT32_MAX);
    checkCount(a.ramBudget, 'autotune.ramBudget');
    checkEnum(a.autotuneAlgorithm, 'autotune.autotuneAlgorithm', AUTOTUNE_ALGORITHMS);
    checkCount(a.initialParallelism, 'autotune.initialParallelism');
    checkCount(a.minParallelism, 'autotune.minParallelism');
  }
  if (o.parallelism !== undefined) {
    const p = checkObject(o.parallelism, 'parallelism', [
      'privateThreadpoolSize',
      'maxIntraOpParallelism',
    ]) as ThreadingOptions;
    checkCount(p.maxIntraOpParallelism, 'parallelism.maxIntraOpParallelism', INT32_MAX);
    checkCount(p.privateThreadpoolSize, 'parallelism.privateThreadpoolSize', INT32_MAX);
    if (p.privateThreadpoolSize !== undefined)
      checkAtMost(
        where('parallelism.privateThreadpoolSize'),
        p.privateThreadpoolSize,
        MAX_PRIVATE_THREADS,
        'threads TensorFlow starts at once',
      );
  }
  if (o.optimization !== undefined) {
    const opt = checkObject(o.optimization, 'optimization', Object.keys(OPTIMIZATIONS));
    for (const key of Object.keys(opt)) checkBool(opt[key], `optimization.${key}`);
  }
  if (o.distribute !== undefined) {
    const d = checkObject(o.distribute, 'distribute', ['autoShardPolicy', 'numDevices']) as ShardingOptions;
    checkEnum(d.autoShardPolicy, 'distribute.autoShardPolicy', AUTO_SHARD);
    checkCount(d.numDevices, 'distribute.numDevices', INT32_MAX);
  }
  checkEnum(o.externalStatePolicy, 'externalStatePolicy', EXTERNAL_STATE);
  checkBool(o.slack, 'slack');
  checkBool(o.symbolicCheckpoint, 'symbolicCheckpoint');
  checkBool(o.warmStart, 'warmStart');
  if (o.service !== undefined) checkBool(checkObject(o.service, 'service', ['pinned']).pinned, 'service.pinned');
  if (o.datasetName !== undefined && typeof o.datasetName !== 'string')
    throw new TypeError(`${where('datasetName')} must be a string`);
  if (
    o.frameworkType !== undefined &&
    (!Array.isArray(o.frameworkType) || !o.frameworkType.every((t) => typeof t === 'string'))
  )
    throw new TypeError(`${where('frameworkType')} must be an array of strings`);
  return o;
}

type Plain = Record<string, unknown>;

/** `options` with `autotune: boolean` as `{ enabled }` and no undefined fields: the form options() returns. */
function normalized(options: DatasetOptions): Plain {
  const out: Plain = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (key === 'autotune' && typeof value === 'boolean') out.autotune = { enabled: value };
    else if (Array.isArray(value)) out[key] = [...(value as unknown[])];
    else if (typeof value === 'object' && value !== null)
      out[key] = Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
    else out[key] = value;
  }
  return out;
}

/** tf.data's merge: the fields `later` sets override `earlier`'s, group by group. */
export function mergeOptions(earlier: DatasetOptions, later: DatasetOptions): DatasetOptions {
  const a = normalized(earlier);
  const b = normalized(later);
  const out: Plain = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = a[key];
    const group = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
    out[key] = group(value) && group(mine) ? { ...(mine as Plain), ...(value as Plain) } : value;
  }
  return out as DatasetOptions;
}

/** The options a withOptions node set, by node (for options() read-back without touching the node type). */
const optionsOfNode = new WeakMap<object, DatasetOptions>();

/** Records the options an OptionsDataset node sets. */
export function recordOptions(node: object, options: DatasetOptions): void {
  optionsOfNode.set(node, mergeOptions({}, options));
}

/** The options in effect for a dataset: its inputs' merged in order, then its own on top (as Python). */
export function effectiveOptions(dataset: { node: { inputs: readonly unknown[] } }): DatasetOptions {
  let merged: DatasetOptions = {};
  for (const input of dataset.node.inputs)
    merged = mergeOptions(merged, effectiveOptions(input as { node: { inputs: readonly unknown[] } }));
  const own = optionsOfNode.get(dataset.node);
  return own ? mergeOptions(merged, own) : merged;
}

export function serializeOptions(options: DatasetOptions): Uint8Array {
  const o = checkOptions(options);
  const fields: ProtoField[] = [];
  const group = (n: number, sub: ProtoField[]) => {
    if (sub.length > 0) fields.push([n, sub]);
  };
  if (o.deterministic !== undefined) fields.push([1, o.deterministic]);
  if (o.autotune !== undefined) {
    const a: AutotuneOptions = typeof o.autotune === 'boolean' ? { enabled: o.autotune } : o.autotune;
    const sub: ProtoField[] = [];
    if (a.enabled !== undefined) sub.push([1, a.enabled]);
    if (a.cpuBudget !== undefined) sub.push([2, a.cpuBudget]);
    if (a.ramBudget !== undefined) sub.push([3, a.ramBudget]);
    if (a.autotuneAlgorithm !== undefined) sub.push([4, AUTOTUNE_ALGORITHMS[a.autotuneAlgorithm]]);
    if (a.initialParallelism !== undefined) sub.push([5, a.initialParallelism]);
    if (a.minParallelism !== undefined) sub.push([6, a.minParallelism]);
    // Set but empty still counts as set for tf.data's merge: keep the group.
    fields.push([7, sub]);
  }
  if (o.distribute !== undefined) {
    const sub: ProtoField[] = [];
    if (o.distribute.autoShardPolicy !== undefined) sub.push([1, AUTO_SHARD[o.distribute.autoShardPolicy]]);
    if (o.distribute.numDevices !== undefined) sub.push([2, o.distribute.numDevices]);
    group(2, sub);
  }
  if (o.optimization !== undefined) {
    const sub: ProtoField[] = [];
    for (const [key, n] of Object.entries(OPTIMIZATIONS)) {
      const v = o.optimization[key as keyof OptimizationOptions];
      if (v !== undefined) sub.push([n, v]);
    }
    group(3, sub);
  }
  if (o.slack !== undefined) fields.push([4, o.slack]);
  if (o.parallelism !== undefined) {
    const p = o.parallelism;
    const sub: ProtoField[] = [];
    if (p.maxIntraOpParallelism !== undefined) sub.push([1, p.maxIntraOpParallelism]);
    if (p.privateThreadpoolSize !== undefined) sub.push([2, p.privateThreadpoolSize]);
    fields.push([5, sub]);
  }
  if (o.externalStatePolicy !== undefined) fields.push([6, EXTERNAL_STATE[o.externalStatePolicy]]);
  if (o.symbolicCheckpoint !== undefined) fields.push([8, o.symbolicCheckpoint]);
  if (o.warmStart !== undefined) fields.push([9, o.warmStart]);
  if (o.datasetName !== undefined) fields.push([10, o.datasetName]);
  for (const t of o.frameworkType ?? []) fields.push([11, t]);
  if (o.service?.pinned !== undefined) fields.push([12, [[1, o.service.pinned]]]);
  return encodeProto(fields);
}
