// Dataset<T>: the façade. Each method checks its `this`-side arguments, asks one definition file
// for the op (sources.ts, transform/*.ts) and wraps the result; compile.ts builds the pipeline.
import '../ops/methods'; // callbacks receive Syms with their method forms
import {
  DatasetComponent,
  Element,
  HostElement,
  NESTED_ELEMENT,
  SourceStructure,
  SpecOf,
  SpecStructure,
  SymOfSignature,
  SymOfSource,
  YieldOf,
} from './element';
import { GeneratorOptions, MapJsOptions, fromGenerator, mapJs } from './generator';
import { TensorSpec } from '../trace/function';
import { GraphContext } from '../graph/context';
import { CompiledPipeline, DatasetIterator, IteratorOptions } from '../iterate/iterator';
import { DatasetOptions, effectiveOptions } from './options';
import { ChooseOptions, SampleOptions, chooseFromDatasets, sampleFromDatasets } from './transform/choose';
import { RejectionResampleOptions, rejectionResample, takeWhile, unique } from './transform/subset';
import { LoadOptions, SaveOptions, SnapshotOptions, load, save, snapshot } from './formats/save';
import { Skeleton, describeSkeleton } from '../tensor/structure';
import { Sym } from '../graph/sym';
import { Tensor, tensor } from '../tensor/tensor';
import { compile, standaloneGraphDef } from './compile';
import { vectorizePass } from './vectorize-pass';
import { TfjsDatasetOf, TfjsModule, ToTfjsOptions, toTfjsDataset } from '../interop/tfjs';
import {
  CountArg,
  DATASET,
  DatasetDefinition,
  DatasetInput,
  DatasetNode,
  Parallelism,
  checkCount,
  setDatasetFactory,
  specText,
} from './definition';
import { FileOptions, RangeBound, counter, fileSource, fromTensorSlices, fromTensors, range, zip } from './sources';
import { WriteTFRecordsOptions, writeTFRecords } from './formats/tfrecord-writer';
import { ignoreErrors } from './transform/errors';
import { CsvOptions, INFERENCE_ROWS, csv, csvColumnNames, inferCsvDefaults, selectedColumns } from './formats/csv';
import { CsvColumns, CsvDefault, csvDefault } from '../ops/csv';
import {
  FileCompression,
  FixedLengthRecordOptions,
  ListFilesOptions,
  fixedLengthRecords,
  listFiles,
  readFiles,
} from './formats/files';
import { BatchOptions, PaddedBatchOptions, batch, paddedBatch, unbatch } from './transform/batch';
import { InterleaveOptions, MapOptions, filter, flatMap, interleave, map } from './transform/functional';
import { DistributeOptions, FromServiceOptions, distribute, fromService } from './transform/distribute';
import { RegisterOptions, registerWithService } from './service/register';
import { WindowOptions, window } from './transform/window';
import { reduce, scan, singleElement } from './transform/scan';
import { BucketOptions, GroupByWindowOptions, bucketBySequenceLength, groupByWindow } from './transform/grouping';
import { elementSpecOf, nestedComponents } from './nested';
import type { RaggedSym, SparseSym } from '../graph/composite';
import {
  ShuffleOptions,
  cache,
  concatenate,
  counted,
  prefetch,
  shard,
  shuffle,
  withOptions,
} from './transform/sequence';

/** One host tensor a pipeline graph feeds (see `Dataset.graphFeeds`). */
export interface GraphFeed {
  /** The Placeholder's name. */
  name: string;
  /** The value fed to it. */
  tensor: Tensor;
}

/** The element of `Dataset.zip(datasets)`: the same tuple/record of the datasets' elements. */
export type ZipElement<S> = { -readonly [K in keyof S]: S[K] extends Dataset<infer E> ? E : never };

const INT64_MAX = 2n ** 63n - 1n;

// make_csv_dataset's shuffle_buffer_size default.
const MAKE_CSV_SHUFFLE_BUFFER = 10_000;

/** Options of `Dataset.makeCsvDataset`, as Python's make_csv_dataset's. */
export interface MakeCsvOptions {
  /** Column names (default: the header's). */
  columnNames?: readonly string[];
  /** One default (or dtype) per selected column; default: inferred from the first rows. */
  columnDefaults?: readonly CsvDefault[];
  /** This column becomes the second part of each element: `[features, label]`. */
  labelName?: string;
  /** Only these columns, by name or index. */
  selectColumns?: readonly (string | number)[];
  /** The one-character field delimiter (default ','). */
  fieldDelim?: string;
  /** Double quotes enclose fields (default true). */
  useQuoteDelim?: boolean;
  /** A field equal to this is missing (default ''). */
  naValue?: string;
  /** The files start with a header line (default true). */
  header?: boolean;
  /** Passes over the data (default: forever, as Python; 1 for one pass). */
  numEpochs?: number;
  /** Shuffles files and rows (default true). */
  shuffle?: boolean;
  /** Rows in the shuffle buffer (default 10000). */
  shuffleBufferSize?: number;
  /** Seed of both shuffles. */
  shuffleSeed?: number;
  /** Batches prefetched (default 'auto'). */
  prefetchBufferSize?: number | 'auto';
  /** Rows read to infer column types (default 100). */
  numRowsForInference?: number;
  /** '' (none), 'GZIP' (ZLIB files cannot be probed, as in Python). */
  compression?: FileCompression;
  /** Rows that fail to parse (wrong field count, bad number) are dropped (as Python's ignore_errors). */
  ignoreErrors?: boolean;
}

