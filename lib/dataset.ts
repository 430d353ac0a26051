// Dataset<T>: sources and transformations, each emitted as the real tf.data op into one graph.
import { DType, arrayCtor, isDType, isTypedArray } from './dtypes';
import { ComponentSpec, Element, HostElement, SourceStructure, SpecOf, SymOfSource } from './element';
import { TensorSpec, TracedFunction, traceFunction } from './function';
import { AttrValue, GraphContext } from './graph';
import { CompiledPipeline, DatasetIterator, IteratorOptions } from './iterator';
import { MAX_PARALLELISM, SLOT_BYTES, checkAllocation, checkAtMost } from './limits';
import { DatasetOptions, serializeOptions } from './options';
import { Skeleton, describeSkeleton, flattenStructure, sameSkeleton, unflatten } from './structure';
import { StaticShape, Sym, mergeStaticShapes } from './sym';
import { Tensor, tensor } from './tensor';

/** One host tensor a pipeline graph feeds (see `Dataset.graphFeeds`). */
export interface GraphFeed {
  /** The Placeholder's name. */
  name: string;
  /** The value fed to it. */
  tensor: Tensor;
}

/** Options of `Dataset.textLines` and `Dataset.tfRecords`. */
export interface FileOptions {
  /** '' (none, the default), 'GZIP' or 'ZLIB'. */
  compression?: '' | 'GZIP' | 'ZLIB';
  /** Read buffer in bytes (default 256 KiB). */
  bufferSize?: number;
}

/** A bound of `Dataset.range`: an integer, or an integer Sym inside a callback. */
export type RangeBound = number | bigint | Sym<'int64'> | Sym<'int32'>;

/** `numParallelCalls: 'auto'` (tf.data.AUTOTUNE). */
export type Parallelism = number | 'auto';
const AUTOTUNE = -1;
const INT64_MAX = 2n ** 63n - 1n;

/** The element of `Dataset.zip(datasets)`: the same tuple/record of the datasets' elements. */
export type ZipElement<S> = { -readonly [K in keyof S]: S[K] extends Dataset<infer E> ? E : never };

interface Node {
  op: string;
  detail: string;
  inputs: Dataset<any>[];
  emit: (ctx: GraphContext) => Sym;
}

/** Options of `map`. */
export interface MapOptions {
  /** Elements processed in parallel (ParallelMapDatasetV2); 'auto' lets tf.data tune it. */
  numParallelCalls?: Parallelism;
  /** With parallelism: false allows out-of-order results for speed. */
  deterministic?: boolean;
}

/** Options of `batch`. */
export interface BatchOptions {
  /** Drops the last batch when it is smaller than `batchSize` (then the batch dimension is static). */
  dropRemainder?: boolean;
  /** Builds batches in parallel (ParallelBatchDataset). */
  numParallelCalls?: Parallelism;
  /** With parallelism: false allows out-of-order results for speed. */
  deterministic?: boolean;
}

/** Options of `paddedBatch`. */
export interface PaddedBatchOptions {
  /** Per component: the padded shape (null or -1 dims pad to the longest in the batch). */
  paddedShapes?: unknown;
  /** Per component: the scalar to pad with (default 0, false or ''). */
  paddingValues?: unknown;
  /** Drops the last batch when it is smaller than `batchSize` (then the batch dimension is static). */
  dropRemainder?: boolean;
}

