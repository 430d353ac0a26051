// What every dataset op definition is made of, and the helpers they share. A definition is data
// plus one `emit` function; the Dataset façade (dataset.ts) turns definitions into Datasets, so
// the files that define ops never import the façade (no import circle).
import type { TensorSpec, TracedFunction } from '../trace/function';
import { AttrValue, GraphContext } from '../graph/context';
import { MAX_PARALLELISM, checkAtMost } from '../limits';
import { Skeleton, describeSkeleton } from '../tensor/structure';
import { StaticShape, Sym } from '../graph/sym';
import { tensor } from '../tensor/tensor';
import { CompositeSpec, boxedShape } from '../graph/composite';

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

/**
 * A definition as the input of another (emitted once per graph, as Datasets are): what a Dataset
 * is, without the façade. A DatasetInput is returned as it is.
 */
export function asInput(def: DatasetDefinition | DatasetInput): DatasetInput {
  if (isDataset(def)) return def;
  const input: DatasetInput = {
    [DATASET]: true,
    specs: def.specs,
    skeleton: def.skeleton,
    node: def.node,
    emit(ctx) {
      const known = ctx.emitted.get(input);
      if (known) return known;
      const variant = def.node.emit(
        ctx,
        def.node.inputs.map((d) => d.emit(ctx)),
      );
      ctx.emitted.set(input, variant);
      return variant;
    },
  };
  return input;
}

export function isDataset(value: unknown): value is DatasetInput {
  return typeof value === 'object' && value !== null && (value as { [DATASET]?: boolean })[DATASET] === true;
}

// A component whose value is a dataset (window's elements, the windows groupByWindow reduces, a
// dataset a map returns): a variant scalar, as Python's DatasetSpec, whose element structure is
// known statically. Its spec is a TensorSpec with that structure attached (`dataset`); specs
// rebuilt by transformations that do not know it (batch, concatenate) are plain variants again.

/** The element structure of a dataset component. */
export interface NestedStructure {
  readonly specs: readonly TensorSpec[];
  readonly skeleton: Skeleton;
}

/** The element structure a component's spec carries when its value is a dataset. */
export function nestedOf(spec: TensorSpec): NestedStructure | undefined {
  return (spec as { dataset?: NestedStructure }).dataset;
}

/** The spec of a sparse or ragged component: the variant it is boxed in, and its type. */
export function compositeComponent(composite: CompositeSpec): TensorSpec {
  return { dtype: 'variant', shape: boxedShape(composite, []), composite };
}

/** The spec of a component whose value is a dataset of elements `inner`. */
export function datasetComponent(inner: NestedStructure): TensorSpec {
  const spec: TensorSpec & { dataset: NestedStructure } = { dtype: 'variant', shape: [], dataset: inner };
  return spec;
}

let factory: ((definition: DatasetDefinition) => DatasetInput) | undefined;

/** Set once by the Dataset façade: how a definition becomes a Dataset (for datasets made in callbacks). */
export function setDatasetFactory(make: (definition: DatasetDefinition) => DatasetInput): void {
  factory = make;
}

/** A Dataset of `definition` (the façade's class, without importing it). */
export function makeDataset(definition: DatasetDefinition): DatasetInput {
  if (!factory) throw new Error('the Dataset class is not loaded');
  return factory(definition);
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

/**
 * A count tf.data takes as a tensor: a JS integer, or (inside a callback) an integer scalar Sym
 * computed from the element, as `flatMap((x) => Dataset.fromTensors(x).repeat(x))`.
 */
export type CountArg = number | bigint | Sym<'int32'> | Sym<'int64'>;

/** A checked count: a known value, or a Sym whose value TensorFlow checks when it runs. */
export type Count = bigint | Sym;

/** Checks a count argument; a known one must be >= `min`. */
export function checkCountArg(value: unknown, name: string, min: number): Count {
  if (value instanceof Sym) {
    if (value.dtype !== 'int32' && value.dtype !== 'int64')
      throw new TypeError(`${name} must be an int32 or int64 Sym, got ${value.dtype}`);
    if (value.shape !== null && value.shape.length !== 0)
      throw new TypeError(`${name} must be a scalar Sym, got shape ${shapeText(value.shape)}`);
    return value;
  }
  if (typeof value === 'bigint') {
    if (value < BigInt(min)) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
    if (value > INT64_MAX) throw new RangeError(`${name} must fit in int64, got ${value}`);
    return value;
  }
  return BigInt(checkCount(value, name, min));
}

/** The count as an int64 scalar of `ctx` (a Sym is cast when it is int32). */
export function countSym(ctx: GraphContext, count: Count): Sym {
  if (typeof count === 'bigint') return int64(ctx, count);
  const own = ctx.own(count);
  return own.dtype === 'int64' ? own : ctx.addOp('Cast', [own], { DstT: 'int64', Truncate: false })[0];
}

/** The count's value when known before running (a Sym's is not). */
export function knownCount(count: Count): number | undefined {
  return typeof count === 'bigint' ? Number(count) : undefined;
}

/** How `explain()` shows a count. */
export function countText(count: Count): string {
  return typeof count === 'bigint' ? String(count) : count.opName;
}

const INT64_MAX = 2n ** 63n - 1n;

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
  const nested = nestedOf(s);
  if (nested) return `dataset<${describeSkeleton(nested.skeleton, (i) => specText(nested.specs[i]))}>`;
  if (!s.composite) return `${s.dtype}${shapeText(s.shape)}`;
  return `${s.composite.kind}<${s.composite.dtype}>${shapeText(s.composite.shape)}`;
}
