// tf.data's snapshot format, as Python's Dataset.save / Dataset.load / Dataset.snapshot use it:
// SaveDataset writes every element into sharded snapshot files (the whole pipeline runs inside
// TensorFlow in one session step, off the event loop), with the element spec in dataset_spec.pb
// for loaders that are given none; LoadDataset reads them back through a reader function (by
// default Python's: an interleave of the shards); SnapshotDatasetV2 writes on the first pass and
// reads on later ones.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GraphContext } from '../../graph/context';
import { TFError } from '../../errors';
import { Sym } from '../../graph/sym';
import { TensorSpec, TracedFunction, traceFunction, unboxInputs } from '../../trace/function';
import { Skeleton, unflatten } from '../../tensor/structure';
import { tensor } from '../../tensor/tensor';
import { AUTOTUNE, DatasetDefinition, DatasetInput, derived, emitDatasetOp, int64, shapeText } from '../definition';
import { runTerminal } from '../terminal';
import { parseSignature } from '../signature';
import { decodeStructure, encodeStructure } from '../structured-value';

/** The file Python's Dataset.save writes the element spec to (dataset_ops.DATASET_SPEC_FILENAME). */
const SPEC_FILENAME = 'dataset_spec.pb';

/** How snapshot files are compressed: none ('' or 'NONE'), 'GZIP' or 'SNAPPY'. */
export type SnapshotCompression = '' | 'NONE' | 'GZIP' | 'SNAPPY';

/** Options of `ds.save`. */
export interface SaveOptions<T = never> {
  /** Compression of the snapshot files (default none, as Python). */
  compression?: SnapshotCompression;
  /** Picks each element's shard file: an int64 scalar per element (default: TensorFlow spreads them). */
  shardFunc?: (element: T) => Sym<'int64'>;
}

/** Options of `Dataset.load`; `S` is the element spec's type. */
export interface LoadOptions<S = unknown> {
  /** The saved dataset's `elementSpec` (default: read from the spec file the saver wrote). */
  elementSpec?: S;
  /** The compression the files were written with (default none). */
  compression?: SnapshotCompression;
}

/** Options of `ds.snapshot`. */
export interface SnapshotOptions<T = never> {
  /** Compression of the snapshot files (default 'AUTO': TensorFlow picks). */
  compression?: SnapshotCompression | 'AUTO';
  /** Picks each element's shard file (default: the element's index modulo the CPU count, as Python). */
  shardFunc?: (element: T) => Sym<'int64'> | Sym<'int32'>;
}

function checkPath(what: string, p: unknown): string {
  if (typeof p !== 'string' || p.length === 0) throw new TypeError(`${what}: path must be a non-empty string`);
  return p;
}

function checkSnapshotCompression(what: string, value: unknown, auto: boolean): string {
  const allowed = auto ? ['', 'NONE', 'GZIP', 'SNAPPY', 'AUTO'] : ['', 'NONE', 'GZIP', 'SNAPPY'];
  if (value === undefined) return auto ? 'AUTO' : '';
  if (typeof value !== 'string' || !allowed.includes(value))
    throw new TypeError(
      `${what}: compression must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`,
    );
  return value;
}

/** Python's default reader function: the shard datasets interleaved, cpu_count at a time, in parallel. */
function defaultReader(what: string, specs: readonly TensorSpec[]): TracedFunction {
  const variant: TensorSpec = { dtype: 'variant', shape: [] };
  const identity = traceFunction(`${what}_shard`, [variant], ([shard]) => shard);
  return traceFunction(`${what}_reader`, [variant], ([shards]) => {
    const ctx = GraphContext.require(what);
    return emitDatasetOp(
      ctx,
      'ParallelInterleaveDatasetV4',
      [
        shards,
        ctx.resolveCaptures(identity),
        int64(ctx, os.cpus().length),
        int64(ctx, 1),
        int64(ctx, AUTOTUNE),
        int64(ctx, AUTOTUNE),
        int64(ctx, AUTOTUNE),
      ],
      specs,
      { f: identity, deterministic: 'default' },
    );
  });
}

/** A traced shard function over the elements of `input`: an int64 (or int32) scalar. */
function shardFunction(
  what: string,
  input: DatasetInput,
  fn: unknown,
  dtypes: readonly string[],
): TracedFunction | undefined {
  if (fn === undefined) return undefined;
  if (typeof fn !== 'function') throw new TypeError(`${what}: shardFunc must be a function`);
  const f = traceFunction(`${what}_shard_func`, input.specs, (inputs) =>
    (fn as (e: never) => unknown)(unflatten(input.skeleton, unboxInputs(inputs, input.specs)) as never),
  );
  const out = f.outputSpecs;
  if (out.length !== 1 || !dtypes.includes(out[0].dtype) || (out[0].shape !== null && out[0].shape.length !== 0))
    throw new TypeError(
      `${what}: shardFunc must return an ${dtypes.join(' or ')} scalar, got ` +
        out.map((o) => `${o.dtype}${shapeText(o.shape)}`).join(', '),
    );
  return f;
}

