// Tracing: a JS callback runs once on symbolic inputs in a fresh graph, which becomes a
// TF_Function. Host values and outer Syms it touches become extra inputs (captures) that the
// caller passes in (as other_arguments for dataset ops, as inputs for If).
import { GraphDType } from '../tensor/dtypes';
import { CaptureSource, GraphContext, GraphFunction, RecordedOp } from '../graph/context';
import { Skeleton, flattenStructure } from '../tensor/structure';
import { StaticShape, Sym } from '../graph/sym';
import {
  ComponentSym,
  CompositeSpec,
  RaggedSym,
  SparseSym,
  boxComposite,
  compositeSpecOf,
  unboxComposite,
} from '../graph/composite';

/** A traced function's inputs as its callback sees them: composite ones unboxed (SparseSym, RaggedSym). */
export function unboxInputs(inputs: readonly Sym[], specs: readonly TensorSpec[]): ComponentSym[] {
  return inputs.map((p, i) => {
    const composite = specs[i].composite;
    return composite ? unboxComposite(GraphContext.require('a callback'), p, composite) : p;
  });
}
import { Tensor } from '../tensor/tensor';
import { toSym } from '../graph/operands';

/** dtype + static shape of one component. */
export interface TensorSpec {
  /** The element type. */
  dtype: GraphDType;
  /** Static shape (null dims unknown; null when the rank is unknown). */
  shape: StaticShape;
  /**
   * Set for a sparse or ragged component: its type. `dtype` and `shape` are then those of the
   * variant that carries it (see graph/composite.ts).
   */
  composite?: CompositeSpec;
}

/** A callback traced into a TensorFlow function (what `f` attrs of dataset ops name). */
export interface TracedFunction extends GraphFunction {
  /** Specs of the declared inputs (captures come after them). */
  readonly inputSpecs: TensorSpec[];
  /** Specs of the outputs, flattened. */
  readonly outputSpecs: TensorSpec[];
  /** @internal */
  readonly outputSkeleton: Skeleton;
  /** @internal */
  readonly captures: CaptureSource[];
  /** The raw value the callback returned, for callers that need more than tensors (flatMap). */
  readonly returned: unknown;
  /** @internal The body as recorded, for functions traced with `record` (see FunctionRecord). */
  readonly record?: FunctionRecord;
}

/** A traced body, node by node: what the vectoriser rewrites (trace/vectorize.ts). */
export interface FunctionRecord {
  /** The declared inputs' placeholders. */
  readonly inputs: readonly Sym[];
  /** The captured inputs' placeholders and what each stands for. */
  readonly captures: readonly { inner: Sym; source: CaptureSource }[];
  /** Every node, in the order it was added. */
  readonly ops: readonly RecordedOp[];
  /** The outputs. */
  readonly leaves: readonly Sym[];
}

/** A leaf the callback may return: a Sym, or a host value that becomes a captured input. */
function isReturnLeaf(v: unknown): v is ComponentSym | Tensor | number | bigint | boolean | string {
  return (
    v instanceof Sym ||
    v instanceof SparseSym ||
    v instanceof RaggedSym ||
    v instanceof Tensor ||
    ['number', 'bigint', 'boolean', 'string'].includes(typeof v) ||
    ArrayBuffer.isView(v)
  );
}

/** A traced body whose graph is still open (see finishTrace). */
export interface TracedGraph {
  readonly label: string;
  readonly ctx: GraphContext;
  readonly inputs: Sym[];
  readonly inputSpecs: TensorSpec[];
  readonly leaves: Sym[];
  /** The outputs' specs (a composite output's leaf is the variant that carries it). */
  readonly leafSpecs: TensorSpec[];
  readonly skeleton: Skeleton;
  readonly returned: unknown;
}

/** The flat spec of a function output: a boxed composite keeps its composite type. */
function leafSpec(s: Sym, composite: CompositeSpec | undefined): TensorSpec {
  return composite ? { dtype: s.dtype, shape: s.shape, composite } : { dtype: s.dtype, shape: s.shape };
}

/**
 * Runs `body` once on one Sym per input spec (for a composite spec, the variant that carries it:
 * see unboxInputs), in a fresh graph whose parent is the current one. Composite values it
 * returns are boxed into variants. `outputs` extracts the flat outputs from what it returned
 * (default: a structure of Syms or host
 * values). The graph stays open until finishTrace.
 */
