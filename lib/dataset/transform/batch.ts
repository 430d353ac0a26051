// The batch family: batch, paddedBatch, unbatch.
import { DType, arrayCtor, isDType } from '../../tensor/dtypes';
import { TensorSpec, traceFunction, unboxInputs } from '../../trace/function';
import { SLOT_BYTES, checkAllocation } from '../../limits';
import { flattenStructure } from '../../tensor/structure';
import { Tensor, tensor } from '../../tensor/tensor';
import {
  Count,
  compositeComponent,
  DatasetDefinition,
  CountArg,
  DatasetInput,
  Parallelism,
  checkCountArg,
  countSym,
  countText,
  knownCount,
  derived,
  deterministicAttr,
  emitDatasetOp,
  int64,
  parallelism,
} from '../definition';
import { fromTensorSlices } from '../sources';
import { ComponentSym, batchedComposite, boxRows, unbatchedComposite } from '../../graph/composite';
import type { GraphContext } from '../../graph/context';
import type { StaticShape, Sym } from '../../graph/sym';

/** Options of `batch`. */
export interface BatchOptions {
  /** Drops the last batch when it is smaller than `batchSize` (then the batch dimension is static). */
  dropRemainder?: boolean;
  /** Builds batches in parallel (ParallelBatchDataset). */
  numParallelCalls?: Parallelism;
  /** With parallelism: false allows out-of-order results for speed. */
  deterministic?: boolean;
}

/** Options of `paddedBatch`. */
export interface PaddedBatchOptions {
  /** Per component: the padded shape (null or -1 dims pad to the longest in the batch). */
  paddedShapes?: unknown;
  /**
   * The scalar to pad with: one per component, or one for every component (as in tf.data);
   * default 0, false or ''.
   */
  paddingValues?: unknown;
  /** Drops the last batch when it is smaller than `batchSize` (then the batch dimension is static). */
  dropRemainder?: boolean;
}

const detailOf = (n: Count, drop: boolean) => `${countText(n)}${drop ? ', drop remainder' : ''}`;

/**
 * The static batch dimension: the batch size when remainders drop and it is known before running
 * (a Sym's is not), else unknown.
 */
function batchDim(n: Count, drop: boolean): number | null {
  return drop ? (knownCount(n) ?? null) : null;
}

/** BatchDatasetV2, or ParallelBatchDataset with numParallelCalls. */
export function batch(input: DatasetInput, batchSize: CountArg, options: BatchOptions): DatasetDefinition {
  const n = checkCountArg(batchSize, 'batch: batchSize', 1);
  const drop = !!options.dropRemainder;
  const dim = batchDim(n, drop);
  if (dim !== null) checkAllocation('batch: batchSize', dim, SLOT_BYTES); // reserved in full when remainders drop
  const calls = parallelism(options.numParallelCalls, 'batch: numParallelCalls');
  const specs: TensorSpec[] = input.specs.map((s) => {
    const shape = s.shape === null ? null : [dim, ...s.shape];
    // A composite's variants stack like any tensor; its type gains the batch dimension.
    return s.composite
      ? { dtype: s.dtype, shape, composite: batchedComposite(s.composite, dim) }
      : { dtype: s.dtype, shape };
  });
  const op = calls === undefined ? 'BatchDatasetV2' : 'ParallelBatchDataset';
  const definition = derived(input, op, detailOf(n, drop), specs, input.skeleton, (ctx, variant) => {
    const dropSym = ctx.constant(tensor(drop, 'bool'));
    if (calls === undefined)
      return emitDatasetOp(ctx, op, [variant, countSym(ctx, n), dropSym], specs, { parallel_copy: false });
    return emitDatasetOp(ctx, op, [variant, countSym(ctx, n), int64(ctx, calls), dropSym], specs, {
      parallel_copy: false,
      deterministic: deterministicAttr(options.deterministic),
    });
  });
  // For vectorize-pass.ts: batches of a size known before running.
  const known = knownCount(n);
  if (known !== undefined) definition.node.facts = { kind: 'batch', batchSize: known, options };
  return definition;
}

/**
 * tf.data's rule: a padded shape must have the element's rank, and no known dimension smaller
 * than the element's known one (null and -1 are "pad to the longest in the batch").
 */