/**
 * A dataset that is a component of an element, as a callback receives it (window's elements, the
 * window `groupByWindow` reduces): a Dataset, whose `reduce` and `getSingleElement` give Syms
 * there (the callback is being traced), as Python's `window.reduce(...)` inside a map.
 */
export type NestedDataset<E> = InCallback<E> & Dataset<E>;

/** What `reduce` and `getSingleElement` give inside a callback. */
export interface InCallback<E> {
  /** The final state's Syms (ReduceDataset in the callback's graph). */
  reduce<const S>(initialState: S, fn: (state: StateOf<S>, element: E) => StateOf<S>): StateOf<S>;
  /** The one element's Syms (DatasetToSingleElement in the callback's graph). */
  getSingleElement(): E;
}

/**
 * The Syms of a state given as `initialState` (scan, reduce): its structure, each leaf a Sym
 * (numbers are int32 or float32 as in `tensor()`; bigints int64; Tensors keep their dtype).
 */
export type StateOf<S> = SymOfSource<S>;

/** The element of `window()`: the same structure, each component a dataset of that component. */
export type WindowOf<T> = T extends Sym | SparseSym | RaggedSym | DatasetComponent
  ? NestedDataset<T>
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: WindowOf<T[K]> }
    : { -readonly [K in keyof T]: WindowOf<T[K]> };

/** Filenames a file source reads: one, a list, a string Sym (in a callback) or a Dataset of them. */
export type FilenamesArg = string | readonly string[] | Sym<'string'> | Dataset<Sym<'string'>>;

/**
 * A tf.data pipeline whose elements have the structure `T` (Syms inside callbacks, host Tensors
 * when iterated). Every method returns a new Dataset; nothing runs until iteration.
 */
export class Dataset<T = Element> implements AsyncIterable<HostElement<T>> {
  /** tf.data's cardinality for infinite datasets. */
  static readonly INFINITE = -1;
  /** tf.data's cardinality when it cannot be known without iterating. */
  static readonly UNKNOWN = -2;

  /** @internal */ readonly [DATASET] = true as const;
  /** @internal The element type, for element types that hold datasets (a phantom: nothing at run time). */
  declare readonly [NESTED_ELEMENT]: T;
  /** @internal */ readonly specs: readonly TensorSpec[];
  /** @internal */ readonly skeleton: Skeleton;
  /** @internal */ readonly node: DatasetNode;
  private compiled: { pipeline: CompiledPipeline; variant: Sym } | undefined;

  private constructor(definition: DatasetDefinition) {
    this.node = definition.node;
    this.specs = definition.specs;
    this.skeleton = definition.skeleton;
  }

  static {
    // Datasets made where the façade is not imported (a dataset component inside a callback).
    setDatasetFactory((definition) => new Dataset(definition));
  }

  // ---- sources ----

  /** One element per slice along the first dimension of each component (TensorSliceDataset). */
  static fromTensorSlices<const S extends SourceStructure>(values: S): Dataset<SymOfSource<S>> {
    return new Dataset(fromTensorSlices(values));
  }

  /** A single element made of the given components (TensorDataset). */
  static fromTensors<const S extends SourceStructure>(values: S): Dataset<SymOfSource<S>> {
    return new Dataset(fromTensors(values));
  }

  /**
   * int64 scalars like Python's range: `range(stop)`, `range(start, stop, step?)`. Inside a
   * callback (flatMap, interleave) the bounds may be Syms.
   */
  static range(startOrStop: RangeBound, stop?: RangeBound, step: RangeBound = 1): Dataset<Sym<'int64'>> {
    return new Dataset(range(startOrStop, stop, step));
  }

  /**
   * One string element per line of the text files, in order (TextLineDataset). `filenames` may
   * be a Dataset of filenames (as in Python), read one after the other or `numParallelReads` at once.
   */
  static textLines(filenames: FilenamesArg, options: FileOptions = {}): Dataset<Sym<'string'>> {
    return new Dataset(
      readFiles(filenames, 'textLines', (names) => fileSource('TextLineDataset', names, options), options),
    );
  }

  /**
   * One string element per record of the TFRecord files, in order (TFRecordDataset). `filenames`
   * may be a Dataset of filenames (as in Python), read one after the other or `numParallelReads` at once.
   */
  static tfRecords(filenames: FilenamesArg, options: FileOptions = {}): Dataset<Sym<'string'>> {
    return new Dataset(
      readFiles(filenames, 'tfRecords', (names) => fileSource('TFRecordDataset', names, options), options),
    );
  }

