// JavaScript sources inside the graph: fromGenerator (GeneratorDataset whose init/next/finalize
// functions call the JS-backed ops of native/js_ops.cc) and mapJs (a map whose function calls
// one). What follows them (shuffle, map, batch, prefetch, interleave) runs in TensorFlow.
import { GraphContext } from '../graph/context';
import { Sym } from '../graph/sym';
import { toSym } from '../graph/operands';
import { CallSource, GeneratorSource, JS_OPS, registerJsSource } from '../iterate/js-host';
import { DType, GraphDType } from '../tensor/dtypes';
import { Skeleton, flattenStructure, unflatten } from '../tensor/structure';
import { Tensor, tensor } from '../tensor/tensor';
import { TensorSpec, traceFunction } from '../trace/function';
import { ComponentSym, boxComposite } from '../graph/composite';
import { composeCrossed, crossingSpecs, yieldedParts } from './composite-source';
import { DatasetDefinition, DatasetInput, emitDatasetOp, shapeText } from './definition';
import { parseSignature } from './signature';
import { MapOptions, map } from './transform/functional';

/** Component paths of a skeleton, for messages ('x', '[1].label'). */
function paths(skeleton: Skeleton): string[] {
  const out: string[] = [];
  const walk = (s: Skeleton, at: string) => {
    if (s.kind === 'leaf') out.push(at || '(the element)');
    else if (s.kind === 'tuple') s.items.forEach((x, i) => walk(x, `${at}[${i}]`));
    else s.items.forEach((x, i) => walk(x, at ? `${at}.${s.keys[i]}` : s.keys[i]));
  };
  walk(skeleton, '');
  return out;
}

/** Encoder of yielded elements: walks the signature's structure, checks dtype and shape. */
function encoder(what: string, specs: TensorSpec[], skeleton: Skeleton): (element: unknown, index: number) => Tensor[] {
  const names = paths(skeleton);
  return (element, index) => {
    const leaves: unknown[] = [];
    const walk = (s: Skeleton, v: unknown, at: string) => {
      if (s.kind === 'leaf') {
        leaves.push(v);
        return;
      }
      if (s.kind === 'tuple') {
        if (!Array.isArray(v) || v.length !== s.items.length)
          throw new TypeError(`${what}: element ${index}${at ? ` at ${at}` : ''} must be a tuple of ${s.items.length}`);
        s.items.forEach((x, i) => walk(x, v[i], `${at}[${i}]`));
        return;
      }
      if (typeof v !== 'object' || v === null)
        throw new TypeError(
          `${what}: element ${index}${at ? ` at ${at}` : ''} must be a record of ${s.keys.join(', ')}`,
        );
      s.items.forEach((x, i) => {
        const key = s.keys[i];
        if (!Object.prototype.hasOwnProperty.call(v, key))
          throw new TypeError(`${what}: element ${index} has no component '${at ? `${at}.` : ''}${key}'`);
        walk(x, (v as Record<string, unknown>)[key], at ? `${at}.${key}` : key);
      });
    };
    walk(skeleton, element, '');
    return leaves.flatMap((v, c) => {
      const spec = specs[c];
      const where = `${what}: element ${index}, component '${names[c]}'`;
      if (spec.composite) return yieldedParts(v, spec, where);
      const staticShape =
        spec.shape !== null && spec.shape.every((d) => d !== null) ? (spec.shape as number[]) : undefined;
      let t: Tensor;
      try {
        if (v instanceof Tensor) t = tensor(v, spec.dtype as DType);
        else if (ArrayBuffer.isView(v) && !(spec.dtype === 'string') && staticShape)
          t = tensor(v as never, spec.dtype as DType, staticShape);
        else if (v instanceof Uint8Array && spec.dtype === 'string') t = tensor([v] as never, 'string', []);
        else t = tensor(v as never, spec.dtype as DType);
      } catch (e) {
        throw new TypeError(`${where}: ${(e as Error).message}`, { cause: e });
      }
      const shape = spec.shape;
      if (shape !== null && (t.shape.length !== shape.length || shape.some((d, i) => d !== null && d !== t.shape[i]))) {
        throw new TypeError(
          `${where}: expected ${spec.dtype}${shapeText(shape)}, got ${t.dtype}${shapeText([...t.shape])}`,
        );
      }
      return t;
    });
  };
}

