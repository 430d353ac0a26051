// Transformations that carry a state across elements, and the terminal ops that run a whole
// dataset into tensors: scan (ScanDataset), reduce (ReduceDataset) and getSingleElement
// (DatasetToSingleElement), as Python's. At top level reduce and getSingleElement run the
// pipeline in a session step of their own (as writeTFRecords does) and resolve to host tensors;
// inside a callback they add their op to the callback's graph and give its Syms (as Python's
// `window.reduce(...)` inside a map).
import { GraphContext } from '../../graph/context';
import { Sym, mergeStaticShapes } from '../../graph/sym';
import { SparseSym, RaggedSym } from '../../graph/composite';
import { isTypedArray } from '../../tensor/dtypes';
import { Skeleton, describeSkeleton, flattenStructure, sameSkeleton, unflatten } from '../../tensor/structure';
import { Tensor, tensor } from '../../tensor/tensor';
import { TensorSpec, TracedFunction, traceFunction } from '../../trace/function';
import {
  DatasetDefinition,
  DatasetInput,
  NestedStructure,
  derived,
  emitDatasetOp,
  isDataset,
  specText,
  typeAttrs,
} from '../definition';
import { unboxOutputs } from '../fetch';
import { boxDatasets, callbackElement, nestedComponents, withNested } from '../nested';
import { runTerminal } from '../terminal';

/** A state's components: host tensors, or Syms of the callback the state was made in. */
interface State {
  readonly leaves: (Tensor | Sym)[];
  readonly skeleton: Skeleton;
  readonly specs: TensorSpec[];
}

const isScalar = (v: unknown) => ['number', 'bigint', 'boolean', 'string'].includes(typeof v);

/** A leaf of a state: a tensor, a Sym, a TypedArray, a scalar, or a JS array of scalars (one tensor, as in sources). */
function isStateLeaf(v: unknown): boolean {
  if (v instanceof Tensor || v instanceof Sym || isTypedArray(v) || isScalar(v)) return true;
  if (v instanceof SparseSym || v instanceof RaggedSym || isDataset(v)) return true; // refused by stateOf
  if (!Array.isArray(v)) return false;
  let probe: unknown = v;
  while (Array.isArray(probe) && probe.length > 0) probe = probe[0];
  return Array.isArray(probe) || isScalar(probe) || Buffer.isBuffer(probe);
}

/** The initial state as Python's normalize_element makes it: each leaf one tensor. */
function stateOf(value: unknown, what: string): State {
  const { leaves, skeleton } = flattenStructure(value, (v): v is unknown => isStateLeaf(v), `${what}: initialState`);
  if (leaves.length === 0) throw new TypeError(`${what}: initialState has no components`);
  const components = leaves.map((v, i) => {
    if (v instanceof SparseSym || v instanceof RaggedSym || isDataset(v))
      throw new TypeError(`${what}: initialState component ${i} is not a dense tensor; states are dense tensors`);
    if (v instanceof Tensor || v instanceof Sym) return v;
    try {
      return tensor(v as never);
    } catch (e) {
      throw new TypeError(`${what}: initialState component ${i}: ${(e as Error).message}`, { cause: e });
    }
  });
  for (const c of components) if (c instanceof Tensor) c.handle(); // a snapshot, as sources take
  const specs = components.map((c) => ({ dtype: c.dtype, shape: c.shape === null ? null : [...c.shape] }));
  return { leaves: components, skeleton, specs };
}

/** The initial state's components as tensors of `ctx`. */
function stateSyms(ctx: GraphContext, state: State): Sym[] {
  return state.leaves.map((l) => (l instanceof Sym ? ctx.own(l) : ctx.captureHost(l)));
}

const typesText = (specs: readonly TensorSpec[]) => `[${specs.map(specText).join(', ')}]`;

/** A traced state function, at the fixed point of its state shapes. */
interface StateFunction {
  readonly f: TracedFunction;
  /** The state's specs the function takes (shapes relaxed where the new state's differ). */
  readonly stateSpecs: TensorSpec[];
  /** scan: the output's specs and structure. */
  readonly outSpecs: TensorSpec[];
  readonly outSkeleton: Skeleton;
}

/**
 * Traces `fn(state, element)` as Python's scan and reduce do: again with relaxed state shapes
 * (dims that the new state changes become unknown) until the state's shapes are a fixed point;
 * the new state must have the initial state's structure and dtypes. `pair`: fn returns
 * `[newState, output]` (scan), else the new state (reduce).
 */