  /**
   * The files matching glob patterns, one name per element (MatchingFiles, as
   * tf.data.Dataset.list_files): shuffled unless `shuffle: false`, in Python's order for the
   * same `seed`. Matching runs when an iterator starts; no match fails it with INVALID_ARGUMENT.
   */
  static listFiles(
    patterns: string | readonly string[] | Sym<'string'>,
    options: ListFilesOptions = {},
  ): Dataset<Sym<'string'>> {
    return new Dataset(listFiles(patterns, options));
  }

  /**
   * One tuple of column scalars per record of CSV files (CSVDatasetV2, as Python's
   * tf.data.experimental.CsvDataset): `recordDefaults` (or `columnTypes`) gives each column's
   * dtype and default. Quoted fields may hold delimiters, newlines and `""`; CRLF lines are read
   * as LF ones. A record with another number of fields, or an empty required field, fails that
   * element with INVALID_ARGUMENT.
   */
  static csv<const R extends readonly CsvDefault[]>(
    filenames: FilenamesArg,
    options: CsvOptions<R>,
  ): Dataset<CsvColumns<R>> {
    return new Dataset(csv(filenames, options));
  }

  /**
   * Python's tf.data.experimental.make_csv_dataset: the files matching `filePattern` (sorted),
   * column names from the header, column types inferred from the first rows unless
   * `columnDefaults` gives them, records keyed by column name, shuffled (unless `shuffle: false`),
   * repeated `numEpochs` times (forever by default, as in Python), batched and prefetched. With
   * `labelName` the elements are `[features, label]`. Async: it globs and reads the headers first.
   */
  static makeCsvDataset(
    filePattern: string | readonly string[],
    batchSize: number,
    options: MakeCsvOptions & { labelName: string },
  ): Promise<Dataset<[Record<string, Sym>, Sym]>>;
  static makeCsvDataset(
    filePattern: string | readonly string[],
    batchSize: number,
    options?: MakeCsvOptions,
  ): Promise<Dataset<Record<string, Sym>>>;
  static async makeCsvDataset(
    filePattern: string | readonly string[],
    batchSize: number,
    options: MakeCsvOptions = {},
  ): Promise<Dataset<unknown>> {
    const what = 'makeCsvDataset';
    checkCount(batchSize, `${what}: batchSize`, 1);
    const header = options.header ?? true;
    const delim = options.fieldDelim ?? ',';
    const quotes = options.useQuoteDelim ?? true;
    const naValue = options.naValue ?? '';
    const compression = options.compression ?? '';
    const shuffle = options.shuffle ?? true;
    // Python globs each pattern and sorts the names, so the order does not depend on the filesystem.
    const files = (await Dataset.listFiles(filePattern, { shuffle: false }).toArray())
      .map((t) => t.toArray() as unknown as string)
      .sort();
    if (options.columnNames === undefined && !header)
      throw new TypeError(`${what}: give columnNames, or header: true to read them`);
    const names = options.columnNames ? [...options.columnNames] : csvColumnNames(files, delim, quotes, compression);
    const select = selectedColumns(options.selectColumns, names);
    const defaults = options.columnDefaults
      ? options.columnDefaults.map((d, i) => csvDefault(d, `${what}: columnDefaults[${i}]`))
      : inferCsvDefaults(files, names.length, select, {
          delim,
          quotes,
          naValue,
          header,
          rows: options.numRowsForInference ?? INFERENCE_ROWS,
          compression,
        });
    if (defaults.length !== select.length)
      throw new TypeError(`${what}: ${defaults.length} columnDefaults for ${select.length} columns`);
    const columns = select.map((i) => names[i]);
    const label = options.labelName;
    if (label !== undefined && !columns.includes(label))
      throw new TypeError(`${what}: labelName '${label}' is not one of the columns: ${columns.join(', ')}`);
    let filenames: Dataset<Sym<'string'>> = Dataset.fromTensorSlices(tensor(files, 'string'));
    if (shuffle) filenames = filenames.shuffle(files.length, { seed: options.shuffleSeed });
    let rows: Dataset<Sym[]> = Dataset.csv(filenames, {
      recordDefaults: defaults,
      header,
      fieldDelim: delim,
      useQuoteDelim: quotes,
      naValue,
      compression,
      ...(options.selectColumns !== undefined && { selectCols: select }),
    }) as unknown as Dataset<Sym[]>;
    if (options.ignoreErrors) rows = rows.ignoreErrors();
    if (shuffle)
      rows = rows.shuffle(options.shuffleBufferSize ?? MAKE_CSV_SHUFFLE_BUFFER, { seed: options.shuffleSeed });
    const epochs = options.numEpochs ?? null;
    if (epochs !== 1) rows = rows.repeat(epochs ?? -1);
    // Python drops the remainder when repeating forever: the batch dimension is then static.
    return rows
      .batch(batchSize, { dropRemainder: epochs === null })
      .map((cols) => {
        const record: Record<string, Sym> = {};
        columns.forEach((c, i) => {
          if (c !== label)
            Object.defineProperty(record, c, { value: cols[i], enumerable: true, writable: true, configurable: true });
        });
        return label === undefined ? record : [record, cols[columns.indexOf(label)]];
      })
      .prefetch(options.prefetchBufferSize ?? 'auto') as Dataset<unknown>;
  }

