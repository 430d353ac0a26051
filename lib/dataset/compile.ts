// A dataset's node tree → the pipeline graph with its iterator ops: the only place that builds
// a whole pipeline.
import { GraphContext } from '../graph/context';
import { encodeProto } from '../proto';
import type { CompiledPipeline } from '../iterate/iterator';
import type { SharedIteratorOps } from '../iterate/shared-session';
import { Sym } from '../graph/sym';
import type { Skeleton } from '../tensor/structure';
import { DatasetInput, int64, typeAttrs } from './definition';
import { hasPreflight, pipelineOf } from './preflight';
import { unboxOutputs } from './fetch';
import { vectorizePass } from './vectorize-pass';
import { rowBatches } from './row-batches';

// Two ways to pull an element. `IteratorGetNext` is an asynchronous kernel: each step hands the
// pull to a worker thread of its own and waits, so RunOptions.timeout_in_ms can cancel it.
// `IteratorGetNextSync` pulls in the thread that runs the step (a lane's, never one of
// TensorFlow's pools, which is what the op asks for). Measured with bench/floor.cc's session loop
// (one sitting): W2's 200 000 one-row steps 7.4-9.0 → 6.7 s (~34 µs a step; eager
// IteratorGetNext ~35 µs), W4a/W4b's 3 907 batches 0.52-0.59 → 0.52-0.55 s; in the library, a
// pipeline iterated element by element ~57 → ~37 µs an element (BENCHMARKS.md). Iterators without
// `timeoutMs` pull with the synchronous op; with it, the asynchronous one (a synchronous pull
// would hold the step past its deadline). Errors name either as `next` (iterator.ts).
const GET_NEXT_SYNC = 'IteratorGetNextSync';

/**
 * Adds the iterator ops over `variant`: `make_iterator` (run once) and `next` (fetched per
 * element); with `withSync`, also `next/sync` (the same pull in the caller's thread).
 */
function addIteratorOps(
  ctx: GraphContext,
  dataset: DatasetInput,
  variant: Sym,
  withSync = false,
): { make: number; next: Sym[] } {
  const types = typeAttrs(dataset.specs);
  const [iterator] = ctx.addOp('IteratorV2', [], { shared_name: '', container: '', ...types }, { name: 'iterator' });
  const make = ctx.addNode('MakeIterator', [variant, iterator], {}, { name: 'make_iterator' });
  const next = ctx.addOp('IteratorGetNext', [iterator], types, { name: 'next' });
  if (withSync) ctx.addOp(GET_NEXT_SYNC, [iterator], types, { name: 'next/sync' });
  return { make: make.id, next };
}

/**
 * Both pulls of `iterator` for a shared session, `name` (IteratorGetNext) and `name/sync`
 * (IteratorGetNextSync), their sparse and ragged components unboxed.
 */
function addPulls(ctx: GraphContext, dataset: DatasetInput, iterator: Sym, name: string) {
  const types = typeAttrs(dataset.specs);
  return {
    next: unboxOutputs(ctx, dataset, ctx.addOp('IteratorGetNext', [iterator], types, { name })),
    nextSync: unboxOutputs(ctx, dataset, ctx.addOp(GET_NEXT_SYNC, [iterator], types, { name: `${name}/sync` })),
  };
}

// Options of the one-element store dataset: no rewrites and no autotuning, so finalising it
// leaves the stored dataset object as it is (a rewrite would rebuild it from its graph).
const STORE_OPTIONS = encodeProto([
  [3, [[1, false]]], // optimization_options.apply_default_optimizations
  [7, [[1, false]]], // autotune_options.enabled
]);

// One iterator at a time per session runs in the graph's seat: a fixed `IteratorV2` with its own
// `IteratorGetNext`, so its steps feed nothing; the others are named by a string handle fed to
// each step. Measured (bench/floor.cc's loop, W2's 200 000 one-row steps of ~50 µs): feeding a
// step anything costs ~8-10 µs and looking the handle up ~3 µs more. One seat, not several: 8 in
// every graph made each new pipeline (W7) ~3 ms slower, and seats added on demand (the graph
// extended, new executors, each closed iterator emptied before its seat is reused) raised W7's
// 20-in-flight p99 from ~40 to 55-58 ms.

/**
 * The ops for iterators on a long-lived shared session (iterate/shared-session.ts). A Dataset's
 * dataset is stored once, as the repeated element of an anonymous "slot" iterator named by a
 * string handle; each iterator reads it from there and starts an anonymous iterator over it, so
 * every iterator of a Dataset runs over the same dataset object (finalised once, its seed and
 * cache state shared, as Python's iterators of one dataset are).
 */
