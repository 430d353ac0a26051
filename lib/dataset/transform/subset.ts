// Transformations that keep a subset of the elements: unique (UniqueDataset) and takeWhile
// (TakeWhileDataset).
import { traceFunction, unboxInputs } from '../../trace/function';
import { unflatten } from '../../tensor/structure';
import { Sym } from '../../graph/sym';
import { DatasetDefinition, DatasetInput, derived, emitDatasetOp, shapeText, specText } from '../definition';

/** UniqueDataset: each distinct element once, in order of first appearance. */
export function unique(input: DatasetInput): DatasetDefinition {
  const [s] = input.specs;
  // TensorFlow's kernel takes one int32, int64 or string scalar component (Python checks the dtype).
  if (
    input.specs.length !== 1 ||
    s.composite ||
    !['int32', 'int64', 'string'].includes(s.dtype) ||
    (s.shape !== null && s.shape.length !== 0)
  )
    throw new TypeError(
      `unique: elements must be int32, int64 or string scalars, got ${input.specs.map(specText).join(', ')}`,
    );
  return derived(input, 'UniqueDataset', '', input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'UniqueDataset', [variant], input.specs),
  );
}

/** TakeWhileDataset: the elements up to the first one for which `predicate` is false. */
export function takeWhile(input: DatasetInput, predicate: (element: never) => Sym<'bool'>): DatasetDefinition {
  if (typeof predicate !== 'function') throw new TypeError('takeWhile: predicate must be a function');
  const f = traceFunction('takeWhile', input.specs, (inputs) =>
    predicate(unflatten(input.skeleton, unboxInputs(inputs, input.specs)) as never),
  );
  const out = f.outputSpecs;
  if (out.length !== 1 || out[0].dtype !== 'bool' || (out[0].shape !== null && out[0].shape.length !== 0)) {
    const got = out.map((o) => `${o.dtype}${shapeText(o.shape)}`).join(', ');
    throw new TypeError(`takeWhile: predicate must return a bool scalar, got ${got}`);
  }
  return derived(input, 'TakeWhileDataset', `predicate=${f.name}`, input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'TakeWhileDataset', [variant, ctx.resolveCaptures(f)], input.specs, { predicate: f }),
  );
}
