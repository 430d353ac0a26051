// Writing a dataset of strings to a TFRecord file (DatasetToTFRecord, as Python's
// tf.data.experimental.TFRecordWriter): the whole dataset runs inside TensorFlow in one session
// step, off the event loop; the returned promise settles when the file is complete.
import { GraphContext } from '../../graph/context';
import { tensor } from '../../tensor/tensor';
import { DatasetInput, specText } from '../definition';
import { runTerminal } from '../terminal';
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
  // Nothing is fetched: the op's work is the files it writes.
  await runTerminal(dataset, (ctx, variant) => {
    const write = ctx.addNode('DatasetToTFRecord', [
      variant,
      ctx.constant(tensor(path, 'string')),
      ctx.constant(tensor(compression, 'string')),
    ]);
    return { target: write.id, refs: [], skeleton: { kind: 'tuple', items: [] } };
  });
}
