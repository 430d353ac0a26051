// A dataset's node tree → the pipeline graph with its iterator ops: the only place that builds
// a whole pipeline.
import { GraphContext } from '../graph/context';
import type { CompiledPipeline } from '../iterate/iterator';
import { Sym } from '../graph/sym';
import { DatasetInput, typeAttrs } from './definition';
import { pipelineOf } from './preflight';
import { unboxOutputs } from './fetch';

/** Adds the iterator ops over `variant`: `make_iterator` (run once) and `next` (fetched per element). */
function addIteratorOps(ctx: GraphContext, dataset: DatasetInput, variant: Sym): { make: number; next: Sym[] } {
  const types = typeAttrs(dataset.specs);
  const [iterator] = ctx.addOp('IteratorV2', [], { shared_name: '', container: '', ...types }, { name: 'iterator' });
  const make = ctx.addNode('MakeIterator', [variant, iterator], {}, { name: 'make_iterator' });
  const next = ctx.addOp('IteratorGetNext', [iterator], types, { name: 'next' });
  return { make: make.id, next };
}

/** The pipeline graph of `dataset`, ready for iterators. */
export function compile(dataset: DatasetInput): { pipeline: CompiledPipeline; variant: Sym } {
  if (dataset.specs.length === 0) throw new TypeError('a dataset without components cannot be iterated');
  if (GraphContext.current())
    throw new TypeError('datasets cannot be iterated inside a callback; return them from flatMap/interleave instead');
  const ctx = new GraphContext('pipeline');
  try {
    const variant = dataset.emit(ctx);
    const { make, next } = addIteratorOps(ctx, dataset, variant);
    // Sparse and ragged components are unboxed after IteratorGetNext: iterators fetch plain tensors.
    const fetched = unboxOutputs(ctx, dataset, next);
    return {
      pipeline: pipelineOf(dataset, ctx, make, fetched.refs, fetched.skeleton),
      variant,
    };
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

/** A standalone GraphDef of `dataset` with host data inlined as Const (protobuf limits it to 2 GB). */
export function inlinedGraphDef(dataset: DatasetInput): Uint8Array {
  const ctx = new GraphContext('pipeline', undefined, { inlineHostData: true });
  try {
    addIteratorOps(ctx, dataset, dataset.emit(ctx));
    return new Uint8Array(ctx.native.toGraphDef());
  } finally {
    ctx.dispose();
  }
}