  /**
   * One string element of `recordBytes` bytes per record of binary files with fixed-size records
   * (FixedLengthRecordDatasetV2), after `headerBytes` and before `footerBytes` of each file.
   */
  static fixedLengthRecords(
    filenames: FilenamesArg,
    recordBytes: number,
    options: FixedLengthRecordOptions = {},
  ): Dataset<Sym<'string'>> {
    return new Dataset(fixedLengthRecords(filenames, recordBytes, options));
  }

  /**
   * Elements from a JavaScript iterable, async iterable or object-mode Readable that `fn`
   * returns, called anew for each iteration (with `options.args` as Tensors). It is a real
   * source in the graph (GeneratorDataset): what follows runs in TensorFlow. Elements cross in
   * chunks, only as far as the pipeline's buffers ask; closing the iterator calls the
   * generator's `return()`. See README "Streaming sources".
   */
  static fromGenerator<const S>(
    fn: (...args: Tensor[]) => Iterable<NoInfer<YieldOf<S>>> | AsyncIterable<NoInfer<YieldOf<S>>>,
    options: GeneratorOptions<S>,
  ): Dataset<SymOfSignature<S>> {
    return new Dataset(fromGenerator(fn, options));
  }

  /** Elements of several datasets side by side, as a tuple or record (ZipDataset); stops at the shortest. */
  static zip<const S extends readonly Dataset<unknown>[] | { readonly [key: string]: Dataset<unknown> }>(
    datasets: S,
  ): Dataset<ZipElement<S>> {
    return new Dataset(zip(datasets));
  }

  /**
   * Each element from one of `datasets`, picked at random with probabilities `weights`
   * (DirectedInterleaveDataset over Python's selector: the same `seed` gives Python's order).
   * `weights` may be a Dataset of weight vectors, one per element. The datasets' elements must
   * have the same structure and dtypes. Runs until every dataset is exhausted, or the first one
   * with `stopOnEmptyDataset`.
   */
  static sampleFromDatasets<T>(
    datasets: readonly Dataset<T>[],
    options: SampleOptions<Dataset<Sym<'float32'>> | Dataset<Sym<'float64'>>> = {},
  ): Dataset<T> {
    const picked = sampleFromDatasets(datasets, options as SampleOptions<DatasetInput>, (d) =>
      (d as Dataset<T>).take(0),
    );
    return picked instanceof Dataset ? (picked as Dataset<T>) : new Dataset(picked as DatasetDefinition);
  }

  /**
   * Each element from `datasets[i]` for the next `i` of `choiceDataset` (int64 scalars), as
   * Python's choose_from_datasets; by default it stops at the first choice of an exhausted dataset.
   */
  static chooseFromDatasets<T>(
    datasets: readonly Dataset<T>[],
    choiceDataset: Dataset<Sym<'int64'>>,
    options: ChooseOptions = {},
  ): Dataset<T> {
    return new Dataset(chooseFromDatasets(datasets, choiceDataset, options));
  }

  /** `start`, `start + step`, ... forever (Python's Dataset.counter), int64 or int32. */
  static counter<D extends 'int32' | 'int64' = 'int64'>(
    start: number | bigint = 0,
    step: number | bigint = 1,
    dtype: D = 'int64' as D,
  ): Dataset<Sym<D>> {
    return new Dataset(counter(start, step, dtype));
  }

  /**
   * A dataset saved by `ds.save` or Python's `Dataset.save` (LoadDataset). Without `elementSpec`
   * the element structure is read from the spec file the saver wrote (dense components in
   * tuples and records); a missing file is a `TFError` NOT_FOUND, as in Python.
   */
  static load<const S extends SpecStructure | undefined = undefined>(
    path: string,
    options: LoadOptions<S> = {},
  ): Dataset<S extends SpecStructure ? SymOfSignature<S> : unknown> {
    return new Dataset(load(path, options));
  }

  /**
   * Registers `dataset` with the tf.data service and resolves to its dataset id, for consumers
   * elsewhere (`Dataset.fromService`, Python's `from_dataset_id`). Registering the same dataset
   * again gives the same id. Host data the pipeline captured is serialised into the registration
   * (at most 2 GB in all). An unreachable dispatcher rejects with a `TFError` `UNAVAILABLE`.
   */
  static registerWithService(
    dataset: Dataset<unknown>,
    service: string,
    options: RegisterOptions = {},
  ): Promise<string> {
    if (!(dataset instanceof Dataset))
      return Promise.reject(new TypeError('registerWithService: dataset must be a Dataset'));
    return registerWithService(dataset, service, options);
  }

