// Picking each element from one of several datasets (DirectedInterleaveDataset), as Python's
// Dataset.sample_from_datasets and Dataset.choose_from_datasets build it: a selector dataset of
// int64 indices drives which input gives the next element. For sampling, the selector is
// Python's exactly (RandomDataset → batch(2) → a map drawing StatelessMultinomial on the weights'
// logits), so the same seed gives the same order as Python.
import { TensorSpec, TracedFunction, traceFunction } from '../../trace/function';
import { GraphContext } from '../../graph/context';
import { mergeStaticShapes, Sym } from '../../graph/sym';
import { mergeComposites } from '../../graph/composite';
import { sameSkeleton } from '../../tensor/structure';
import { tensor } from '../../tensor/tensor';
import { DatasetDefinition, DatasetInput, checkCount, emitDatasetOp, int64, isDataset, specText } from '../definition';

/** Options of `Dataset.sampleFromDatasets`; `W` is the façade's Dataset of weight vectors. */
export interface SampleOptions<W = never> {
  /**
   * The probability of each dataset (normalised; zero drops it): numbers, or a dataset of
   * float32/float64 weight vectors, one per element drawn (default: uniform).
   */
  weights?: readonly number[] | Float32Array | Float64Array | W;
  /** Fixes the order (as `seed=` in Python with no global seed). */
  seed?: number;
  /** Stop at the first dataset that runs out instead of sampling the others (default false). */
  stopOnEmptyDataset?: boolean;
  /** Draw a new order on each pass of a `repeat()` after it (default false: every pass alike). */
  rerandomizeEachIteration?: boolean;
}

/** Options of `Dataset.chooseFromDatasets`. */
export interface ChooseOptions {
  /** Stop at the first choice of a dataset that has run out (default true, as Python). */
  stopOnEmptyDataset?: boolean;
}

// Python's seed pair for op seed s with no global seed: (DEFAULT_GRAPH_SEED, s).
const DEFAULT_GRAPH_SEED = 87654321;

/** The element type the datasets share: same structure and dtypes; shapes that differ become unknown. */
function commonSpecs(what: string, datasets: readonly DatasetInput[]): readonly TensorSpec[] {
  const [first, ...rest] = datasets;
  let specs: readonly TensorSpec[] = first.specs;
  rest.forEach((d, k) => {
    const clash = (why: string) =>
      new TypeError(`${what}: datasets[${k + 1}] has another element structure than datasets[0] (${why})`);
    if (!sameSkeleton(first.skeleton, d.skeleton) || d.specs.length !== specs.length) throw clash('structure');
    specs = specs.map((s, i) => {
      const o = d.specs[i];
      if (s.dtype !== o.dtype || !!s.composite !== !!o.composite)
        throw clash(`component ${i} is ${specText(o)}, not ${specText(s)}`);
      const shape = mergeStaticShapes(s.shape, o.shape);
      const merged = mergeComposites(s.composite, o.composite);
      if ('clash' in merged) throw clash(`component ${i} is ${merged.clash}`);
      return merged.spec ? { dtype: s.dtype, shape, composite: merged.spec } : { dtype: s.dtype, shape };
    });
  });
  return specs;
}

function checkDatasets(what: string, datasets: unknown): DatasetInput[] {
  if (!Array.isArray(datasets)) throw new TypeError(`${what}: datasets must be an array of Datasets`);
  if (datasets.length === 0) throw new RangeError(`${what}: datasets must not be empty`);
  datasets.forEach((d, i) => {
    if (!isDataset(d)) throw new TypeError(`${what}: datasets[${i}] is not a Dataset`);
  });
  return datasets as DatasetInput[];
}

function checkBool(value: unknown, name: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
  return value;
}

/** DirectedInterleaveDataset over `selector` (emitted by `selector`) and `datasets`. */
function directed(
  op: string,
  detail: string,
  datasets: readonly DatasetInput[],
  specs: readonly TensorSpec[],
  stop: boolean,
  selector: (ctx: GraphContext, extra: Sym[]) => Sym,
  extraInputs: DatasetInput[],
): DatasetDefinition {
  // The selector's inputs come first, as in Python (options() merges inputs in this order).
  const k = extraInputs.length;
  return {
    node: {
      op,
      detail,
      inputs: [...extraInputs, ...datasets],
      emit: (ctx, inputs) =>
        emitDatasetOp(ctx, 'DirectedInterleaveDataset', [selector(ctx, inputs.slice(0, k)), inputs.slice(k)], specs, {
          stop_on_empty_dataset: stop,
        }),
    },
    specs,
    skeleton: datasets[0].skeleton,
  };
}