/** Options of `shuffle`. */
export interface ShuffleOptions {
  /** Fixes the order (as `seed=` in Python with no global seed). */
  seed?: number;
  /** A new order on each pass of `repeat()` (default true). */
  reshuffleEachIteration?: boolean;
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

function isSourceLeaf(v: unknown): v is Tensor | Sym | number | bigint | boolean | string | unknown[] {
  if (v instanceof Tensor || v instanceof Sym || isTypedArray(v)) return true;
  if (['number', 'bigint', 'boolean', 'string'].includes(typeof v)) return true;
  // A JS array counts as one tensor when its leaves are scalars (a tuple holds tensors or records).
  if (Array.isArray(v)) {
    let probe: unknown = v;
    while (Array.isArray(probe) && probe.length > 0) probe = probe[0];
    return Array.isArray(probe) || ['number', 'bigint', 'boolean', 'string'].includes(typeof probe);
  }
  return false;
}

function toComponent(v: unknown): Tensor | Sym {
  if (v instanceof Sym || v instanceof Tensor) return v;
  return tensor(v as never);
}

function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer, got ${String(value)}`);
  if (value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  return value;
}

function parallelism(value: Parallelism | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return AUTOTUNE;
  const n = checkCount(value, name, 1);
  checkAtMost(name, n, MAX_PARALLELISM, 'calls TensorFlow keeps in flight at once');
  return n;
}

function deterministicAttr(value: boolean | undefined): string {
  return value === undefined ? 'default' : value ? 'true' : 'false';
}

function int64(ctx: GraphContext, value: number | bigint): Sym {
  return ctx.constant(tensor(BigInt(value), 'int64'));
}

function specOf(c: Tensor | Sym, dropFirst: boolean): TensorSpec {
  if (c instanceof Tensor) return { dtype: c.dtype, shape: [...c.shape].slice(dropFirst ? 1 : 0) };
  return { dtype: c.dtype, shape: c.shape === null ? null : c.shape.slice(dropFirst ? 1 : 0) };
}

function shapeText(s: StaticShape): string {
  return s === null ? '<unknown>' : `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** Replaces each leaf of `outer` (a structure of datasets) by that dataset's own skeleton. */
function composeSkeleton(outer: Skeleton, inner: Skeleton[]): Skeleton {
  let i = 0;
  const walk = (s: Skeleton): Skeleton => {
    if (s.kind === 'leaf') return inner[i++];
    if (s.kind === 'tuple') return { kind: 'tuple', items: s.items.map(walk) };
    return { kind: 'record', keys: s.keys, items: s.items.map(walk) };
  };
  return walk(outer);
}

/**
 * A tf.data pipeline whose elements have the structure `T` (Syms inside callbacks, host Tensors
 * when iterated). Every method returns a new Dataset; nothing runs until iteration.
 */
export class Dataset<T = Element> implements AsyncIterable<HostElement<T>> {
  /** tf.data's cardinality for infinite datasets. */
  static readonly INFINITE = -1;
  /** tf.data's cardinality when it cannot be known without iterating. */
  static readonly UNKNOWN = -2;

  /** @internal */ readonly specs: readonly TensorSpec[];
  /** @internal */ readonly skeleton: Skeleton;
  /** @internal */ readonly node: Node;
  private compiled: { pipeline: CompiledPipeline; variant: Sym } | undefined;

  private constructor(node: Node, specs: readonly TensorSpec[], skeleton: Skeleton) {
    this.node = node;
    this.specs = specs;
    this.skeleton = skeleton;
  }

  // ---- sources ----

  /** One element per slice along the first dimension of each component (TensorSliceDataset). */
  static fromTensorSlices<S extends SourceStructure>(values: S): Dataset<SymOfSource<S>> {
    const { leaves, skeleton } = flattenStructure(values, isSourceLeaf, 'values');
    const components = leaves.map(toComponent);
    if (components.length === 0) throw new TypeError('fromTensorSlices: values has no components');
    let rows: number | null | undefined;
    components.forEach((c, i) => {
      const shape = c instanceof Tensor ? c.shape : c.shape;
      if (shape !== null && shape.length === 0) throw new RangeError(`fromTensorSlices: component ${i} is a scalar; slicing needs rank >= 1`);
      const first = shape === null ? null : shape[0];
      if (rows !== undefined && first !== null && rows !== null && first !== rows) {
        throw new RangeError(`fromTensorSlices: components have different first dimensions (${rows} and ${first})`);
      }
      if (first !== null) rows = first;
    });
    return Dataset.fromComponents('TensorSliceDataset', `${rows ?? '?'} rows`, components, components.map((c) => specOf(c, true)), skeleton);
  }

  /** A single element made of the given components (TensorDataset). */
  static fromTensors<S extends SourceStructure>(values: S): Dataset<SymOfSource<S>> {
    const { leaves, skeleton } = flattenStructure(values, isSourceLeaf, 'values');
    const components = leaves.map(toComponent);
    if (components.length === 0) throw new TypeError('fromTensors: values has no components');
    return Dataset.fromComponents('TensorDataset', '1 element', components, components.map((c) => specOf(c, false)), skeleton);
  }

  /** A source op over components that are host tensors (fed or captured) or Syms of a callback. */
  private static fromComponents<T>(op: string, detail: string, components: (Tensor | Sym)[], specs: TensorSpec[], skeleton: Skeleton): Dataset<T> {
    // Host data is copied into TensorFlow now: later changes to the arrays do not reach the pipeline.
    for (const c of components) if (c instanceof Tensor) c.handle();
    return new Dataset<T>(
      {
        op,
        detail,
        inputs: [],
        emit: (ctx) => {
          const syms = components.map((c) => (c instanceof Sym ? ctx.own(c) : ctx.captureHost(c)));
          return ctx.addOp(op, [syms], { output_shapes: specs.map((s) => s.shape) }, { lenient: true })[0];
        },
      },
      specs,
      skeleton,
    );
  }

