// Per-element iteration served from batches: a pipeline whose elements are all of one static
// shape can be fetched as batches (dataset/row-batches.ts decides when that is invisible), and
// each batch split here into its rows, zero-copy: a row's data is a view into the batch's buffer.
import type { RawTensor } from '../native';

/** The rows of one fetched batch (every component has the same first dimension). */
export function splitRows(batch: RawTensor[]): RawTensor[][] {
  const n = batch[0]?.shape[0] ?? 0;
  const rows: RawTensor[][] = Array.from({ length: n }, () => []);
  for (const c of batch) {
    const shape = c.shape.slice(1);
    if (c.strings) {
      const per = c.strings.length / n;
      for (let r = 0; r < n; r++)
        rows[r].push({ dtype: c.dtype, shape, strings: c.strings.slice(r * per, (r + 1) * per) });
      continue;
    }
    const total = c.byteLength ?? c.buffer?.byteLength ?? 0;
    const bytes = total / n;
    for (let r = 0; r < n; r++)
      rows[r].push({
        dtype: c.dtype,
        shape,
        buffer: c.buffer,
        byteOffset: (c.byteOffset ?? 0) + r * bytes,
        byteLength: bytes,
      });
  }
  return rows;
}
