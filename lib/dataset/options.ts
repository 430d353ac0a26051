// tf.data Options, serialized by hand as tensorflow.data.Options
// (tensorflow/core/framework/dataset_options.proto; field numbers checked against TF 2.21).
import { MAX_PRIVATE_THREADS, checkAtMost } from '../limits';
import { ProtoField, encodeProto } from '../proto';

/** Pipeline-wide options, as `tf.data.Options`. */
export interface DatasetOptions {
  /** false lets parallel transformations yield out of order for speed. */
  deterministic?: boolean;
  /** Autotuning of 'auto' parallelism and prefetch: on by default in TensorFlow. */
  autotune?:
    | boolean
    | {
        /** Tune 'auto' parallelism and buffers (default true). */
        enabled?: boolean;
        /** CPU cores autotuning may use (default: all). */
        cpuBudget?: number;
        /** Bytes of RAM autotuned buffers may use (default: half the RAM). */
        ramBudget?: number;
      };
  /** Threads for this pipeline: a private pool and a cap on intra-op parallelism per op. */
  parallelism?: {
    /** Threads of a pool private to this pipeline (0 = TensorFlow's shared pool). */
    privateThreadpoolSize?: number;
    /** Most threads one op may use (0 = no limit). */
    maxIntraOpParallelism?: number;
  };
  /**
   * Automatic vectorisation of `map(f)` followed by `batch(n)` into `batch(n)` then a batched
   * `f` (on by default; exact: the same bits and errors). A JavaScript-side option: it is not part
   * of TensorFlow's serialized Options. See README "Automatic vectorisation".
   */
  vectorize?: boolean;
}

function checkCount(value: number | undefined, name: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function serializeOptions(options: DatasetOptions): Uint8Array {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const known = new Set(['deterministic', 'autotune', 'parallelism', 'vectorize']);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new TypeError(`unknown option '${key}' (known: ${[...known].join(', ')})`);
  }
  if (options.vectorize !== undefined && typeof options.vectorize !== 'boolean')
    throw new TypeError('options.vectorize must be a boolean');
  const fields: ProtoField[] = [];
  if (options.deterministic !== undefined) {
    if (typeof options.deterministic !== 'boolean') throw new TypeError('options.deterministic must be a boolean');
    fields.push([1, options.deterministic]);
  }
  if (options.autotune !== undefined) {
    const a = typeof options.autotune === 'boolean' ? { enabled: options.autotune } : options.autotune;
    checkCount(a.cpuBudget, 'options.autotune.cpuBudget');
    checkCount(a.ramBudget, 'options.autotune.ramBudget');
    const sub: ProtoField[] = [];
    if (a.enabled !== undefined) sub.push([1, a.enabled]);
    if (a.cpuBudget !== undefined) sub.push([2, a.cpuBudget]);
    if (a.ramBudget !== undefined) sub.push([3, a.ramBudget]);
    fields.push([7, sub]);
  }
  if (options.parallelism !== undefined) {
    const p = options.parallelism;
    checkCount(p.maxIntraOpParallelism, 'options.parallelism.maxIntraOpParallelism');
    checkCount(p.privateThreadpoolSize, 'options.parallelism.privateThreadpoolSize');
    if (p.privateThreadpoolSize !== undefined) {
      checkAtMost(
        'options.parallelism.privateThreadpoolSize',
        p.privateThreadpoolSize,
        MAX_PRIVATE_THREADS,
        'threads TensorFlow starts at once',
      );
    }
    const sub: ProtoField[] = [];
    if (p.maxIntraOpParallelism !== undefined) sub.push([1, p.maxIntraOpParallelism]);
    if (p.privateThreadpoolSize !== undefined) sub.push([2, p.privateThreadpoolSize]);
    fields.push([5, sub]);
  }
  return encodeProto(fields);
}