  /**
   * int64 scalars like Python's range: `range(stop)`, `range(start, stop, step?)`. Inside a
   * callback (flatMap, interleave) the bounds may be Syms.
   */
  static range(startOrStop: RangeBound, stop?: RangeBound, step: RangeBound = 1): Dataset<Sym<'int64'>> {
    const check = (v: RangeBound, name: string): bigint | Sym => {
      if (v instanceof Sym) {
        if (!['int32', 'int64'].includes(v.dtype)) throw new TypeError(`range: ${name} must be an integer Sym, got ${v.dtype}`);
        return v;
      }
      if (typeof v === 'bigint') return v;
      if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`range: ${name} must be an integer, got ${String(v)}`);
      return BigInt(v);
    };
    const [a, b] = stop === undefined ? [0n, check(startOrStop, 'stop')] : [check(startOrStop, 'start'), check(stop, 'stop')];
    const c = check(step, 'step');
    if (c === 0n) throw new RangeError('range: step must not be zero');
    const bound = (ctx: GraphContext, v: bigint | Sym): Sym => {
      if (typeof v === 'bigint') return int64(ctx, v);
      const own = ctx.own(v);
      return own.dtype === 'int64' ? own : ctx.addOp('Cast', [own], { DstT: 'int64', Truncate: false })[0];
    };
    const show = (v: bigint | Sym) => (typeof v === 'bigint' ? String(v) : v.opName);
    return new Dataset(
      {
        op: 'RangeDataset',
        detail: `${show(a)}, ${show(b)}, ${show(c)}`,
        inputs: [],
        emit: (ctx) => ctx.addOp('RangeDataset', [bound(ctx, a), bound(ctx, b), bound(ctx, c)], { output_types: ['int64'], output_shapes: [[]] }, { lenient: true })[0],
      },
      [{ dtype: 'int64', shape: [] }],
      { kind: 'leaf' },
    );
  }

  /** One string element per line of the text files, in order (TextLineDataset). */
  static textLines(filenames: string | readonly string[] | Sym<'string'>, options: FileOptions = {}): Dataset<Sym<'string'>> {
    return Dataset.fileSource('TextLineDataset', filenames, options);
  }

  /** One string element per record of the TFRecord files, in order (TFRecordDataset). */
  static tfRecords(filenames: string | readonly string[] | Sym<'string'>, options: FileOptions = {}): Dataset<Sym<'string'>> {
    return Dataset.fileSource('TFRecordDataset', filenames, options);
  }

  private static fileSource(op: string, filenames: string | readonly string[] | Sym<'string'>, options: FileOptions): Dataset<Sym<'string'>> {
    const compression = options.compression ?? '';
    if (!['', 'GZIP', 'ZLIB'].includes(compression)) throw new TypeError(`${op}: compression must be '', 'GZIP' or 'ZLIB', got ${String(compression)}`);
    const bufferSize = options.bufferSize ?? 256 * 1024;
    checkCount(bufferSize, `${op}: bufferSize`, 0);
    checkAllocation(`${op}: bufferSize`, bufferSize, 1);
    let names: Tensor | Sym;
    if (filenames instanceof Sym) names = filenames;
    else {
      const list = typeof filenames === 'string' ? [filenames] : [...filenames];
      if (list.length === 0 || list.some((f) => typeof f !== 'string' || f.length === 0)) throw new TypeError(`${op}: filenames must be non-empty strings`);
      names = tensor(list, 'string');
    }
    return new Dataset(
      {
        op,
        detail: filenames instanceof Sym ? filenames.opName : (names as Tensor).toArray().toString(),
        inputs: [],
        emit: (ctx) => {
          const f = names instanceof Sym ? ctx.own(names) : ctx.captureHost(names);
          const inputs = [f, ctx.constant(tensor(compression, 'string')), int64(ctx, bufferSize)];
          return ctx.addOp(op, inputs, {}, { lenient: true })[0];
        },
      },
      [{ dtype: 'string', shape: [] }],
      { kind: 'leaf' },
    );
  }

  /** Elements of several datasets side by side, as a tuple or record (ZipDataset); stops at the shortest. */
  static zip<S extends readonly Dataset<any>[] | { readonly [key: string]: Dataset<any> }>(
    datasets: S,
  ): Dataset<ZipElement<S>> {
    const { leaves, skeleton } = flattenStructure(datasets, (v): v is Dataset<any> => v instanceof Dataset, 'datasets');
    if (leaves.length === 0) throw new TypeError('zip: give at least one dataset');
    return new Dataset(
      {
        op: 'ZipDataset',
        detail: `${leaves.length} inputs`,
        inputs: leaves,
        emit: (ctx) => {
          const inputs = leaves.map((d) => d.emit(ctx));
          const specs = leaves.flatMap((d) => d.specs);
          return ctx.addOp('ZipDataset', [inputs], Dataset.typeAttrs(specs), { lenient: true })[0];
        },
      },
      leaves.flatMap((d) => d.specs),
      composeSkeleton(skeleton, leaves.map((d) => d.skeleton)),
    );
  }

