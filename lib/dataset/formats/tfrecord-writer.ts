// Writing a dataset of strings to a TFRecord file (DatasetToTFRecord, as Python's
// tf.data.experimental.TFRecordWriter): the whole dataset runs inside TensorFlow in one session
// step, off the event loop; the returned promise settles when the file is complete.
import { GraphContext } from '../../graph/context';
import { TFError } from '../../errors';
import { beginIteration, closeIteration, newIterationToken, takeJsError } from '../../iterate/js-host';
import { tensor } from '../../tensor/tensor';
import { DatasetInput, specText } from '../definition';
import { pipelineOf } from '../preflight';
import { FileCompression, checkCompression } from './files';

/** Options of `ds.writeTFRecords`. */
export interface WriteTFRecordsOptions {
  /** '' (none, the default), 'GZIP' or 'ZLIB'. */
  compression?: FileCompression;
}

/** Writes every element of `dataset` (string scalars) as one record of the TFRecord file `path`. */
export async function writeTFRecords(
  dataset: DatasetInput,
  path: string,
  options: WriteTFRecordsOptions,
): Promise<void> {
  const what = 'writeTFRecords';
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${what}: path must be a non-empty string`);
  const compression = checkCompression(options.compression, what);
  const [spec] = dataset.specs;
  if (
    dataset.specs.length !== 1 ||
    spec.composite ||
    spec.dtype !== 'string' ||
    (spec.shape !== null && spec.shape.length !== 0)
  )
    throw new TypeError(
      `${what}: elements must be string scalars (serialized records, e.g. encodeExample's bytes), ` +
        `got ${dataset.specs.map(specText).join(', ')}`,
    );
  if (GraphContext.current()) throw new TypeError(`${what}: cannot be called inside a callback`);
  const ctx = new GraphContext('pipeline');
  try {
    const variant = dataset.emit(ctx);
    const write = ctx.addNode('DatasetToTFRecord', [
      variant,
      ctx.constant(tensor(path, 'string')),
      ctx.constant(tensor(compression, 'string')),
    ]);
    const pipeline = pipelineOf(dataset, ctx, write.id, [], { kind: 'leaf' });
    const token = newIterationToken();
    if (pipeline.hasJsSource) beginIteration(token);
    const session = pipeline.newSession();
    try {
      await session.run(pipeline.feeds(token), [], [write.id]);
    } catch (e) {
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