  /**
   * The elements of a dataset registered with the tf.data service (by `registerWithService` or
   * Python's `register_dataset`), read from its workers. `elementSpec` is the registered
   * dataset's `elementSpec`.
   */
  static fromService<const S extends SpecStructure>(
    service: string,
    datasetId: string,
    options: FromServiceOptions<S>,
  ): Dataset<SymOfSignature<S>> {
    return new Dataset(fromService(service, datasetId, options));
  }

  // ---- introspection ----

  /** dtype and static shape of each component, in the element's structure. */
  get elementSpec(): SpecOf<T> {
    // A dataset component shows as { kind: 'dataset', elementSpec } (Python's DatasetSpec).
    return elementSpecOf(this.specs, this.skeleton) as SpecOf<T>;
  }

  /** Number of elements; `Dataset.INFINITE` (-1) or `Dataset.UNKNOWN` (-2) as tf.data reports. */
  async cardinality(): Promise<number> {
    const { pipeline, variant } = this.compile();
    return pipeline.cardinality(variant);
  }

  /**
   * A standalone GraphDef of the pipeline, with its function library and the ops
   * `make_iterator` (run once) and `next` (fetch its outputs until OUT_OF_RANGE; `next/sync` is
   * the same pull as a synchronous kernel, for a caller thread outside TensorFlow's pools). Host
   * data is fed through Placeholders named `captured*`; with `inlineData` it is baked in as Const
   * instead, giving a standalone graph (protobuf limits it to 2 GB: more is a RangeError).
   */
  toGraphDef(options: { inlineData?: boolean } = {}): Uint8Array {
    if (this.compile().pipeline.hasJsSource) {
      throw new TypeError(
        'toGraphDef: this pipeline reads from JavaScript (fromGenerator, mapJs), ' +
          'which a graph run elsewhere cannot reach',
      );
    }
    return standaloneGraphDef(this, !!options.inlineData);
  }

  /**
   * The host tensors the pipeline graph feeds when an iterator starts, with their Placeholder
   * names (for running `toGraphDef()` elsewhere, as bench/floor.cc does).
   */
  graphFeeds(): GraphFeed[] {
    const { ctx } = this.compile().pipeline;
    return ctx.feeds.map(([, t], i) => ({ name: ctx.feedNames[i], tensor: t }));
  }

  /** What `console.log` and `util.inspect` show: the element structure and the pipeline's outline. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const spec = describeSkeleton(this.skeleton, (i) => specText(this.specs[i]));
    const outline = this.explain()
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n');
    return `Dataset ${spec}\n${outline}`;
  }

  /**
   * A readable outline of the pipeline as it runs, one transformation per line, outermost first:
   * a map → batch that runs vectorised shows as the batch then the vectorised map, and a batch
   * whose maps stay per element says which op stopped it (README "Automatic vectorisation").
   */
  explain(): string {
    const lines: string[] = [];
    const walk = (d: DatasetInput, depth: number) => {
      const spec = describeSkeleton(d.skeleton, (i) => specText(d.specs[i]));
      lines.push(`${'  '.repeat(depth)}${d.node.op}(${d.node.detail}) -> ${spec}`);
      for (const input of d.node.inputs) walk(input, depth + 1);
    };
    walk(vectorizePass(this), 0);
    return lines.join('\n');
  }

  // ---- transformations ----

  /** Applies `fn` to each element. `fn` is traced once into a TensorFlow function. */
  map<const R>(fn: (element: T) => R, options: MapOptions = {}): Dataset<R> {
    return new Dataset(map(this, fn, options));
  }

  /**
   * Applies a JavaScript function to each element: the `py_function` analog, for work only a JS
   * library can do. It is the slow path (one crossing per element, see README "Streaming
   * sources"): prefer `map` with ops. `fn` gets host Tensors and returns (or resolves to) values
   * of `outputSignature`.
   */
  mapJs<const S>(
    fn: (element: HostElement<T>) => YieldOf<S> | Promise<YieldOf<S>>,
    options: MapJsOptions<S>,
  ): Dataset<SymOfSignature<S>> {
    return new Dataset(mapJs(this, fn, options));
  }

  /** Keeps the elements for which `predicate` returns a true bool scalar. */
  filter(predicate: (element: T) => Sym<'bool'>): Dataset<T> {
    return new Dataset(filter(this, predicate));
  }

  /**
   * Stacks consecutive elements into batches of `batchSize` (the last may be smaller). Inside a
   * callback `batchSize` may be an integer Sym.
   */
  batch(batchSize: CountArg, options: BatchOptions = {}): Dataset<T> {
    return new Dataset(batch(this, batchSize, options));
  }

  /** Batches elements of varying shape, padding each component to a common shape. */
  paddedBatch(batchSize: CountArg, options: PaddedBatchOptions = {}): Dataset<T> {
    return new Dataset(paddedBatch(this, batchSize, options));
  }

  /** Splits each element along its first dimension into separate elements. */
  unbatch(): Dataset<T> {
    return new Dataset(unbatch(this));
  }

  // ---- windows, scans and grouping ----