function addSharedIteratorOps(
  ctx: GraphContext,
  dataset: DatasetInput,
  variant: Sym,
): { ops: SharedIteratorOps; skeleton: Skeleton } {
  const types = typeAttrs(dataset.specs);
  const variantTypes = { output_types: ['variant'], output_shapes: [[]] };
  const [single] = ctx.addOp('TensorDataset', [[variant]], { output_shapes: [[]] }, { name: 'stored_dataset' });
  const [repeated] = ctx.addOp('RepeatDataset', [single, int64(ctx, -1)], variantTypes, { name: 'stored_dataset' });
  const [store] = ctx.addOp(
    'OptionsDataset',
    [repeated],
    { ...variantTypes, serialized_options: STORE_OPTIONS },
    { name: 'stored_dataset' },
  );
  const [slotIterator] = ctx.addOp('AnonymousIterator', [], variantTypes, { name: 'new_slot' });
  const storeOp = ctx.addNode('MakeIterator', [store, slotIterator], {}, { name: 'store_dataset' });
  const [slotHandle] = ctx.addOp('IteratorToStringHandle', [slotIterator], {}, { name: 'slot_handle' });
  const slotIn = ctx.placeholder('string', [], 'slot_handle_in');
  const [slot] = ctx.addOp('IteratorFromStringHandleV2', [slotIn], variantTypes, { name: 'slot' });
  const release = ctx.addNode('DestroyResourceOp', [slot], { ignore_lookup_error: true }, { name: 'release_slot' });
  const [stored] = ctx.addOp('IteratorGetNext', [slot], variantTypes, { name: 'stored_dataset' });
  const [iterator] = ctx.addOp('AnonymousIterator', [], types, { name: 'new_iterator' });
  const start = ctx.addNode('MakeIterator', [stored, iterator], {}, { name: 'start_iterator' });
  const [handle] = ctx.addOp('IteratorToStringHandle', [iterator], {}, { name: 'iterator_handle' });
  const handleIn = ctx.placeholder('string', [], 'iterator_handle_in');
  const [named] = ctx.addOp('IteratorFromStringHandleV2', [handleIn], types, { name: 'named_iterator' });
  // Named `next` as in a standalone graph: a TFError of a source names this node.
  const pulls = addPulls(ctx, dataset, named, 'next');
  const destroy = ctx.addNode(
    'DestroyResourceOp',
    [named],
    { ignore_lookup_error: true },
    { name: 'destroy_iterator' },
  );
  // The seat, and the op that empties it once its iterator has closed: the closed iterator's
  // state (buffers, threads) goes at once. The empty dataset is finalised without rewrites (a new
  // dataset each time: rewriting it took ~15 ms).
  const [seatIterator] = ctx.addOp('IteratorV2', [], { shared_name: '', container: '', ...types }, { name: 'seat' });
  const seatStart = ctx.addNode('MakeIterator', [stored, seatIterator], {}, { name: 'seat/start' });
  const seatPulls = addPulls(ctx, dataset, seatIterator, 'next/seat');
  const [none] = ctx.addOp('TakeDataset', [stored, int64(ctx, 0)], types, { name: 'empty_dataset' });
  const [plainNone] = ctx.addOp(
    'OptionsDataset',
    [none],
    { ...types, serialized_options: STORE_OPTIONS },
    { name: 'empty_dataset' },
  );
  const emptySeat = ctx.addNode('MakeIterator', [plainNone, seatIterator], {}, { name: 'seat/empty' });
  const ops = {
    store: storeOp.id,
    slotHandle: slotHandle.ref,
    slotIn: slotIn.ref,
    release: release.id,
    start: start.id,
    handle: handle.ref,
    handleIn: handleIn.ref,
    next: pulls.next.refs,
    nextSync: pulls.nextSync.refs,
    destroy: destroy.id,
    seat: { start: seatStart.id, next: seatPulls.next.refs, nextSync: seatPulls.nextSync.refs, empty: emptySeat.id },
  };
  return { ops, skeleton: pulls.next.skeleton };
}

/** The pipeline graph of `dataset`, ready for iterators. */
export function compile(dataset: DatasetInput): { pipeline: CompiledPipeline; variant: Sym } {
  if (dataset.specs.length === 0) throw new TypeError('a dataset without components cannot be iterated');
  if (GraphContext.current())
    throw new TypeError('datasets cannot be iterated inside a callback; return them from flatMap/interleave instead');
  // Its digest is the pipeline cache's key (iterate/shared-session.ts).
  const ctx = new GraphContext('pipeline', undefined, { digest: true });
  try {
    // map → batch runs as batch → vectorised map where that is exact (vectorize-pass.ts).
    const variant = vectorizePass(dataset).emit(ctx);
    // Pipelines that read from JavaScript (a fresh iteration token per iterator) or wait on a
    // preflight keep a session per iterator; the others share one (iterate/shared-session.ts).
    if (ctx.iterationTokenRef === undefined && !hasPreflight(dataset)) {
      // Elements that cannot fail, of one static shape: iterators fetch them by the batch
      // (row-batches.ts). `variant` stays the per-element dataset (cardinality, the service).
      const rows = rowBatches(dataset);
      const iterated = rows ?? dataset;
      const { ops, skeleton } = addSharedIteratorOps(ctx, iterated, rows ? rows.emit(ctx) : variant);
      return { pipeline: pipelineOf(dataset, ctx, ops.start, ops.next, skeleton, ops, rows !== undefined), variant };
    }
    const { make, next } = addIteratorOps(ctx, dataset, variant);
    // Sparse and ragged components are unboxed after IteratorGetNext: iterators fetch plain tensors.
    const fetched = unboxOutputs(ctx, dataset, next);
    return { pipeline: pipelineOf(dataset, ctx, make, fetched.refs, fetched.skeleton), variant };
  } catch (e) {
    ctx.dispose();
    throw e;
  }
}

/**
 * A standalone GraphDef of `dataset` with `make_iterator`, `next` and `next/sync`: host data fed
 * through `captured*` Placeholders (named as in the compiled graph), or inlined as Const
 * (protobuf limits it to 2 GB).
 */
export function standaloneGraphDef(dataset: DatasetInput, inlineHostData: boolean): Uint8Array {
  const ctx = new GraphContext('pipeline', undefined, { inlineHostData });
  try {
    addIteratorOps(ctx, dataset, vectorizePass(dataset).emit(ctx), true);
    return new Uint8Array(ctx.native.toGraphDef());
  } finally {
    ctx.dispose();
  }
}