  // ---- introspection ----

  /** dtype and static shape of each component, in the element's structure. */
  get elementSpec(): SpecOf<T> {
    return unflatten(this.skeleton, this.specs.map((s) => ({ dtype: s.dtype, shape: s.shape === null ? null : [...s.shape] }) as ComponentSpec)) as SpecOf<T>;
  }

  /** Number of elements; `Dataset.INFINITE` (-1) or `Dataset.UNKNOWN` (-2) as tf.data reports. */
  async cardinality(): Promise<number> {
    const { pipeline, variant } = this.compile();
    return pipeline.cardinality(variant);
  }

  /**
   * The serialized GraphDef of the compiled pipeline, with its function library and the ops
   * `make_iterator` (run once) and `next` (fetch its outputs until OUT_OF_RANGE). Host data is fed
   * through Placeholders named `captured*`; with `inlineData` it is baked in as Const instead,
   * giving a standalone graph (protobuf limits it to 2 GB).
   */
  toGraphDef(options: { inlineData?: boolean } = {}): Uint8Array {
    if (!options.inlineData) return new Uint8Array(this.compile().pipeline.ctx.native.toGraphDef());
    const ctx = new GraphContext('pipeline', undefined, { inlineHostData: true });
    try {
      this.addIteratorOps(ctx, this.emit(ctx));
      return new Uint8Array(ctx.native.toGraphDef());
    } finally {
      ctx.dispose();
    }
  }

  /**
   * The host tensors the pipeline graph feeds when an iterator starts, with their Placeholder
   * names (for running `toGraphDef()` elsewhere, as bench/floor.cc does).
   */
  graphFeeds(): GraphFeed[] {
    const { ctx } = this.compile().pipeline;
    return ctx.feeds.map(([, t], i) => ({ name: ctx.feedNames[i], tensor: t }));
  }

  /** A readable outline of the pipeline, one transformation per line, outermost first. */
  explain(): string {
    const lines: string[] = [];
    const walk = (d: Dataset<any>, depth: number) => {
      const spec = describeSkeleton(d.skeleton, (i) => `${d.specs[i].dtype}${shapeText(d.specs[i].shape)}`);
      lines.push(`${'  '.repeat(depth)}${d.node.op}(${d.node.detail}) -> ${spec}`);
      for (const input of d.node.inputs) walk(input, depth + 1);
    };
    walk(this, 0);
    return lines.join('\n');
  }

  // ---- transformations ----

  /** Applies `fn` to each element. `fn` is traced once into a TensorFlow function. */
  map<R>(fn: (element: T) => R, options: MapOptions = {}): Dataset<R> {
    if (typeof fn !== 'function') throw new TypeError('map: fn must be a function');
    const calls = parallelism(options.numParallelCalls, 'map: numParallelCalls');
    const f = this.trace('map', fn);
    if (f.outputSpecs.some((s) => s.dtype === 'variant')) throw new TypeError('map: the callback returned a dataset; use flatMap or interleave');
    const parallel = calls !== undefined;
    return this.derive(parallel ? 'ParallelMapDatasetV2' : 'MapDataset', `f=${f.name}${parallel ? `, parallel=${options.numParallelCalls}` : ''}`, f.outputSpecs, f.outputSkeleton, (ctx, input) => {
      const args = ctx.resolveCaptures(f);
      const attrs: Record<string, AttrValue | undefined> = {
        f,
        ...Dataset.typeAttrs(f.outputSpecs),
        use_inter_op_parallelism: true,
        preserve_cardinality: true,
      };
      if (!parallel) return ctx.addOp('MapDataset', [input, args], attrs, { lenient: true })[0];
      attrs.deterministic = deterministicAttr(options.deterministic);
      return ctx.addOp('ParallelMapDatasetV2', [input, args, int64(ctx, calls as number)], attrs, { lenient: true })[0];
    });
  }

  /** Keeps the elements for which `predicate` returns a true bool scalar. */
  filter(predicate: (element: T) => Sym<'bool'>): Dataset<T> {
    if (typeof predicate !== 'function') throw new TypeError('filter: predicate must be a function');
    const f = this.trace('filter', predicate);
    const out = f.outputSpecs;
    if (out.length !== 1 || out[0].dtype !== 'bool' || (out[0].shape !== null && out[0].shape.length !== 0)) {
      throw new TypeError(`filter: predicate must return a bool scalar, got ${out.map((s) => `${s.dtype}${shapeText(s.shape)}`).join(', ')}`);
    }
    return this.derive('FilterDataset', `predicate=${f.name}`, this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('FilterDataset', [input, ctx.resolveCaptures(f)], { predicate: f, ...Dataset.typeAttrs(this.specs) }, { lenient: true })[0],
    );
  }