/** Calls `fn(...args)`; the iterator of what it returned, and which protocol that is. */
function iterate(
  what: string,
  fn: (...args: Tensor[]) => unknown,
  args: Tensor[],
): { iterator: Iterator<unknown> | AsyncIterator<unknown>; async: boolean } {
  const made = fn(...args) as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  // Async first: a hand-written async iterator need not carry Symbol.asyncIterator itself.
  const asyncFactory = made?.[Symbol.asyncIterator];
  if (typeof asyncFactory === 'function') return { iterator: asyncFactory.call(made), async: true };
  const syncFactory = made?.[Symbol.iterator];
  if (typeof syncFactory === 'function' && typeof made !== 'string')
    return { iterator: syncFactory.call(made), async: false };
  throw new TypeError(`${what}: the function must return an iterable or async iterable (a generator, a Readable…)`);
}

/** Options of `Dataset.fromGenerator`. */
export interface GeneratorOptions<S> {
  /** The element structure, with `{ dtype, shape }` leaves (`null` dims allowed), as `elementSpec`. */
  outputSignature: S;
  /** Tensors, host values or Syms of an enclosing callback, passed to `fn` as Tensors at each iteration. */
  args?: readonly (Sym | Tensor | number | bigint | boolean | string | readonly unknown[])[];
}

