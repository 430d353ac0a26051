// Files as sources: listing them (MatchingFiles), reading fixed-length records, and reading a
// Dataset of filenames with any file source, one file after the other (FlatMapDataset) or
// several at once (ParallelInterleaveDatasetV4), as Python's file datasets do.
import { TensorSpec, traceFunction } from '../../trace/function';
import { GraphContext } from '../../graph/context';
import { Sym } from '../../graph/sym';
import { checkAllocation } from '../../limits';
import { Tensor, tensor } from '../../tensor/tensor';
import {
  DatasetDefinition,
  DatasetInput,
  checkCount,
  derived,
  emitDatasetOp,
  int64,
  isDataset,
  specText,
} from '../definition';

// Python's _DEFAULT_READER_BUFFER_SIZE_BYTES: the read buffer of TFRecord and fixed-length readers.
export const DEFAULT_READ_BUFFER = 256 * 1024;
// Python's list_files seed pair for op seed s with no global seed: (DEFAULT_GRAPH_SEED, s).
const DEFAULT_GRAPH_SEED = 87654321;

/** Compression of a file source: none, gzip or zlib (TensorFlow's compression_type). */
export type FileCompression = '' | 'GZIP' | 'ZLIB';

/** Filenames a file source reads: one, a list, a string Sym (in a callback) or a Dataset of them. */
export type Filenames = string | readonly string[] | Sym<'string'> | DatasetInput;

/** Options every file source takes when it reads a Dataset of filenames. */
export interface FilenamesOptions {
  /** Files read at once (ParallelInterleaveDatasetV4), as Python's num_parallel_reads; default one after the other. */
  numParallelReads?: number;
}

export function checkCompression(value: unknown, what: string): FileCompression {
  const c = value ?? '';
  if (c !== '' && c !== 'GZIP' && c !== 'ZLIB')
    throw new TypeError(`${what}: compression must be '', 'GZIP' or 'ZLIB', got ${String(value)}`);
  return c;
}

/**
 * Filenames as a tensor of the graph: a Sym as it is; a host list as a constant, as Python embeds
 * them (small, and a graph that names its files runs standalone: toGraphDef, bench/floor.cc).
 */
export function filenamesIn(ctx: GraphContext, names: Tensor | Sym): Sym {
  return names instanceof Sym ? ctx.own(names) : ctx.constant(names);
}

/** Filenames given as data (not a Dataset): a Sym, or a checked string tensor. */
export function filenameTensor(filenames: string | readonly string[] | Sym<'string'>, what: string): Tensor | Sym {
  if (filenames instanceof Sym) {
    if (filenames.dtype !== 'string') throw new TypeError(`${what}: filenames must be strings, got ${filenames.dtype}`);
    return filenames;
  }
  const list = typeof filenames === 'string' ? [filenames] : Array.isArray(filenames) ? [...filenames] : null;
  if (list === null || list.length === 0 || list.some((f) => typeof f !== 'string' || f.length === 0))
    throw new TypeError(
      `${what}: filenames must be non-empty strings: a filename, an array of them, or a Dataset of them`,
    );
  return tensor(list, 'string');
}

/**
 * The source `perFile` makes for each filename of a Dataset of filenames (its elements must be
 * string scalars), read in order (FlatMapDataset) or `numParallelReads` at once.
 */
export function fromFilenameDataset(
  filenames: DatasetInput,
  what: string,
  perFile: (name: Sym<'string'>) => DatasetDefinition,
  options: FilenamesOptions = {},
): DatasetDefinition {
  const [spec] = filenames.specs;
  if (
    filenames.specs.length !== 1 ||
    spec.composite ||
    spec.dtype !== 'string' ||
    (spec.shape !== null && spec.shape.length !== 0)
  ) {
    const got = filenames.specs.map(specText).join(', ');
    throw new TypeError(`${what}: a Dataset of filenames must have string scalar elements, got ${got}`);
  }
  const parallel =
    options.numParallelReads === undefined
      ? undefined
      : checkCount(options.numParallelReads, `${what}: numParallelReads`, 1);
  let inner: DatasetDefinition | undefined;
  const f = traceFunction(
    `${what}_file`,
    filenames.specs,
    (inputs) => inputs[0],
    (returned, ctx) => {
      inner = perFile(returned as Sym<'string'>);
      return { leaves: [inner.node.emit(ctx, [])], skeleton: { kind: 'leaf' } };
    },
  );
  const { specs, skeleton } = inner as DatasetDefinition;
  const op = parallel === undefined ? 'FlatMapDataset' : 'ParallelInterleaveDatasetV4';
  return derived(filenames, op, `${what} per file`, specs, skeleton, (ctx, variant) => {
    if (parallel === undefined) return emitDatasetOp(ctx, op, [variant, ctx.resolveCaptures(f)], specs, { f });
    // Python's reader: cycle_length = block_length = num_parallel_calls = num_parallel_reads, in order.
    const n = int64(ctx, parallel);
    return emitDatasetOp(
      ctx,
      op,
      [variant, ctx.resolveCaptures(f), n, int64(ctx, 1), int64(ctx, -1), int64(ctx, -1), n],
      specs,
      { f, deterministic: 'default' },
    );
  });
}

/** Reads `filenames` with the source `make`, whatever form the filenames take. */
export function readFiles(
  filenames: Filenames,
  what: string,
  make: (names: Tensor | Sym) => DatasetDefinition,
  options: FilenamesOptions = {},
): DatasetDefinition {
  if (isDataset(filenames)) return fromFilenameDataset(filenames, what, (name) => make(name), options);
  if (options.numParallelReads !== undefined)
    throw new TypeError(`${what}: numParallelReads applies to a Dataset of filenames`);
  return make(filenameTensor(filenames, what));
}