  /**
   * Windows of `size` consecutive elements (WindowDataset, as Python's `window`): each element is
   * the input's structure with every component a dataset of that component's elements in the
   * window, for callbacks to transform: `ds.window(3).flatMap((w) => w.batch(3))`, or
   * `Dataset.zip(w)` for a tuple/record. `shift` (default `size`) elements between window starts,
   * `stride` between a window's elements; `dropRemainder` drops windows shorter than `size`.
   * Counts may be Syms inside a callback. Iterating a dataset of datasets is a TypeError.
   */
  window(size: CountArg, options: WindowOptions = {}): Dataset<WindowOf<T>> {
    return new Dataset(window(this, size, options));
  }

  /**
   * A running state over the elements (ScanDataset): `fn(state, element)` returns
   * `[newState, output]`; the outputs are the elements. The state has `initialState`'s
   * structure and dtypes (a number is int32 or float32 as in `tensor()`; give a Tensor for
   * others); dims the new state changes become unknown, as in Python.
   */
  scan<const S, R>(initialState: S, fn: (state: StateOf<S>, element: T) => readonly [StateOf<S>, R]): Dataset<R> {
    return new Dataset(scan(this, initialState, fn as never));
  }

  /**
   * Folds `fn(state, element)` → newState over every element (ReduceDataset): the pipeline runs
   * inside TensorFlow in one session step; resolves to the final state as host tensors. Inside a
   * callback (e.g. on a window) it gives the state's Syms instead (see `NestedDataset`).
   */
  reduce<const S>(
    initialState: S,
    fn: (state: StateOf<S>, element: T) => StateOf<S>,
  ): Promise<HostElement<StateOf<S>>> {
    if (GraphContext.current()) return reduce(this, initialState, fn as never) as never;
    try {
      return reduce(this, initialState, fn as never) as Promise<HostElement<StateOf<S>>>;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The dataset's only element (DatasetToSingleElement): rejects with a `TFError`
   * INVALID_ARGUMENT when it has none or more than one, as Python. Inside a callback it gives
   * the element's Syms instead.
   */
  getSingleElement(): Promise<HostElement<T>> {
    if (GraphContext.current()) return singleElement(this) as never;
    try {
      return singleElement(this) as Promise<HostElement<T>>;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Groups elements by `keyFn` (an int64 scalar) into windows of up to `windowSize` elements of
   * one key (or `windowSizeFn(key)`), and flattens the datasets `reduceFn(key, window)` makes of
   * them (GroupByWindowDataset, as Python's `group_by_window`). A window is reduced when full,
   * and the partial ones at the end.
   */
  groupByWindow<R>(
    keyFn: (element: T) => Sym<'int64'> | number | bigint,
    reduceFn: (key: Sym<'int64'>, window: NestedDataset<T>) => Dataset<R>,
    options: GroupByWindowOptions,
  ): Dataset<R> {
    return new Dataset(groupByWindow(this, keyFn as never, reduceFn as never, options));
  }

  /**
   * Python's `bucket_by_sequence_length`: elements go to the bucket of their length
   * (`lengthFn`, an int32 scalar; bucket i holds `boundaries[i-1] <= length < boundaries[i]`)
   * and are padded-batched there by `bucketBatchSizes[i]` (one more than `bucketBoundaries`);
   * built on groupByWindow as Python builds it.
   */
  bucketBySequenceLength(
    lengthFn: (element: T) => Sym<'int32'> | number,
    bucketBoundaries: readonly number[],
    bucketBatchSizes: readonly number[],
    options: BucketOptions = {},
  ): Dataset<T> {
    return new Dataset(bucketBySequenceLength(this, lengthFn as never, bucketBoundaries, bucketBatchSizes, options));
  }

  /** Randomly shuffles with a buffer of `bufferSize` elements (inside a callback, may be a Sym). */
  shuffle(bufferSize: CountArg, options: ShuffleOptions = {}): Dataset<T> {
    return new Dataset(shuffle(this, bufferSize, options));
  }

  /**
   * Repeats the dataset `count` times (forever when omitted or negative); inside a callback the
   * count may be a Sym, as `flatMap((x) => Dataset.fromTensors(x).repeat(x))`.
   */
  repeat(count: CountArg = -1): Dataset<T> {
    return new Dataset(counted(this, 'RepeatDataset', count, 'repeat: count'));
  }

  /** The first `count` elements (all of them when negative; inside a callback, may be a Sym). */
  take(count: CountArg): Dataset<T> {
    return new Dataset(counted(this, 'TakeDataset', count, 'take: count'));
  }

  /** All but the first `count` elements (none when negative; inside a callback, may be a Sym). */
  skip(count: CountArg): Dataset<T> {
    return new Dataset(counted(this, 'SkipDataset', count, 'skip: count'));
  }

  /** Every `numShards`-th element starting at `index`. */
  shard(numShards: number, index: number): Dataset<T> {
    return new Dataset(shard(this, numShards, index));
  }

  /** Prepares up to `bufferSize` elements ahead on TensorFlow's threads ('auto' tunes it). */
  prefetch(bufferSize: Parallelism = 'auto'): Dataset<T> {
    return new Dataset(prefetch(this, bufferSize));
  }

  /** Caches elements in memory (no filename) or in files at `filename` after the first pass. */
  cache(filename = ''): Dataset<T> {
    return new Dataset(cache(this, filename));
  }

  /** This dataset's elements followed by `other`'s (same structure and dtypes). */
  concatenate(other: Dataset<T>): Dataset<T> {
    if (!(other instanceof Dataset)) throw new TypeError('concatenate: other must be a Dataset');
    return new Dataset(concatenate(this, other));
  }

  /** Pairs each element with its int64 index: `[index, element]`. */
  enumerate(start = 0): Dataset<[Sym<'int64'>, T]> {
    checkCount(start, 'enumerate: start', Number.MIN_SAFE_INTEGER);
    return Dataset.zip([Dataset.range(BigInt(start), INT64_MAX), this] as const) as unknown as Dataset<
      [Sym<'int64'>, T]
    >;
  }

  /** Maps each element to a dataset and flattens them in order. */
  flatMap<R>(fn: (element: T) => Dataset<R>): Dataset<R> {
    return new Dataset(flatMap(this, fn));
  }

  /** Maps each element to a dataset and interleaves `cycleLength` of them, `blockLength` at a time. */
  interleave<R>(fn: (element: T) => Dataset<R>, options: InterleaveOptions = {}): Dataset<R> {
    return new Dataset(interleave(this, fn, options));
  }

  /** Sets pipeline-wide options (tf.data.Options): autotune, determinism, threads. */
  withOptions(options: DatasetOptions): Dataset<T> {
    return new Dataset(withOptions(this, options));
  }

  /**
   * Runs this pipeline on the tf.data service's workers (a dispatcher and N workers, see
   * `npx tfdata-node service`); the returned dataset reads their elements, and what follows it
   * runs here. The pipeline is registered once, before the first iterator's first step.
   */
  distribute(options: DistributeOptions): Dataset<T> {
    return new Dataset(distribute(this, options));
  }

  /**
   * Drops the elements whose production fails and goes on (IgnoreErrorsDataset, as Python's
   * `ignore_errors()`): a corrupt record, a CSV row with the wrong field count, an image that
   * does not decode in a map. `logWarning` has TensorFlow log each dropped error.
   */
  ignoreErrors(options: { logWarning?: boolean } = {}): Dataset<T> {
    return new Dataset(ignoreErrors(this, options));
  }

  /** Each distinct element once, in order of first appearance (int32, int64 or string scalars). */
  unique(): Dataset<T> {
    return new Dataset(unique(this));
  }

  /** The elements up to (not including) the first for which `predicate` is false. */
  takeWhile(predicate: (element: T) => Sym<'bool'>): Dataset<T> {
    return new Dataset(takeWhile(this, predicate));
  }

  /**
   * Resamples so that the classes `classFn` gives (int32 or int64 scalars in `[0, n)`) follow
   * `targetDist`, as Python's `rejection_resample`, built from the same ops: elements are dropped
   * or repeated; each becomes `[class, element]`. Without `initialDist` the input's class
   * distribution is estimated as elements stream by. The same `seed` gives Python's elements.
   */
  rejectionResample<C extends 'int32' | 'int64'>(
    classFn: (element: T) => Sym<C>,
    targetDist: readonly number[] | Float32Array,
    options: RejectionResampleOptions = {},
  ): Dataset<[Sym<C>, T]> {
    const out = rejectionResample(this, classFn as (element: never) => Sym, targetDist, options);
    return out instanceof Dataset ? (out as Dataset<[Sym<C>, T]>) : new Dataset(out as DatasetDefinition);
  }

  /**
   * Writes every element to a tf.data snapshot at directory `path` (as Python's `Dataset.save`,
   * SaveDataset) with the element spec file Python's `Dataset.load` reads; resolves when written.
   */
  save(path: string, options: SaveOptions<T> = {}): Promise<void> {
    try {
      return save(this, path, options as SaveOptions<never>);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Writes the elements to a snapshot at `path` on the first full pass and reads them from it on
   * later ones, even from other processes (SnapshotDatasetV2, as Python's `snapshot`).
   */
  snapshot(path: string, options: SnapshotOptions<T> = {}): Dataset<T> {
    return new Dataset(snapshot(this, path, options as SnapshotOptions<never>));
  }

  /** The options in effect: every `withOptions` upstream merged as tf.data merges them (later wins). */
  options(): DatasetOptions {
    return effectiveOptions(this);
  }

  /**
   * Writes every element (string scalars: serialized records, e.g. `encodeExample` bytes mapped
   * in, or a `tfRecords` dataset) to the TFRecord file `path` (DatasetToTFRecord, as Python's
   * TFRecordWriter): the pipeline runs inside TensorFlow; resolves when the file is complete.
   */
  writeTFRecords(path: string, options: WriteTFRecordsOptions = {}): Promise<void> {
    try {
      return writeTFRecords(this, path, options);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- iteration ----

  /** A new iterator; each starts from the beginning with its own state. */
  iterator(options: IteratorOptions = {}): DatasetIterator<HostElement<T>> {
    return new DatasetIterator(this.iterable(), options);
  }

  /** The compiled pipeline, for a dataset whose elements can reach JavaScript. */
  private iterable(): CompiledPipeline {
    const nested = nestedComponents(this.specs);
    if (nested.length > 0)
      throw new TypeError(
        `this dataset's elements hold datasets (component ${nested.join(', ')}: window(), or a map that ` +
          'returns datasets), which cannot be handed to JavaScript; flatten them with flatMap, e.g. ' +
          'ds.window(n).flatMap((w) => w.batch(n))',
      );
    return this.compile().pipeline;
  }

  /**
   * Does now what this Dataset's first iterator would otherwise do: compiles the pipeline, and,
   * unless it reads from JavaScript (fromGenerator, mapJs) or waits on a preflight, opens the
   * session its iterators share and stores the dataset there (its host data handed to TensorFlow
   * once). A service can pay this (~20-45 ms for a small pipeline) at startup. The first iterator
   * still finalises the dataset (tf.data's rewrites of it, as Python's first iterator does: ~13 ms
   * for `range → batch → map`); later ones start in ~2 ms. Python's tf.data builds a dataset when
   * it is defined; this is that step, at the moment you choose. Calling it again does nothing; a
   * failure (the host data rejected, say) rejects, and the next call or iterator tries again.
   */
  async prepare(): Promise<void> {
    await this.iterable().prepare();
  }

  /** `for await (const element of ds)`: a new iterator each time. */
  [Symbol.asyncIterator](): DatasetIterator<HostElement<T>> {
    return this.iterator();
  }

  /** Every element, in order (don't call on an infinite dataset); rejects at the first failed element. */
  async toArray(options: IteratorOptions = {}): Promise<HostElement<T>[]> {
    const out: HostElement<T>[] = [];
    await this.forEach((e) => void out.push(e), options);
    return out;
  }

  /** Calls `fn` for each element; an async `fn` is awaited before the next. Stops at the first failure. */
  async forEach(
    fn: (element: HostElement<T>, index: number) => void | Promise<void>,
    options: IteratorOptions = {},
  ): Promise<void> {
    let i = 0;
    const it = this.iterator(options);
    try {
      // A failed element does not close an iterator (next() may go on): this one stops there.
      for await (const e of it) await fn(e, i++);
    } finally {
      it.close();
    }
  }

  /**
   * This pipeline as a TensorFlow.js `tf.data.Dataset` (of your `@tensorflow/tfjs`, an optional
   * peer dependency loaded on first call, or of `options.tf`), for `model.fitDataset` and
   * `evaluateDataset`: elements keep their structure (records, tuples) with tfjs tensors as
   * leaves, except that a pair `[xs, ys]` becomes `{ xs, ys }` (the form tfjs's training needs;
   * `pairs: 'array'` keeps it). float32, int32, bool and string tensors are handed over without
   * a copy (on tfjs's CPU backend); float64 becomes float32, 8/16-bit and uint32 integers int32,
   * and int64 follows `options.int64` (int32 with a range check by default). Each tfjs epoch
   * runs a new iteration of this pipeline. The consumer owns each element's tfjs tensors
   * (`fitDataset` and `evaluateDataset` dispose them).
   *
   * ```ts
   * import * as tf from '@tensorflow/tfjs';
   * await model.fitDataset(ds.map(({ x, y }) => ({ xs: x, ys: y })).batch(32).toTfjs({ tf }), { epochs: 5 });
   * ```
   */
  toTfjs<TF extends TfjsModule = TfjsModule>(options: ToTfjsOptions<TF> = {}): TfjsDatasetOf<TF> {
    return toTfjsDataset(() => this.iterator(), options);
  }

  // ---- internals ----

  /** @internal Adds this dataset's op (and its inputs') to `ctx`, once per graph. */
  emit(ctx: GraphContext): Sym {
    const known = ctx.emitted.get(this);
    if (known) return known;
    const inputs = this.node.inputs.map((d) => d.emit(ctx));
    const variant = this.node.emit(ctx, inputs);
    ctx.emitted.set(this, variant);
    return variant;
  }

  private compile(): { pipeline: CompiledPipeline; variant: Sym } {
    if (!this.compiled) this.compiled = compile(this);
    return this.compiled;
  }
}

export type {
  BatchOptions,
  BucketOptions,
  CountArg,
  GroupByWindowOptions,
  WindowOptions,
  ChooseOptions,
  LoadOptions,
  RejectionResampleOptions,
  SampleOptions,
  SaveOptions,
  SnapshotOptions,
  FileOptions,
  FixedLengthRecordOptions,
  ListFilesOptions,
  CsvOptions,
  WriteTFRecordsOptions,
  InterleaveOptions,
  MapOptions,
  PaddedBatchOptions,
  Parallelism,
  RangeBound,
  ShuffleOptions,
};
