// Terminal operations that run a whole pipeline in one session step of its own (writeTFRecords,
// save, reduce, getSingleElement): the op over the dataset's variant runs inside TensorFlow, off
// the event loop, and what it fetches comes back as host values.
import { TFError } from '../errors';
import { GraphContext } from '../graph/context';
import type { Sym } from '../graph/sym';
import { beginIteration, closeIteration, newIterationToken, takeJsError } from '../iterate/js-host';
import type { OutputRef } from '../native';
import { Skeleton, unflatten } from '../tensor/structure';
import { Tensor } from '../tensor/tensor';
import type { DatasetInput } from './definition';
import { pipelineOf } from './preflight';

/**
 * Runs `dataset` and the op `build` adds over its variant in a session step of its own (the
 * pipeline runs inside TensorFlow, off the event loop), and rebuilds the fetched tensors.
 */
export async function runTerminal(
  dataset: DatasetInput,
  build: (ctx: GraphContext, variant: Sym) => { target: number; refs: OutputRef[]; skeleton: Skeleton },
): Promise<unknown> {
  const ctx = new GraphContext('pipeline');
  try {
    const { target, refs, skeleton } = build(ctx, dataset.emit(ctx));
    const pipeline = pipelineOf(dataset, ctx, target, refs, skeleton);
    const token = newIterationToken();
    if (pipeline.hasJsSource) beginIteration(token);
    const session = pipeline.newSession();
    try {
      const raws = await session.run(pipeline.feeds(token), refs, [target]);
      return unflatten(
        skeleton,
        raws.map((r) => Tensor.fromRaw(r)),
      );
    } catch (e) {
      // An error thrown by JavaScript code (a generator, mapJs) is rethrown as itself.
      const thrown = e instanceof TFError ? takeJsError(e.message) : undefined;
      throw thrown ? thrown.error : e;
    } finally {
      session.close();
      if (pipeline.hasJsSource) closeIteration(token);
    }
  } finally {
    ctx.dispose();
  }
}