/** Options of `Dataset.listFiles`. */
export interface ListFilesOptions {
  /** Shuffles the names (default true, as Python's list_files); each iteration reshuffles. */
  shuffle?: boolean;
  /** Fixes the shuffled order (the same order as Python's list_files with the same seed). */
  seed?: number;
}

/**
 * MatchingFiles over glob patterns, one filename per element, shuffled unless `shuffle: false`
 * (as tf.data.Dataset.list_files). Matching runs when an iterator starts; no match at all fails
 * it with INVALID_ARGUMENT.
 */
export function listFiles(
  patterns: string | readonly string[] | Sym<'string'>,
  options: ListFilesOptions,
): DatasetDefinition {
  const what = 'listFiles';
  let given: Tensor | Sym;
  if (patterns instanceof Sym) {
    if (patterns.dtype !== 'string') throw new TypeError(`${what}: patterns must be strings, got ${patterns.dtype}`);
    given = patterns;
  } else {
    const list = typeof patterns === 'string' ? [patterns] : Array.isArray(patterns) ? [...patterns] : null;
    if (list === null || list.length === 0 || list.some((f) => typeof f !== 'string' || f.length === 0))
      throw new TypeError(`${what}: patterns must be a non-empty string or an array of them`);
    given = tensor(list, 'string');
  }
  const shuffle = options.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new TypeError(`${what}: shuffle must be a boolean`);
  if (options.seed !== undefined) checkCount(options.seed, `${what}: seed`, 0);
  const [seed, seed2] = options.seed === undefined ? [0, 0] : [DEFAULT_GRAPH_SEED, options.seed];
  const specs: TensorSpec[] = [{ dtype: 'string', shape: [] }];
  const emit = (ctx: GraphContext): Sym => {
    const p = given instanceof Sym ? ctx.own(given) : ctx.constant(given);
    const [matched] = ctx.addOp('MatchingFiles', [p]);
    const [size] = ctx.addOp('Size', [matched], { out_type: 'int64' });
    const [some] = ctx.addOp('Greater', [size, int64(ctx, 0)]);
    const pattern = ctx.addOp('ReduceJoin', [p, ctx.constant(tensor([0], 'int32'))], {
      keep_dims: false,
      separator: ', ',
    })[0];
    const check = ctx.addNode(
      'Assert',
      [some, [ctx.constant(tensor('No files matched pattern: ', 'string')), pattern]],
      {
        summarize: 3,
      },
    );
    // Assert has no outputs: a handle on the node itself, only ever used as a control input.
    const checkSym = new Sym(ctx, check.id, 0, 'bool', [], 'Assert');
    const [files] = ctx.addOp('Identity', [matched], {}, { controlInputs: [checkSym] });
    const slices = emitDatasetOp(ctx, 'TensorSliceDataset', [[files]], null, { output_shapes: [[]] });
    if (!shuffle) return slices;
    const [buffer] = ctx.addOp('Maximum', [size, int64(ctx, 1)]);
    return emitDatasetOp(ctx, 'ShuffleDataset', [slices, buffer, int64(ctx, seed), int64(ctx, seed2)], specs, {
      reshuffle_each_iteration: true,
    });
  };
  const shown = given instanceof Sym ? given.opName : (given.toArray() as string[]).join(', ');
  const detail = `${shown}${shuffle ? `, shuffled${options.seed !== undefined ? ` seed ${options.seed}` : ''}` : ''}`;
  return { node: { op: 'MatchingFiles', detail, inputs: [], emit }, specs, skeleton: { kind: 'leaf' } };
}

/** Options of `Dataset.fixedLengthRecords`. */
export interface FixedLengthRecordOptions extends FilenamesOptions {
  /** Bytes to skip at the start of each file (default 0). */
  headerBytes?: number;
  /** Bytes to ignore at the end of each file (default 0). */
  footerBytes?: number;
  /** '' (none, the default), 'GZIP' or 'ZLIB'. */
  compression?: FileCompression;
  /** Read buffer in bytes (default 256 KiB). */
  bufferSize?: number;
}

/** FixedLengthRecordDatasetV2: one string element of `recordBytes` bytes per record. */
export function fixedLengthRecords(
  filenames: Filenames,
  recordBytes: number,
  options: FixedLengthRecordOptions,
): DatasetDefinition {
  const what = 'fixedLengthRecords';
  const record = checkCount(recordBytes, `${what}: recordBytes`, 1);
  const header = checkCount(options.headerBytes ?? 0, `${what}: headerBytes`, 0);
  const footer = checkCount(options.footerBytes ?? 0, `${what}: footerBytes`, 0);
  const compression = checkCompression(options.compression, what);
  const bufferSize = checkCount(options.bufferSize ?? DEFAULT_READ_BUFFER, `${what}: bufferSize`, 0);
  checkAllocation(`${what}: bufferSize`, bufferSize, 1);
  const specs: TensorSpec[] = [{ dtype: 'string', shape: [] }];
  return readFiles(
    filenames,
    what,
    (names) => ({
      node: {
        op: 'FixedLengthRecordDatasetV2',
        detail: `${names instanceof Sym ? names.opName : (names.toArray() as string[]).join(', ')}, ${record} bytes`,
        inputs: [],
        emit: (ctx) =>
          emitDatasetOp(
            ctx,
            'FixedLengthRecordDatasetV2',
            [
              filenamesIn(ctx, names),
              int64(ctx, header),
              int64(ctx, record),
              int64(ctx, footer),
              int64(ctx, bufferSize),
              ctx.constant(tensor(compression, 'string')),
            ],
            null,
          ),
      },
      specs,
      skeleton: { kind: 'leaf' },
    }),
    options,
  );
}
