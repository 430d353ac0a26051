// What every dataset op definition is made of, and the helpers they share. A definition is data
// plus one `emit` function; the Dataset façade (dataset.ts) turns definitions into Datasets, so
// the files that define ops never import the façade (no import circle).
import type { TensorSpec, TracedFunction } from '../trace/function';
import { AttrValue, GraphContext } from '../graph/context';
import { MAX_PARALLELISM, checkAtMost } from '../limits';
import { Skeleton } from '../tensor/structure';
import { StaticShape, Sym } from '../graph/sym';
import { tensor } from '../tensor/tensor';

/** `numParallelCalls: 'auto'` (tf.data.AUTOTUNE). */
export type Parallelism = number | 'auto';
export const AUTOTUNE = -1;

/** Marks Datasets, so definitions can recognise one without importing the class. */
export const DATASET = Symbol('tfdata.Dataset');

/** What a definition needs of an input dataset. */
export interface DatasetInput {
  readonly [DATASET]: true;
  readonly specs: readonly TensorSpec[];
  readonly skeleton: Skeleton;
  readonly node: DatasetNode;
  /** Adds the dataset's op (and its inputs') to `ctx`, once per graph; its variant. */
  emit(ctx: GraphContext): Sym;
}

/** One dataset op of a pipeline: what `explain()` shows and how the op is added to a graph. */
export interface DatasetNode {
  op: string;
  detail: string;
  inputs: DatasetInput[];
  /** Adds this op to `ctx`; `inputs` are the variants of the node's inputs, in order. */
  emit: (ctx: GraphContext, inputs: Sym[]) => Sym;
  /** What the vectorisation pass (vectorize-pass.ts) needs to know of a map, batch or options node. */
  facts?: NodeFacts;
}

/** A node as the vectorisation pass sees it (vectorize-pass.ts). */
export type NodeFacts =
  | {
      kind: 'map';
      f: TracedFunction;
      options: { numParallelCalls?: Parallelism; deterministic?: boolean };
      /** Set on the batched map the pass made (f is then the vectorised function). */
      vectorized?: true;
    }
  | {
      kind: 'batch';
      batchSize: number;
      options: { dropRemainder?: boolean; numParallelCalls?: Parallelism; deterministic?: boolean };
    }
  | { kind: 'paddedBatch'; batchSize: number; dropRemainder: boolean; paddedShapes: (number | null)[][] }
  | { kind: 'options'; vectorize: boolean | undefined };

/** A node and the element structure it produces: everything a new Dataset is made of. */
export interface DatasetDefinition {
  node: DatasetNode;
  specs: readonly TensorSpec[];
  skeleton: Skeleton;
}

export function isDataset(value: unknown): value is DatasetInput {
  return typeof value === 'object' && value !== null && (value as { [DATASET]?: boolean })[DATASET] === true;
}

/** The output_types / output_shapes attrs of a dataset op producing `specs`. */
export function typeAttrs(specs: readonly TensorSpec[]): { output_types: string[]; output_shapes: StaticShape[] } {
  return { output_types: specs.map((s) => s.dtype), output_shapes: specs.map((s) => s.shape) };
}

/**
 * Adds a dataset op producing elements of `specs` (its type attrs added) and returns its
 * variant: the one way every transformation reaches the graph.
 */
export function emitDatasetOp(
  ctx: GraphContext,
  op: string,
  inputs: (Sym | Sym[])[],
  specs: readonly TensorSpec[] | null,
  attrs: Record<string, AttrValue | undefined> = {},
): Sym {
  return ctx.addOp(op, inputs, specs === null ? attrs : { ...attrs, ...typeAttrs(specs) }, { lenient: true })[0];
}

/** A definition whose single input is `input`. */
export function derived(
  input: DatasetInput,
  op: string,
  detail: string,
  specs: readonly TensorSpec[],
  skeleton: Skeleton,
  emit: (ctx: GraphContext, input: Sym, extra: Sym[]) => Sym,
  extraInputs: DatasetInput[] = [],
): DatasetDefinition {
  return {
    node: { op, detail, inputs: [input, ...extraInputs], emit: (ctx, [first, ...rest]) => emit(ctx, first, rest) },
    specs,
    skeleton,
  };
}

export function checkCount(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new TypeError(`${name} must be an integer, got ${String(value)}`);
  if (value < min) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  return value;
}

export function parallelism(value: Parallelism | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return AUTOTUNE;
  const n = checkCount(value, name, 1);
  checkAtMost(name, n, MAX_PARALLELISM, 'calls TensorFlow keeps in flight at once');
  return n;
}

export function deterministicAttr(value: boolean | undefined): string {
  return value === undefined ? 'default' : value ? 'true' : 'false';
}

/** An int64 scalar constant. */
export function int64(ctx: GraphContext, value: number | bigint): Sym {
  return ctx.constant(tensor(BigInt(value), 'int64'));
}

export function shapeText(s: StaticShape): string {
  return s === null ? '<unknown>' : `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** A component's type as `explain()` shows it: `float32[?,4]`, `sparse<int64>[?]`, `ragged<float32>[?,?]`. */
export function specText(s: TensorSpec): string {
  if (!s.composite) return `${s.dtype}${shapeText(s.shape)}`;
  return `${s.composite.kind}<${s.composite.dtype}>${shapeText(s.composite.shape)}`;
}