function traceState(
  what: string,
  state: State,
  input: DatasetInput,
  fn: (state: never, element: never) => unknown,
  pair: boolean,
): StateFunction {
  let specs = state.specs;
  for (;;) {
    let nested: (NestedStructure | undefined)[] = [];
    const n = specs.length;
    const f = traceFunction(what, [...specs, ...input.specs], (inputs) => {
      const current = unflatten(state.skeleton, inputs.slice(0, n));
      const returned = fn(current as never, callbackElement(input, inputs.slice(n)) as never);
      if (!pair) return returned;
      if (!Array.isArray(returned) || returned.length !== 2)
        throw new TypeError(`${what}: fn must return a pair [newState, output]`);
      const boxed = boxDatasets(returned[1]);
      nested = boxed.nested;
      return [returned[0], boxed.value];
    });
    const root = f.outputSkeleton;
    const stateSkeleton = pair && root.kind === 'tuple' ? root.items[0] : root;
    const describe = (s: Skeleton) => describeSkeleton(s, () => '·');
    if (!sameSkeleton(stateSkeleton, state.skeleton))
      throw new TypeError(
        `${what}: the new state's structure ${describe(stateSkeleton)} differs from the initial state's ` +
          describe(state.skeleton),
      );
    const next = f.outputSpecs.slice(0, n);
    if (next.some((s, i) => s.composite || s.dtype !== specs[i].dtype))
      throw new TypeError(
        `${what}: the new state's types must match the initial state's: expected ${typesText(specs)}, ` +
          `got ${typesText(next)}`,
      );
    const relaxed = specs.map((s, i) => mergeStaticShapes(s.shape, next[i].shape));
    const changed = specs.some(
      (s, i) => s.shape !== null && (relaxed[i] === null || relaxed[i]?.some((d, j) => d !== s.shape?.[j])),
    );
    if (!changed) {
      const outSkeleton = pair && root.kind === 'tuple' ? root.items[1] : { kind: 'tuple' as const, items: [] };
      return { f, stateSpecs: specs, outSpecs: withNested(f.outputSpecs.slice(n), nested), outSkeleton };
    }
    specs = specs.map((s, i) => ({ dtype: s.dtype, shape: relaxed[i] }));
  }
}

function checkFn(fn: unknown, what: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${what}: fn must be a function`);
}

/** ScanDataset: `fn(state, element)` → `[newState, output]`; the outputs are the elements. */
export function scan(
  input: DatasetInput,
  initialState: unknown,
  fn: (state: never, element: never) => unknown,
): DatasetDefinition {
  checkFn(fn, 'scan');
  const state = stateOf(initialState, 'scan');
  const { f, outSpecs, outSkeleton } = traceState('scan', state, input, fn, true);
  return derived(input, 'ScanDataset', `f=${f.name}`, outSpecs, outSkeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'ScanDataset', [variant, stateSyms(ctx, state), ctx.resolveCaptures(f)], outSpecs, {
      f,
      preserve_cardinality: true,
    }),
  );
}

/**
 * ReduceDataset: folds `fn(state, element)` → newState over every element. Top level: a
 * Promise of the final state as host tensors; inside a callback: its Syms.
 */
export function reduce(
  input: DatasetInput,
  initialState: unknown,
  fn: (state: never, element: never) => unknown,
): unknown {
  checkFn(fn, 'reduce');
  const state = stateOf(initialState, 'reduce');
  const { f, stateSpecs } = traceState('reduce', state, input, fn, false);
  const add = (ctx: GraphContext, variant: Sym) =>
    ctx.addNode(
      'ReduceDataset',
      [variant, stateSyms(ctx, state), ctx.resolveCaptures(f)],
      { f, ...typeAttrs(stateSpecs), use_inter_op_parallelism: true },
      { lenient: true },
    );
  const inGraph = GraphContext.current();
  if (inGraph) return unflatten(state.skeleton, add(inGraph, input.emit(inGraph)).outputs);
  return runTerminal(input, (ctx, variant) => {
    const { id, outputs } = add(ctx, variant);
    return { target: id, refs: outputs.map((s) => s.ref), skeleton: state.skeleton };
  });
}

/**
 * DatasetToSingleElement: the dataset's one element (INVALID_ARGUMENT when it has none or more
 * than one, as in Python). Top level: a Promise of host tensors; inside a callback: its Syms.
 */
export function singleElement(input: DatasetInput): unknown {
  const add = (ctx: GraphContext, variant: Sym) =>
    ctx.addNode('DatasetToSingleElement', [variant], typeAttrs(input.specs), { lenient: true });
  const inGraph = GraphContext.current();
  if (inGraph) return callbackElement(input, add(inGraph, input.emit(inGraph)).outputs);
  if (nestedComponents(input.specs).length > 0)
    throw new TypeError(
      'getSingleElement: the element holds datasets, which cannot be handed to JavaScript; ' +
        'call it inside a callback, or flatten them with flatMap',
    );
  return runTerminal(input, (ctx, variant) => {
    const { id, outputs } = add(ctx, variant);
    const { refs, skeleton } = unboxOutputs(ctx, input, outputs);
    return { target: id, refs, skeleton };
  });
}