/** The logits' draw: squeeze(StatelessMultinomial(logits, 1, seed), [0, 1]), an int64 scalar. */
function draw(ctx: GraphContext, logits: Sym, seed: Sym): Sym {
  const [sample] = ctx.addOp('StatelessMultinomial', [logits, ctx.constant(tensor(1, 'int32')), seed], {
    output_dtype: 'int64',
  });
  return ctx.addOp('Squeeze', [sample], { squeeze_dims: [0, 1] })[0];
}

/** Python's `Dataset.random(seed).batch(2)`: the per-element seed pairs of the draws. */
function seedPairs(ctx: GraphContext, seed: number | undefined, rerandomize: boolean): Sym {
  const [s1, s2] = seed === undefined ? [0, 0] : [DEFAULT_GRAPH_SEED, seed];
  const int64Scalar: TensorSpec[] = [{ dtype: 'int64', shape: [] }];
  // Python switches to RandomDatasetV2 (with a seed generator) only to rerandomize.
  const random = rerandomize
    ? emitDatasetOp(
        ctx,
        'RandomDatasetV2',
        [int64(ctx, s1), int64(ctx, s2), ctx.addOp('DummySeedGenerator', [])[0]],
        int64Scalar,
        { rerandomize_each_iteration: true },
      )
    : emitDatasetOp(ctx, 'RandomDataset', [int64(ctx, s1), int64(ctx, s2)], int64Scalar);
  return emitDatasetOp(
    ctx,
    'BatchDatasetV2',
    [random, int64(ctx, 2), ctx.constant(tensor(false, 'bool'))],
    [{ dtype: 'int64', shape: [null] }],
    { parallel_copy: false },
  );
}

function selectorMap(ctx: GraphContext, input: Sym, f: TracedFunction): Sym {
  return emitDatasetOp(ctx, 'MapDataset', [input, ctx.resolveCaptures(f)], f.outputSpecs, {
    f,
    use_inter_op_parallelism: false,
    preserve_cardinality: true,
  });
}