export function traceGraph(
  label: string,
  inputSpecs: readonly TensorSpec[],
  body: (inputs: Sym[]) => unknown,
  outputs?: (returned: unknown, ctx: GraphContext) => { leaves: Sym[]; skeleton: Skeleton },
  options: { inlineHostData?: boolean; record?: boolean } = {},
): TracedGraph {
  const ctx = new GraphContext('function', GraphContext.current(), options);
  try {
    return ctx.within(() => {
      const inputs = inputSpecs.map((s, i) => ctx.placeholder(s.dtype, s.shape, `arg${i}`));
      const returned = body(inputs);
      if (returned === undefined) {
        throw new TypeError(`${label} callback returned undefined; it must return a Sym, an array or a record of them`);
      }
      if (returned instanceof Promise)
        throw new TypeError(`${label} callback returned a Promise; callbacks are traced synchronously`);
      let leaves: Sym[];
      let skeleton: Skeleton;
      let composites: (CompositeSpec | undefined)[] = [];
      if (outputs) {
        ({ leaves, skeleton } = outputs(returned, ctx));
      } else {
        const flat = flattenStructure(returned, isReturnLeaf, `${label} result`);
        skeleton = flat.skeleton;
        composites = flat.leaves.map((v) =>
          v instanceof SparseSym || v instanceof RaggedSym ? compositeSpecOf(v) : undefined,
        );
        leaves = flat.leaves.map((v) =>
          v instanceof Sym
            ? ctx.own(v)
            : v instanceof SparseSym || v instanceof RaggedSym
              ? boxComposite(ctx, v)
              : toSym(v, undefined, label),
        );
      }
      // An input returned as is must pass through a node: a function output cannot be its own input.
      const placeholders = new Set([...inputs, ...ctx.captures.map((c) => c.inner)].map((s) => s.op));
      leaves = leaves.map((s) => (placeholders.has(s.op) ? ctx.addOp('Identity', [s])[0] : s));
      const leafSpecs = leaves.map((s, i) => leafSpec(s, composites[i]));
      return { label, ctx, inputs, inputSpecs: [...inputSpecs], leaves, leafSpecs, skeleton, returned };
    });
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

/**
 * Turns a traced graph into a TF_Function and closes the graph. Its inputs are the declared ones,
 * then `pad.before` unused inputs, the captures, then `pad.after` unused inputs (If branches
 * must share one signature).
 */
export function finishTrace(t: TracedGraph, pad: { before?: TensorSpec[]; after?: TensorSpec[] } = {}): TracedFunction {
  const { ctx } = t;
  try {
    const unused = (specs: TensorSpec[] | undefined) =>
      (specs ?? []).map((s) => ctx.placeholder(s.dtype, s.shape, 'unused'));
    const before = unused(pad.before);
    const after = unused(pad.after);
    const fnInputs = [...t.inputs, ...before, ...ctx.captures.map((c) => c.inner), ...after];
    // Named by content (TensorFlow appends a hash of the definition): the same trace gives the
    // same name, so identical pipelines give identical graphs (the pipeline cache's key).
    const name = `${t.label.replace(/[^A-Za-z0-9_]/g, '_')}_fn`;
    const native = ctx.native.toFunction(
      name,
      fnInputs.map((s) => s.ref),
      t.leaves.map((s) => s.ref),
      true,
    );
    const record: FunctionRecord | undefined = ctx.recorded && {
      inputs: t.inputs,
      captures: [...ctx.captures],
      ops: ctx.recorded,
      leaves: t.leaves,
    };
    return {
      name: native.name,
      native,
      inputSpecs: t.inputSpecs,
      outputSpecs: t.leafSpecs,
      outputSkeleton: t.skeleton,
      captures: ctx.captures.map((c) => c.source),
      dependencies: [...ctx.functions.values()],
      returned: t.returned,
      ...(record && { record }),
    };
  } finally {
    // The FunctionDef is copied out; the body graph is no longer needed.
    ctx.dispose();
  }
}

/** traceGraph then finishTrace. */
export function traceFunction(
  label: string,
  inputSpecs: readonly TensorSpec[],
  body: (inputs: Sym[]) => unknown,
  outputs?: (returned: unknown, ctx: GraphContext) => { leaves: Sym[]; skeleton: Skeleton },
  options: { inlineHostData?: boolean; record?: boolean } = {},
): TracedFunction {
  return finishTrace(traceGraph(label, inputSpecs, body, outputs, options));
}
