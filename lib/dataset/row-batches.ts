// Per-element iteration served from batches: when nothing about a pipeline can fail or differ
// per element, an iterator fetches `batch(ROWS)` of it (its maps vectorised) and splits each
// batch into zero-copy rows in JavaScript (iterate/rows.ts), so a crossing and a map call cost
// per batch, not per element. Same elements in the same order; an element cannot fail, so no
// error can move.
import { vectorizeFunction } from '../trace/vectorize';
import { DatasetInput, asInput } from './definition';
import { batch } from './transform/batch';
import { enabled, vectorizePass } from './vectorize-pass';

/** Rows per fetched batch: 64 served W2 faster, with a 3–5 ms event-loop delay p99 instead of ~2. */
export const ROWS = 32;
/** Elements larger than this (counting 8 bytes a value, 32 a string) are fetched one by one. */
const MAX_ROW_BYTES = 4096;

// Transformations that never fail and yield their input's elements in a fixed order, with
// in-memory sources: below them nothing reads a file, calls JavaScript, or draws random numbers.
const PURE = new Set([
  'TensorSliceDataset',
  'TensorDataset',
  'RangeDataset',
  'RepeatDataset',
  'TakeDataset',
  'SkipDataset',
  'PrefetchDataset',
  'OptionsDataset',
  'ZipDataset',
  'ConcatenateDataset',
]);

/**
 * True when every node is pure, a batch, or a map the vectoriser rewrote or could rewrite: its
 * rules admit only ops that cannot fail (trace/vectorize-rules.ts).
 */
function infallible(d: DatasetInput): boolean {
  const facts = d.node.facts;
  const ok =
    PURE.has(d.node.op) ||
    facts?.kind === 'batch' ||
    (facts?.kind === 'map' && (facts.vectorized === true || 'fn' in vectorizeFunction(facts.f, null)));
  return ok && d.node.inputs.every(infallible);
}

/** `root` batched by ROWS with its maps vectorised, when iterating its rows is invisible; else undefined. */
export function rowBatches(root: DatasetInput): DatasetInput | undefined {
  const fixed = root.specs.every(
    (s) => !s.composite && s.dtype !== 'variant' && s.shape !== null && s.shape.every((d) => d !== null),
  );
  if (!fixed || !enabled(root)) return undefined; // `vectorize: false` turns this off too
  // The gain is the per-element overhead: large elements (batches already) gain nothing from
  // being copied into a batch of batches.
  const bytes = root.specs.reduce(
    (n, s) => n + (s.shape as number[]).reduce((a, d) => a * d, 1) * (s.dtype === 'string' ? 32 : 8),
    0,
  );
  if (bytes > MAX_ROW_BYTES) return undefined;
  const batched = vectorizePass(asInput(batch(root, ROWS, {})));
  return infallible(batched) ? batched : undefined;
}