  /** Stacks consecutive elements into batches of `batchSize` (the last may be smaller). */
  batch(batchSize: number, options: BatchOptions = {}): Dataset<T> {
    const n = checkCount(batchSize, 'batch: batchSize', 1);
    const drop = !!options.dropRemainder;
    if (drop) checkAllocation('batch: batchSize', n, SLOT_BYTES); // reserved in full when remainders drop
    const calls = parallelism(options.numParallelCalls, 'batch: numParallelCalls');
    const specs = this.specs.map((s) => ({ dtype: s.dtype, shape: s.shape === null ? null : [drop ? n : null, ...s.shape] }));
    return this.derive(calls === undefined ? 'BatchDatasetV2' : 'ParallelBatchDataset', `${n}${drop ? ', drop remainder' : ''}`, specs, this.skeleton, (ctx, input) => {
      const size = int64(ctx, n);
      const dropSym = ctx.constant(tensor(drop, 'bool'));
      const attrs = { parallel_copy: false, ...Dataset.typeAttrs(specs) };
      if (calls === undefined) return ctx.addOp('BatchDatasetV2', [input, size, dropSym], attrs, { lenient: true })[0];
      return ctx.addOp('ParallelBatchDataset', [input, size, int64(ctx, calls), dropSym], { ...attrs, deterministic: deterministicAttr(options.deterministic) }, { lenient: true })[0];
    });
  }