export function checkPaddedShape(
  padded: readonly (number | null)[],
  element: StaticShape | null,
  i: number,
  what = 'paddedBatch',
): void {
  if (element === null) return;
  const text = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null || d < 0 ? 'null' : d)).join(', ')}]`;
  const fits =
    padded.length === element.length &&
    padded.every((d, j) => d === null || d < 0 || element[j] === null || (d as number) >= (element[j] as number));
  if (!fits)
    throw new TypeError(
      `${what}: the padded shape ${text(padded)} of component ${i} is not compatible with its element ` +
        `shape ${text(element)} (same rank, and no dimension smaller than a known one)`,
    );
}

/**
 * The padding value of each component: one per component, or one for every component (as in
 * tf.data), converted to each component's dtype; default 0, false or ''.
 */
export function paddingTensors(specs: readonly TensorSpec[], paddingValues: unknown, what: string): Tensor[] {
  const isLeaf = (v: unknown): v is unknown =>
    ['number', 'bigint', 'boolean', 'string'].includes(typeof v) || v instanceof Tensor;
  const values: unknown[] =
    paddingValues === undefined || isLeaf(paddingValues)
      ? specs.map(() => paddingValues)
      : flattenStructure(paddingValues, isLeaf, 'paddingValues').leaves;
  if (values.length !== specs.length)
    throw new TypeError(`${what}: paddingValues has ${values.length} values for ${specs.length} components`);
  return specs.map((s, i) => {
    const v = values[i];
    if (v instanceof Tensor) return v;
    const dtype = s.dtype as DType;
    const def = dtype === 'string' ? '' : dtype === 'bool' ? false : dtype === 'int64' || dtype === 'uint64' ? 0n : 0;
    return tensor((v ?? def) as never, dtype);
  });
}

/** PaddedBatchDatasetV2: batches elements of varying shape, padding each component. */
export function paddedBatch(input: DatasetInput, batchSize: CountArg, options: PaddedBatchOptions): DatasetDefinition {
  const n = checkCountArg(batchSize, 'paddedBatch: batchSize', 1);
  const drop = !!options.dropRemainder;
  const composite = input.specs.findIndex((s) => s.composite);
  if (composite >= 0)
    throw new TypeError(
      `paddedBatch: component ${composite} is ${input.specs[composite].composite?.kind}; ` +
        'padding applies to dense components only (as in tf.data): use batch()',
    );
  const padded: (number | null)[][] =
    options.paddedShapes === undefined
      ? input.specs.map((s, i) => {
          if (s.shape === null) throw new TypeError(`paddedBatch: component ${i} has unknown rank; give paddedShapes`);
          return s.shape.map(() => null);
        })
      : (flattenStructure(
          options.paddedShapes,
          (v): v is (number | null)[] => Array.isArray(v) && v.every((d) => d === null || typeof d === 'number'),
          'paddedShapes',
        ).leaves as (number | null)[][]);
  if (padded.length !== input.specs.length)
    throw new TypeError(`paddedBatch: paddedShapes has ${padded.length} shapes for ${input.specs.length} components`);
  padded.forEach((p, i) => checkPaddedShape(p, input.specs[i].shape, i));
  const padTensors = paddingTensors(input.specs, options.paddingValues, 'paddedBatch');
  padded.forEach((p, i) => {
    p.forEach((d, j) => {
      if (d !== null && (!Number.isSafeInteger(d) || d < -1))
        throw new RangeError(`paddedBatch: paddedShapes[${i}][${j}] must be an integer >= -1 or null, got ${d}`);
    });
    // A fully known padded shape is allocated for the whole batch, whatever the elements hold.
    const dtype = input.specs[i].dtype;
    if (isDType(dtype) && p.every((d) => d !== null && d >= 0)) {
      const bytes = dtype === 'string' ? 32 : arrayCtor(dtype).BYTES_PER_ELEMENT; // a TF string cell is 32 bytes
      checkAllocation(
        `paddedBatch: paddedShapes[${i}] [${p.join(', ')}] × batchSize`,
        (knownCount(n) ?? 1) * p.reduce<number>((a, d) => a * (d as number), 1),
        bytes,
      );
    }
  });
  const specs = input.specs.map((s, i) => ({
    dtype: s.dtype,
    shape: [batchDim(n, drop), ...padded[i].map((d) => (d === null || d < 0 ? null : d))],
  }));
  const definition = derived(
    input,
    'PaddedBatchDatasetV2',
    detailOf(n, drop),
    specs,
    input.skeleton,
    (ctx, variant) => {
      const shapes = padded.map((p) =>
        ctx.constant(
          tensor(
            p.map((d) => BigInt(d === null ? -1 : d)),
            'int64',
            [p.length],
          ),
        ),
      );
      const pads = padTensors.map((t) => ctx.constant(t));
      // PaddedBatchDatasetV2 takes output_shapes but no output_types (it infers them from the pads).
      return emitDatasetOp(
        ctx,
        'PaddedBatchDatasetV2',
        [variant, countSym(ctx, n), shapes, pads, ctx.constant(tensor(drop, 'bool'))],
        null,
        {
          parallel_copy: false,
          output_shapes: specs.map((s) => s.shape),
        },
      );
    },
  );
  // For vectorize-pass.ts: batches of a size known before running; the padded shapes are the
  // output's (null: to the longest in the batch).
  const known = knownCount(n);
  if (known !== undefined)
    definition.node.facts = {
      kind: 'paddedBatch',
      batchSize: known,
      dropRemainder: drop,
      paddedShapes: specs.map((s) => (s.shape ?? []).slice(1)),
    };
  return definition;
}

/** UnbatchDataset: splits each element along its first dimension. */
export function unbatch(input: DatasetInput): DatasetDefinition {
  const specs: TensorSpec[] = input.specs.map((s, i) => {
    if (s.composite) {
      if (s.composite.shape !== null && s.composite.shape.length === 0)
        throw new TypeError(`unbatch: component ${i} is a ${s.composite.kind} scalar`);
    } else if (s.shape !== null && s.shape.length === 0) {
      throw new TypeError(`unbatch: component ${i} is a scalar`);
    }
    const shape = s.shape === null ? null : s.shape.slice(1);
    if (!s.composite) return { dtype: s.dtype, shape };
    return compositeComponent(unbatchedComposite(s.composite));
  });
  const composites = input.specs.some((s) => s.composite);
  // Composites are first re-boxed row by row (a [n, 3] or [n] variant), as Python's unbatch does.
  const rowBoxed: TensorSpec[] = input.specs.map((s, i) =>
    s.composite
      ? { ...s, shape: s.shape === null ? null : [s.composite.shape?.[0] ?? null, ...(specs[i].shape ?? [])] }
      : s,
  );
  const normalize = (ctx: GraphContext, variant: Sym): Sym => {
    if (!composites) return variant;
    const f = traceFunction(
      'unbatch_rows',
      input.specs,
      (inputs) => unboxInputs(inputs, input.specs),
      (returned, fctx) => ({
        leaves: (returned as ComponentSym[]).map((v, i) => {
          const composite = input.specs[i].composite;
          return composite ? boxRows(fctx, v, composite) : (v as Sym);
        }),
        skeleton: { kind: 'leaf' },
      }),
    );
    return emitDatasetOp(ctx, 'MapDataset', [variant, ctx.resolveCaptures(f)], rowBoxed, {
      f,
      use_inter_op_parallelism: true,
      preserve_cardinality: true,
    });
  };
  // TensorFlow 2.21's UnbatchDataset crashes the process on zero-size rows (Python too:
  // from_tensors(np.zeros([0])).batch(1).unbatch() segfaults). It is used only when every row
  // is statically non-empty; otherwise the same semantics come from slicing each batch.
  const safe = specs.every((s) => s.shape !== null && s.shape.every((d) => d !== null && d > 0));
  return derived(
    input,
    'UnbatchDataset',
    safe ? '' : 'as flatMap(fromTensorSlices)',
    specs,
    input.skeleton,
    (ctx, variant) => {
      variant = normalize(ctx, variant);
      if (safe) return emitDatasetOp(ctx, 'UnbatchDataset', [variant], specs);
      const f = traceFunction(
        'unbatch',
        rowBoxed,
        (inputs) => inputs,
        (returned, fctx) => ({
          leaves: [fromTensorSlices(returned).node.emit(fctx, [])],
          skeleton: { kind: 'leaf' },
        }),
      );
      return emitDatasetOp(ctx, 'FlatMapDataset', [variant, ctx.resolveCaptures(f)], specs, { f });
    },
  );
}