/** GeneratorDataset over a JS iterable; chunks of elements cross at once and are unbatched in TF. */
export function fromGenerator(fn: unknown, options: GeneratorOptions<unknown>): DatasetDefinition {
  const what = 'fromGenerator';
  if (typeof fn !== 'function') throw new TypeError(`${what}: fn must be a function returning an iterable`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${what}: options must be an object`);
  const { specs, skeleton } = parseSignature(options.outputSignature, `${what}: options.outputSignature`);
  if (options.args !== undefined && !Array.isArray(options.args))
    throw new TypeError(`${what}: options.args must be an array`);
  const args = (options.args ?? []).map((a) => (a instanceof Sym || a instanceof Tensor ? a : tensor(a as never)));
  for (const a of args) if (a instanceof Tensor) a.handle();
  // Stacked chunks need every row to have the same known, non-empty shape (UnbatchDataset
  // cannot split zero-size rows); otherwise each element crosses alone.
  // Sparse and ragged components cross as their parts, one element at a time.
  const chunked = specs.every((s) => !s.composite && s.shape !== null && s.shape.every((d) => d !== null && d > 0));
  const source: GeneratorSource = {
    kind: 'generator',
    open: (argTensors) => iterate(what, fn as (...a: Tensor[]) => unknown, argTensors),
    encode: encoder(what, specs, skeleton),
    chunked,
    dtypes: specs.flatMap(crossingSpecs).map((s) => s.dtype as DType),
  };
  const node = {
    op: 'GeneratorDataset',
    detail: `${fn.name || 'anonymous'}${chunked ? ', chunked' : ''}`,
    inputs: [] as DatasetInput[],
    emit: (ctx: GraphContext) => {
      const token = ctx.iterationToken();
      const argSyms = args.map((a) => (a instanceof Sym ? ctx.own(a) : ctx.captureHost(a)));
      const f = functions(sourceId, specs, chunked, argSyms);
      const rowSpecs = chunked ? specs.map((s) => ({ dtype: s.dtype, shape: [null, ...(s.shape ?? [])] })) : specs;
      const generated = emitDatasetOp(ctx, 'GeneratorDataset', [[token, ...argSyms], [], []], rowSpecs, {
        init_func: f.init,
        next_func: f.next,
        finalize_func: f.finalize,
        Tinit_func_args: ['int64', ...argSyms.map((s) => s.dtype)],
        Tnext_func_args: [],
        Tfinalize_func_args: [],
      });
      return chunked ? emitDatasetOp(ctx, 'UnbatchDataset', [generated], specs) : generated;
    },
  };
  const sourceId = registerJsSource(source, node);
  return { node, specs, skeleton };
}

/** The three functions of GeneratorDataset: open a generator, pull a chunk, close it. */
function functions(source: number, specs: TensorSpec[], chunked: boolean, args: Sym[]) {
  const scalar: TensorSpec = { dtype: 'int64', shape: [] };
  const add = (op: string, inputs: (Sym | Sym[])[], attrs: Record<string, unknown>) =>
    GraphContext.require('fromGenerator').addOp(op, inputs, { source, ...attrs } as never);
  const argSpecs = args.map((s) => ({ dtype: s.dtype, shape: s.shape }));
  const init = traceFunction('fromGenerator_open', [scalar, ...argSpecs], ([token, ...rest]) =>
    add(JS_OPS.open, [token, rest], { Targs: rest.map((s) => s.dtype) }),
  );
  const next = traceFunction('fromGenerator_pull', [scalar], ([instance]) => {
    const types = specs.flatMap(crossingSpecs).map((s) => s.dtype);
    const outs = add(JS_OPS.pull, [instance], { output_types: types });
    // A dataset carries sparse and ragged components boxed in variants.
    const ctx = GraphContext.require('fromGenerator');
    return crossed(ctx, outs, specs, chunked).map((c) => (c instanceof Sym ? c : boxComposite(ctx, c)));
  });
  const finalize = traceFunction('fromGenerator_close', [scalar], ([instance]) => add(JS_OPS.close, [instance], {}));
  return { init, next, finalize };
}

/**
 * The components from the tensors that crossed from JavaScript: their shapes stated (the JS
 * kernels' shapes are unknown to TensorFlow, and EnsureShape checks them), sparse and ragged
 * parts made into their SparseSym / RaggedSym. `chunked`: each crossed tensor is a stack of rows.
 */
function crossed(ctx: GraphContext, outs: Sym[], specs: readonly TensorSpec[], chunked: boolean): ComponentSym[] {
  let next = 0;
  return specs.map((spec) => {
    const parts = crossingSpecs(spec).map((part) => {
      const o = outs[next++];
      const shape = chunked ? [null, ...(part.shape ?? [])] : part.shape;
      return shape === null ? o : ctx.addOp('EnsureShape', [o], { shape })[0];
    });
    return spec.composite ? composeCrossed(parts, spec) : parts[0];
  });
}

/** Options of `mapJs`. */
export interface MapJsOptions<S> extends MapOptions {
  /** The structure `fn` returns, with `{ dtype, shape }` leaves, as `elementSpec`. */
  outputSignature: S;
}

/** A map whose function is JavaScript, called once per element (the slow path: see README). */
export function mapJs(input: DatasetInput, fn: unknown, options: MapJsOptions<unknown>): DatasetDefinition {
  const what = 'mapJs';
  if (typeof fn !== 'function') throw new TypeError(`${what}: fn must be a function`);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${what}: options must be an object`);
  const { specs, skeleton } = parseSignature(options.outputSignature, `${what}: options.outputSignature`);
  const encode = encoder(what, specs, skeleton);
  let index = 0;
  const source: CallSource = {
    kind: 'call',
    call: async (inputs) => {
      const element = unflatten(input.skeleton, inputs.slice(1)); // inputs[0] is the iteration token
      return encode(await (fn as (e: unknown) => unknown)(element), index++);
    },
  };
  const owner = {};
  const sourceId = registerJsSource(source, owner);
  const definition = map(
    input,
    ((element: unknown) => {
      const ctx = GraphContext.require(what);
      const { leaves } = flattenStructure(element, (v): v is Sym => v instanceof Sym, what);
      // The iteration token tells the host which iteration a call belongs to (close, timeouts).
      const outs = ctx.addOp(JS_OPS.call, [ctx.iterationToken(), leaves.map((s) => toSym(s, undefined, what))], {
        source: sourceId,
        Tin: leaves.map((s) => s.dtype as GraphDType),
        Tout: specs.flatMap(crossingSpecs).map((s) => s.dtype),
      } as never);
      return unflatten(skeleton, crossed(ctx, outs, specs, false));
    }) as never,
    options,
  );
  // The source lives as long as the definition's node (the Dataset that holds it).
  (definition.node as { jsSource?: object }).jsSource = owner;
  return definition;
}
