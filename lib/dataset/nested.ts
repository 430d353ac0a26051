// Datasets as components of an element (window's elements, the windows groupByWindow reduces, a
// dataset a map returns), as Python's DatasetSpec: the pipeline carries each as a variant
// scalar; a callback receives it as a real Dataset over that variant (which it can batch, map,
// zip, reduce…), and a dataset the callback returns inside its result becomes such a component.
// Such datasets live only inside the callback that received or made them.
import { GraphContext } from '../graph/context';
import { Sym } from '../graph/sym';
import { Skeleton, flattenStructure, isPlainRecord, unflatten } from '../tensor/structure';
import { TensorSpec, unboxInputs } from '../trace/function';
import { DatasetInput, NestedStructure, datasetComponent, isDataset, makeDataset, nestedOf } from './definition';

/** `variant` as a tensor of `ctx`, when `ctx` is the callback that holds it or one nested in it. */
function ownVariant(ctx: GraphContext, variant: Sym): Sym {
  for (let c: GraphContext | undefined = ctx; c; c = c.parent) if (c === variant.ctx) return ctx.own(variant);
  throw new TypeError(
    'a dataset that is a component of an element (a window, a grouped window, a dataset a map returned) ' +
      'exists only inside the callback that received it: transform it there (flatMap, interleave, map, reduce)',
  );
}

/** The Dataset a callback sees for a dataset component: its variant, with the element structure `inner`. */
export function nestedDataset(variant: Sym, inner: NestedStructure): DatasetInput {
  return makeDataset({
    node: { op: 'DatasetComponent', detail: variant.opName, inputs: [], emit: (ctx) => ownVariant(ctx, variant) },
    specs: inner.specs,
    skeleton: inner.skeleton,
  });
}

/**
 * An element as a callback receives it, from the traced function's inputs (or any tensors of the
 * current graph that carry `structure`'s components): sparse and ragged components unboxed,
 * dataset components as Datasets, in the element's structure.
 */
export function callbackElement(structure: NestedStructure, inputs: readonly Sym[]): unknown {
  const leaves = inputs.map((p, i) => {
    const spec = structure.specs[i];
    const inner = nestedOf(spec);
    return inner ? nestedDataset(p, inner) : unboxInputs([p], [spec])[0];
  });
  return unflatten(structure.skeleton, leaves);
}

/**
 * A callback's result with each Dataset in it replaced by its variant (in the current graph),
 * and, per leaf of the flattened result, the element structure of the dataset it was (for
 * `withNested`). Called inside the traced body, on what the callback returned.
 */
export function boxDatasets(value: unknown): { value: unknown; nested: (NestedStructure | undefined)[] } {
  const found = new Map<Sym, NestedStructure>();
  let ctx: GraphContext | undefined;
  const seen = new Set<unknown>();
  const walk = (v: unknown): unknown => {
    if (isDataset(v)) {
      ctx ??= GraphContext.require('a dataset returned by a callback');
      const variant = v.emit(ctx);
      found.set(variant, { specs: v.specs, skeleton: v.skeleton });
      return variant;
    }
    if (!Array.isArray(v) && !isPlainRecord(v)) return v;
    if (seen.has(v)) return v; // a cycle: flattenStructure reports it
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map(walk);
    else {
      const record: Record<string, unknown> = {};
      for (const k of Object.keys(v))
        Object.defineProperty(record, k, { value: walk(v[k]), enumerable: true, writable: true, configurable: true });
      out = record;
    }
    seen.delete(v);
    return out;
  };
  const boxed = walk(value);
  if (found.size === 0) return { value: boxed, nested: [] };
  // The leaves in the order traceGraph flattens the result (the same walk).
  const { leaves } = flattenStructure(
    boxed,
    (v): v is unknown => !Array.isArray(v) && !isPlainRecord(v),
    'callback result',
  );
  return { value: boxed, nested: leaves.map((l) => (l instanceof Sym ? found.get(l) : undefined)) };
}

/** Output specs with the dataset components `boxDatasets` found marked as such. */
export function withNested(
  specs: readonly TensorSpec[],
  nested: readonly (NestedStructure | undefined)[],
): TensorSpec[] {
  return specs.map((s, i) => {
    const inner = nested[i];
    return inner ? datasetComponent(inner) : s;
  });
}

/** The components of `specs` whose values are datasets, by index; empty when none. */
export function nestedComponents(specs: readonly TensorSpec[]): number[] {
  return specs.flatMap((s, i) => (nestedOf(s) ? [i] : []));
}

/** What `elementSpec` shows for one component: a dataset component as `{ kind: 'dataset', elementSpec }`. */
export function componentSpecOf(s: TensorSpec): unknown {
  const inner = nestedOf(s);
  if (inner) return { kind: 'dataset', elementSpec: elementSpecOf(inner.specs, inner.skeleton) };
  if (s.composite) return { ...s.composite, shape: s.composite.shape === null ? null : [...s.composite.shape] };
  return { dtype: s.dtype, shape: s.shape === null ? null : [...s.shape] };
}

/** `elementSpec` of a structure of components. */
export function elementSpecOf(specs: readonly TensorSpec[], skeleton: Skeleton): unknown {
  return unflatten(skeleton, specs.map(componentSpecOf));
}