  /** Batches elements of varying shape, padding each component to a common shape. */
  paddedBatch(batchSize: number, options: PaddedBatchOptions = {}): Dataset<T> {
    const n = checkCount(batchSize, 'paddedBatch: batchSize', 1);
    const drop = !!options.dropRemainder;
    const padded: (number | null)[][] = options.paddedShapes === undefined
      ? this.specs.map((s, i) => {
          if (s.shape === null) throw new TypeError(`paddedBatch: component ${i} has unknown rank; give paddedShapes`);
          return s.shape.map(() => null);
        })
      : (flattenStructure(options.paddedShapes, (v): v is (number | null)[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number'), 'paddedShapes').leaves as (number | null)[][]);
    if (padded.length !== this.specs.length) throw new TypeError(`paddedBatch: paddedShapes has ${padded.length} shapes for ${this.specs.length} components`);
    const values: unknown[] = options.paddingValues === undefined
      ? this.specs.map(() => undefined)
      : flattenStructure(options.paddingValues, (v): v is unknown => ['number', 'bigint', 'boolean', 'string'].includes(typeof v) || v instanceof Tensor, 'paddingValues').leaves;
    if (values.length !== this.specs.length) throw new TypeError(`paddingValues has ${values.length} values for ${this.specs.length} components`);
    const padTensors = this.specs.map((s, i) => {
      const v = values[i];
      if (v instanceof Tensor) return v;
      const dtype = s.dtype as DType;
      const def = dtype === 'string' ? '' : dtype === 'bool' ? false : dtype === 'int64' || dtype === 'uint64' ? 0n : 0;
      return tensor((v ?? def) as never, dtype);
    });
    padded.forEach((p, i) => {
      p.forEach((d, j) => {
        if (d !== null && (!Number.isSafeInteger(d) || d < -1)) throw new RangeError(`paddedBatch: paddedShapes[${i}][${j}] must be an integer >= -1 or null, got ${d}`);
      });
      // A fully known padded shape is allocated for the whole batch, whatever the elements hold.
      const dtype = this.specs[i].dtype;
      if (isDType(dtype) && p.every((d) => d !== null && d >= 0)) {
        const bytes = dtype === 'string' ? 32 : arrayCtor(dtype).BYTES_PER_ELEMENT; // a TF string cell is 32 bytes
        checkAllocation(`paddedBatch: paddedShapes[${i}] [${p.join(', ')}] × batchSize`, n * p.reduce<number>((a, d) => a * (d as number), 1), bytes);
      }
    });
    const specs = this.specs.map((s, i) => ({ dtype: s.dtype, shape: [drop ? n : null, ...padded[i].map((d) => (d === null || d < 0 ? null : d))] }));
    return this.derive('PaddedBatchDatasetV2', `${n}${drop ? ', drop remainder' : ''}`, specs, this.skeleton, (ctx, input) => {
      const shapes = padded.map((p) => ctx.constant(tensor(p.map((d) => BigInt(d === null ? -1 : d)), 'int64', [p.length])));
      const pads = padTensors.map((t) => ctx.constant(t));
      return ctx.addOp('PaddedBatchDatasetV2', [input, int64(ctx, n), shapes, pads, ctx.constant(tensor(drop, 'bool'))], {
        parallel_copy: false,
        output_shapes: specs.map((s) => s.shape),
      }, { lenient: true })[0];
    });
  }

  /** Splits each element along its first dimension into separate elements. */
  unbatch(): Dataset<T> {
    const specs = this.specs.map((s, i) => {
      if (s.shape !== null && s.shape.length === 0) throw new TypeError(`unbatch: component ${i} is a scalar`);
      return { dtype: s.dtype, shape: s.shape === null ? null : s.shape.slice(1) };
    });
    // TensorFlow 2.21's UnbatchDataset crashes the process on zero-size rows (Python too:
    // from_tensors(np.zeros([0])).batch(1).unbatch() segfaults). It is used only when every row
    // is statically non-empty; otherwise the same semantics come from slicing each batch.
    const safe = specs.every((s) => s.shape !== null && s.shape.every((d) => d !== null && d > 0));
    return this.derive('UnbatchDataset', safe ? '' : 'as flatMap(fromTensorSlices)', specs, this.skeleton, (ctx, input) => {
      if (safe) return ctx.addOp('UnbatchDataset', [input], Dataset.typeAttrs(specs), { lenient: true })[0];
      const f = traceFunction('unbatch', this.specs, (inputs) => Dataset.fromTensorSlices(inputs as never), (returned, fctx) => ({
        leaves: [(returned as Dataset<any>).emit(fctx)],
        skeleton: { kind: 'leaf' },
      }));
      return ctx.addOp('FlatMapDataset', [input, ctx.resolveCaptures(f)], { f, ...Dataset.typeAttrs(specs) }, { lenient: true })[0];
    });
  }

  /** Randomly shuffles with a buffer of `bufferSize` elements. */
  shuffle(bufferSize: number, options: ShuffleOptions = {}): Dataset<T> {
    const n = checkCount(bufferSize, 'shuffle: bufferSize', 1);
    checkAllocation('shuffle: bufferSize', n, SLOT_BYTES);
    if (options.seed !== undefined) checkCount(options.seed, 'shuffle: seed', 0);
    // Python with no global seed and op seed s uses (DEFAULT_GRAPH_SEED, s); none = (0, 0) = random.
    const [seed, seed2] = options.seed === undefined ? [0, 0] : [87654321, options.seed];
    const reshuffle = options.reshuffleEachIteration ?? true;
    return this.derive('ShuffleDataset', `buffer ${n}${options.seed !== undefined ? `, seed ${options.seed}` : ''}`, this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('ShuffleDataset', [input, int64(ctx, n), int64(ctx, seed), int64(ctx, seed2)], { reshuffle_each_iteration: reshuffle, ...Dataset.typeAttrs(this.specs) }, { lenient: true })[0],
    );
  }

  /** Repeats the dataset `count` times (forever when omitted or negative). */
  repeat(count = -1): Dataset<T> {
    checkCount(count, 'repeat: count', Number.MIN_SAFE_INTEGER);
    return this.countOp('RepeatDataset', count);
  }

  /** The first `count` elements (all of them when negative). */
  take(count: number): Dataset<T> {
    checkCount(count, 'take: count', Number.MIN_SAFE_INTEGER);
    return this.countOp('TakeDataset', count);
  }

  /** All but the first `count` elements (none when negative). */
  skip(count: number): Dataset<T> {
    checkCount(count, 'skip: count', Number.MIN_SAFE_INTEGER);
    return this.countOp('SkipDataset', count);
  }

  /** Every `numShards`-th element starting at `index`. */
  shard(numShards: number, index: number): Dataset<T> {
    const n = checkCount(numShards, 'shard: numShards', 1);
    const i = checkCount(index, 'shard: index', 0);
    if (i >= n) throw new RangeError(`shard: index must be < numShards (${n}), got ${i}`);
    return this.derive('ShardDataset', `${n}, ${i}`, this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('ShardDataset', [input, int64(ctx, n), int64(ctx, i)], { require_non_empty: false, ...Dataset.typeAttrs(this.specs) }, { lenient: true })[0],
    );
  }

  /** Prepares up to `bufferSize` elements ahead on TensorFlow's threads ('auto' tunes it). */
  prefetch(bufferSize: Parallelism = 'auto'): Dataset<T> {
    const n = bufferSize === 'auto' ? AUTOTUNE : checkCount(bufferSize, 'prefetch: bufferSize', 0);
    return this.derive('PrefetchDataset', bufferSize === 'auto' ? 'auto' : String(n), this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('PrefetchDataset', [input, int64(ctx, n)], Dataset.typeAttrs(this.specs), { lenient: true })[0],
    );
  }

  /** Caches elements in memory (no filename) or in files at `filename` after the first pass. */
  cache(filename = ''): Dataset<T> {
    if (typeof filename !== 'string') throw new TypeError('cache: filename must be a string');
    return this.derive('CacheDataset', filename ? `file ${filename}` : 'memory', this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('CacheDataset', [input, ctx.constant(tensor(filename, 'string'))], Dataset.typeAttrs(this.specs), { lenient: true })[0],
    );
  }

  /** This dataset's elements followed by `other`'s (same structure and dtypes). */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) throw new TypeError('concatenate: other must be a Dataset');
    if (!sameSkeleton(this.skeleton, other.skeleton) || this.specs.length !== other.specs.length) {
      throw new TypeError('concatenate: the datasets have different element structures');
    }
    this.specs.forEach((s, i) => {
      if (s.dtype !== other.specs[i].dtype) throw new TypeError(`concatenate: component ${i} is ${s.dtype} here but ${other.specs[i].dtype} in other`);
    });
    const specs = this.specs.map((s, i) => ({ dtype: s.dtype, shape: mergeStaticShapes(s.shape, other.specs[i].shape) }));
    return this.derive('ConcatenateDataset', '', specs, this.skeleton, (ctx, input) =>
      ctx.addOp('ConcatenateDataset', [input, other.emit(ctx)], Dataset.typeAttrs(specs), { lenient: true })[0], [other]);
  }

  /** Pairs each element with its int64 index: `[index, element]`. */
  enumerate(start = 0): Dataset<[Sym<'int64'>, T]> {
    checkCount(start, 'enumerate: start', Number.MIN_SAFE_INTEGER);
    return Dataset.zip([Dataset.range(BigInt(start), INT64_MAX), this] as const) as unknown as Dataset<[Sym<'int64'>, T]>;
  }

  /** Maps each element to a dataset and flattens them in order. */
  flatMap<R>(fn: (element: T) => Dataset<R>): Dataset<R> {
    if (typeof fn !== 'function') throw new TypeError('flatMap: fn must be a function');
    const { f, inner } = this.traceDatasetFn('flatMap', fn);
    return this.derive('FlatMapDataset', `f=${f.name}`, inner.specs, inner.skeleton, (ctx, input) =>
      ctx.addOp('FlatMapDataset', [input, ctx.resolveCaptures(f)], { f, ...Dataset.typeAttrs(inner.specs) }, { lenient: true })[0],
    );
  }

  /** Maps each element to a dataset and interleaves `cycleLength` of them, `blockLength` at a time. */
  interleave<R>(fn: (element: T) => Dataset<R>, options: InterleaveOptions = {}): Dataset<R> {
    if (typeof fn !== 'function') throw new TypeError('interleave: fn must be a function');
    const cycle = options.cycleLength === undefined || options.cycleLength === 'auto' ? AUTOTUNE : checkCount(options.cycleLength, 'interleave: cycleLength', 1);
    checkAtMost('interleave: cycleLength', cycle, MAX_PARALLELISM, 'input elements TensorFlow keeps open at once');
    const block = checkCount(options.blockLength ?? 1, 'interleave: blockLength', 1);
    const calls = parallelism(options.numParallelCalls, 'interleave: numParallelCalls');
    const { f, inner } = this.traceDatasetFn('interleave', fn);
    const op = calls === undefined ? 'InterleaveDataset' : 'ParallelInterleaveDatasetV4';
    return this.derive(op, `f=${f.name}, cycle ${options.cycleLength ?? 'auto'}, block ${block}`, inner.specs, inner.skeleton, (ctx, input) => {
      const args = ctx.resolveCaptures(f);
      const attrs = { f, ...Dataset.typeAttrs(inner.specs) };
      if (calls === undefined) return ctx.addOp(op, [input, args, int64(ctx, cycle), int64(ctx, block)], attrs, { lenient: true })[0];
      return ctx.addOp(op, [input, args, int64(ctx, cycle), int64(ctx, block), int64(ctx, AUTOTUNE), int64(ctx, AUTOTUNE), int64(ctx, calls)], { ...attrs, deterministic: deterministicAttr(options.deterministic) }, { lenient: true })[0];
    });
  }

  /** Sets pipeline-wide options (tf.data.Options): autotune, determinism, threads. */
  withOptions(options: DatasetOptions): Dataset<T> {
    const serialized = serializeOptions(options);
    return this.derive('OptionsDataset', JSON.stringify(options), this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp('OptionsDataset', [input], { serialized_options: serialized, ...Dataset.typeAttrs(this.specs) }, { lenient: true })[0],
    );
  }

  // ---- iteration ----

  /** A new iterator; each starts from the beginning with its own state. */
  iterator(options: IteratorOptions = {}): DatasetIterator<HostElement<T>> {
    return new DatasetIterator(this.compile().pipeline, options);
  }

  /** `for await (const element of ds)`: a new iterator each time. */
  [Symbol.asyncIterator](): DatasetIterator<HostElement<T>> {
    return this.iterator();
  }

  /** Every element, in order (don't call on an infinite dataset). */
  async toArray(options: IteratorOptions = {}): Promise<HostElement<T>[]> {
    const out: HostElement<T>[] = [];
    for await (const e of this.iterator(options)) out.push(e);
    return out;
  }

  /** Calls `fn` for each element; an async `fn` is awaited before the next. */
  async forEach(fn: (element: HostElement<T>, index: number) => void | Promise<void>, options: IteratorOptions = {}): Promise<void> {
    let i = 0;
    for await (const e of this.iterator(options)) await fn(e, i++);
  }

  // ---- internals ----

  /** @internal Adds this dataset's op (and its inputs') to `ctx`, once per graph. */
  emit(ctx: GraphContext): Sym {
    const known = ctx.emitted.get(this);
    if (known) return known;
    const variant = this.node.emit(ctx);
    ctx.emitted.set(this, variant);
    return variant;
  }

  private compile(): { pipeline: CompiledPipeline; variant: Sym } {
    if (this.compiled) return this.compiled;
    if (this.specs.length === 0) throw new TypeError('a dataset without components cannot be iterated');
    if (GraphContext.current()) throw new TypeError('datasets cannot be iterated inside a callback; return them from flatMap/interleave instead');
    const ctx = new GraphContext('pipeline');
    try {
      const variant = this.emit(ctx);
      const { make, next } = this.addIteratorOps(ctx, variant);
      this.compiled = { pipeline: new CompiledPipeline(ctx, make, next.map((s) => s.ref), this.skeleton), variant };
      return this.compiled;
    } catch (e) {
      ctx.dispose();
      throw e;
    }
  }

  private addIteratorOps(ctx: GraphContext, variant: Sym): { make: number; next: Sym[] } {
    const types = Dataset.typeAttrs(this.specs);
    const [iterator] = ctx.addOp('IteratorV2', [], { shared_name: '', container: '', ...types }, { name: 'iterator' });
    const make = ctx.addNode('MakeIterator', [variant, iterator], {}, { name: 'make_iterator' });
    const next = ctx.addOp('IteratorGetNext', [iterator], types, { name: 'next' });
    return { make: make.id, next };
  }

  private static typeAttrs(specs: readonly TensorSpec[]): { output_types: string[]; output_shapes: StaticShape[] } {
    return { output_types: specs.map((s) => s.dtype), output_shapes: specs.map((s) => s.shape) };
  }

  private derive<R>(
    op: string,
    detail: string,
    specs: readonly TensorSpec[],
    skeleton: Skeleton,
    emit: (ctx: GraphContext, input: Sym) => Sym,
    extraInputs: Dataset<any>[] = [],
  ): Dataset<R> {
    return new Dataset<R>({ op, detail, inputs: [this, ...extraInputs], emit: (ctx) => emit(ctx, this.emit(ctx)) }, specs, skeleton);
  }

  private countOp(op: string, count: number): Dataset<T> {
    return this.derive(op, String(count), this.specs, this.skeleton, (ctx, input) =>
      ctx.addOp(op, [input, int64(ctx, count)], Dataset.typeAttrs(this.specs), { lenient: true })[0],
    );
  }

  private trace(label: string, fn: (element: T) => unknown): TracedFunction {
    return traceFunction(label, this.specs, (inputs) => fn(unflatten(this.skeleton, inputs) as T));
  }

  private traceDatasetFn<R>(label: string, fn: (element: T) => Dataset<R>): { f: TracedFunction; inner: Dataset<R> } {
    let inner: Dataset<R> | undefined;
    const f = traceFunction(
      label,
      this.specs,
      (inputs) => fn(unflatten(this.skeleton, inputs) as T),
      (returned, ctx) => {
        if (!(returned instanceof Dataset)) throw new TypeError(`${label}: the callback must return a Dataset`);
        inner = returned as Dataset<R>;
        return { leaves: [returned.emit(ctx)], skeleton: { kind: 'leaf' } };
      },
    );
    return { f, inner: inner as Dataset<R> };
  }
}