/** Dataset.sample_from_datasets. */
export function sampleFromDatasets(
  datasetsArg: unknown,
  options: SampleOptions<DatasetInput>,
  takeNone: (d: DatasetInput) => DatasetInput,
): DatasetDefinition | DatasetInput {
  const what = 'sampleFromDatasets';
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  let datasets = checkDatasets(what, datasetsArg);
  const stop = checkBool(options.stopOnEmptyDataset, `${what}: stopOnEmptyDataset`) ?? false;
  const rerandomize = checkBool(options.rerandomizeEachIteration, `${what}: rerandomizeEachIteration`) ?? false;
  const seed = options.seed === undefined ? undefined : checkCount(options.seed, `${what}: seed`, 0);
  const specs = commonSpecs(what, datasets);
  const weights = options.weights;
  const detail = `${datasets.length} datasets${seed !== undefined ? `, seed ${seed}` : ''}`;

  if (isDataset(weights)) {
    const [w] = weights.specs;
    if (
      weights.specs.length !== 1 ||
      w.composite ||
      (w.dtype !== 'float32' && w.dtype !== 'float64') ||
      (w.shape !== null && (w.shape.length !== 1 || (w.shape[0] !== null && w.shape[0] !== datasets.length)))
    )
      throw new TypeError(
        `${what}: weights must be a dataset of float32 or float64 vectors of length ${datasets.length}, ` +
          `got ${weights.specs.map(specText).join(', ')}`,
      );
    // map(log) over the weights, zipped with the seed pairs, then the draw (Python's construction).
    const f = traceFunction(`${what}_select`, [w, { dtype: 'int64', shape: [null] }], ([vector, pair]) => {
      const ctx = GraphContext.require(what);
      const [log] = ctx.addOp('Log', [vector]);
      const [logits] = ctx.addOp('ExpandDims', [log, ctx.constant(tensor(0, 'int32'))]);
      return draw(ctx, logits, pair);
    });
    return directed(
      'DirectedInterleaveDataset',
      `${detail}, weights dataset`,
      datasets,
      specs,
      stop,
      (ctx, [weightsVariant]) => {
        const zipped = emitDatasetOp(
          ctx,
          'ZipDataset',
          [[weightsVariant, seedPairs(ctx, seed, rerandomize)]],
          [w, { dtype: 'int64', shape: [null] }],
        );
        return selectorMap(ctx, zipped, f);
      },
      [weights],
    );
  }

  let values: number[] | undefined;
  let dtype: 'float32' | 'float64' = 'float32';
  if (weights !== undefined) {
    if (!Array.isArray(weights) && !(weights instanceof Float32Array) && !(weights instanceof Float64Array))
      throw new TypeError(`${what}: weights must be an array of numbers, a Float32Array/Float64Array or a Dataset`);
    if (weights instanceof Float64Array) dtype = 'float64';
    values = Array.from(weights as ArrayLike<number>);
    if (values.length !== datasets.length)
      throw new RangeError(
        `${what}: weights must have one entry per dataset (${datasets.length}), got ${values.length}`,
      );
    values.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new RangeError(`${what}: weights[${i}] must be a finite number >= 0, got ${String(v)}`);
    });
    // As Python: datasets of weight 0 are dropped; all of them zero gives an empty dataset.
    const kept = datasets.map((d, i) => [d, values![i]] as const).filter(([, v]) => v > 0);
    if (kept.length === 0) return takeNone(datasets[0]);
    datasets = kept.map(([d]) => d);
    values = kept.map(([, v]) => v);
  }
  if (datasets.length === 1) return datasets[0];
  const n = datasets.length;
  const f = traceFunction(`${what}_select`, [{ dtype: 'int64', shape: [null] }], ([pair]) => {
    const ctx = GraphContext.require(what);
    // No weights: logits of ones (as Python); weights: log of them, one row.
    const logits =
      values === undefined
        ? ctx.constant(tensor([new Array<number>(n).fill(1)], 'float32'))
        : ctx.addOp('ExpandDims', [
            ctx.addOp('Log', [ctx.constant(tensor(values, dtype))])[0],
            ctx.constant(tensor(0, 'int32')),
          ])[0];
    return draw(ctx, logits, pair);
  });
  return directed(
    'DirectedInterleaveDataset',
    detail,
    datasets,
    specs,
    stop,
    (ctx) => selectorMap(ctx, seedPairs(ctx, seed, rerandomize), f),
    [],
  );
}

/** Dataset.choose_from_datasets: `choice` gives the index of the dataset of each element. */
export function chooseFromDatasets(datasetsArg: unknown, choice: unknown, options: ChooseOptions): DatasetDefinition {
  const what = 'chooseFromDatasets';
  if (options === null || typeof options !== 'object') throw new TypeError(`${what}: options must be an object`);
  const datasets = checkDatasets(what, datasetsArg);
  if (!isDataset(choice)) throw new TypeError(`${what}: choiceDataset must be a Dataset`);
  const [c] = choice.specs;
  if (choice.specs.length !== 1 || c.composite || c.dtype !== 'int64' || (c.shape !== null && c.shape.length !== 0))
    throw new TypeError(
      `${what}: choiceDataset's elements must be int64 scalars, got ${choice.specs.map(specText).join(', ')}`,
    );
  const stop = checkBool(options.stopOnEmptyDataset, `${what}: stopOnEmptyDataset`) ?? true;
  const specs = commonSpecs(what, datasets);
  return directed(
    'DirectedInterleaveDataset',
    `${datasets.length} datasets, choice dataset`,
    datasets,
    specs,
    stop,
    // Python marks the choice dataset for replication under tf.data service dynamic sharding.
    (ctx, [choiceVariant]) =>
      emitDatasetOp(ctx, 'RewriteDataset', [choiceVariant, ctx.constant(tensor('replicate_on_split', 'string'))], [c]),
    [choice],
  );
}