/** Writes every element of `dataset` to the snapshot at `path` (SaveDataset) and its spec file. */
export async function save(dataset: DatasetInput, target: string, options: SaveOptions<never>): Promise<void> {
  const what = 'save';
  checkPath(what, target);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const compression = checkSnapshotCompression(what, options.compression, false);
  if (GraphContext.current()) throw new TypeError(`${what}: cannot be called inside a callback`);
  const spec = encodeStructure(what, dataset.skeleton, dataset.specs);
  const custom = shardFunction(what, dataset, options.shardFunc, ['int64']);
  // Without one, Python passes a function of the element that returns nothing (unused).
  const shardFunc =
    custom ??
    traceFunction(
      `${what}_no_shard_func`,
      dataset.specs,
      () => null,
      () => ({ leaves: [], skeleton: { kind: 'tuple', items: [] } }),
    );
  await fs.promises.mkdir(target, { recursive: true });
  await fs.promises.writeFile(path.join(target, SPEC_FILENAME), spec);
  // Nothing is fetched: the op's work is the files it writes.
  await runTerminal(dataset, (ctx, variant) => {
    const write = ctx.addNode(
      'SaveDataset',
      [variant, ctx.constant(tensor(target, 'string')), ctx.resolveCaptures(shardFunc)],
      {
        compression,
        shard_func: shardFunc,
        use_shard_func: custom !== undefined,
      },
      { lenient: true },
    );
    return { target: write.id, refs: [], skeleton: { kind: 'tuple', items: [] } };
  });
}

/** LoadDataset over the snapshot at `path`, its elements described by `elementSpec` or the spec file. */
export function load(target: string, options: LoadOptions): DatasetDefinition {
  const what = 'load';
  checkPath(what, target);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const compression = checkSnapshotCompression(what, options.compression, false);
  let structure: { specs: TensorSpec[]; skeleton: Skeleton };
  if (options.elementSpec !== undefined) {
    structure = parseSignature(options.elementSpec, `${what}: elementSpec`);
  } else {
    const file = path.join(target, SPEC_FILENAME);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      // What Python raises (NotFoundError) when the spec file is missing.
      throw new TFError(`tf.data snapshot element_spec file not found: ${file}`, 5);
    }
    structure = decodeStructure(what, bytes);
  }
  const { specs, skeleton } = structure;
  const reader = defaultReader(what, specs);
  return {
    node: {
      op: 'LoadDataset',
      detail: target,
      inputs: [],
      emit: (ctx) =>
        emitDatasetOp(
          ctx,
          'LoadDataset',
          [ctx.constant(tensor(target, 'string')), ctx.resolveCaptures(reader)],
          specs,
          {
            compression,
            reader_func: reader,
          },
        ),
    },
    specs,
    skeleton,
  };
}

/** SnapshotDatasetV2 as Python builds it: enumerate, snapshot sharded by index, drop the index. */
export function snapshot(input: DatasetInput, target: string, options: SnapshotOptions<never>): DatasetDefinition {
  const what = 'snapshot';
  checkPath(what, target);
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const compression = checkSnapshotCompression(what, options.compression, true);
  const custom = shardFunction(what, input, options.shardFunc, ['int64', 'int32']);
  const indexSpec: TensorSpec = { dtype: 'int64', shape: [] };
  // Without a shard function the snapshot holds [index, ...element], sharded by index % cpu count.
  const stored: readonly TensorSpec[] = custom ? input.specs : [indexSpec, ...input.specs];
  const shardFunc =
    custom ??
    traceFunction(`${what}_shard_func`, stored, ([index]) => {
      const ctx = GraphContext.require(what);
      return ctx.addOp('FloorMod', [index, int64(ctx, os.cpus().length)])[0];
    });
  const project = custom
    ? undefined
    : traceFunction(
        `${what}_project`,
        stored,
        (inputs) => inputs.slice(1),
        (returned, ctx) => ({
          leaves: (returned as Sym[]).map((s) => ctx.addOp('Identity', [s])[0]),
          skeleton: { kind: 'tuple', items: input.specs.map(() => ({ kind: 'leaf' }) as Skeleton) },
        }),
      );
  const reader = defaultReader(what, stored);
  return derived(
    input,
    'SnapshotDatasetV2',
    `${target}, ${compression}`,
    input.specs,
    input.skeleton,
    (ctx, variant) => {
      let source = variant;
      if (!custom) {
        // Python's enumerate(): zip(range(0, int64 max), dataset).
        const range = emitDatasetOp(
          ctx,
          'RangeDataset',
          [int64(ctx, 0), int64(ctx, 2n ** 63n - 1n), int64(ctx, 1)],
          [indexSpec],
        );
        source = emitDatasetOp(ctx, 'ZipDataset', [[range, variant]], stored);
      }
      const snap = emitDatasetOp(
        ctx,
        'SnapshotDatasetV2',
        [source, ctx.constant(tensor(target, 'string')), ctx.resolveCaptures(reader), ctx.resolveCaptures(shardFunc)],
        stored,
        { compression, reader_func: reader, shard_func: shardFunc },
      );
      if (!project) return snap;
      return emitDatasetOp(ctx, 'MapDataset', [snap, ctx.resolveCaptures(project)], input.specs, {
        f: project,
        use_inter_op_parallelism: true,
        preserve_cardinality: true,
      });
    },
  );
}
