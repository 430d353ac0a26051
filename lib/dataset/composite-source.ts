// Sparse and ragged components given to fromTensors / fromTensorSlices: host SparseTensor and
// RaggedTensor values (captured once, like host tensors), or SparseSym / RaggedSym inside a
// callback. They enter the dataset boxed as tf.data boxes them: one variant per component
// (SerializeSparse / RaggedTensorToVariant), or for slices one per row (SerializeManySparse /
// RaggedTensorToVariant with batched_input), which TensorSliceDataset then slices.
import { RaggedSym, SparseSym, boxComposite, boxRows, compositeSpecOf } from '../graph/composite';
import { GraphContext } from '../graph/context';
import { StaticShape, Sym } from '../graph/sym';
import { RaggedTensor, SparseTensor } from '../tensor/composite';
import type { DType } from '../tensor/dtypes';
import { Tensor } from '../tensor/tensor';
import { TensorSpec } from '../trace/function';
import { compositeComponent, shapeText } from './definition';

/** A sparse or ragged source component. */
export type CompositeComponent = SparseTensor | RaggedTensor | SparseSym | RaggedSym;

export function isCompositeComponent(v: unknown): v is CompositeComponent {
  return v instanceof SparseTensor || v instanceof RaggedTensor || v instanceof SparseSym || v instanceof RaggedSym;
}

/** Static shape of a composite component (a host one knows its dims; ragged dims are null). */
export function compositeShape(c: CompositeComponent): StaticShape {
  return c instanceof SparseTensor || c instanceof RaggedTensor ? [...c.shape] : c.shape;
}

/** The flat spec of a composite component, whole (fromTensors) or sliced along its rows. */
export function compositeComponentSpec(c: CompositeComponent, sliced: boolean, what: string): TensorSpec {
  const shape = compositeShape(c);
  if (sliced && shape !== null && shape.length === 0)
    throw new RangeError(`${what}: a sparse scalar cannot be sliced; slicing needs rank >= 1`);
  const rest = shape === null ? null : sliced ? shape.slice(1) : shape;
  const sparse = c instanceof SparseTensor || c instanceof SparseSym;
  const composite = sparse
    ? { kind: 'sparse' as const, dtype: c.dtype as DType, shape: rest }
    : {
        kind: 'ragged' as const,
        dtype: c.dtype as DType,
        shape: rest,
        raggedRank: (c as RaggedTensor | RaggedSym).raggedRank - (sliced ? 1 : 0),
        rowSplitsDtype: (c instanceof RaggedTensor ? c.rowSplits.dtype : (c as RaggedSym).rowSplits.dtype) as
          'int32' | 'int64',
      };
  return compositeComponent(composite);
}

/** Host parts are copied into TensorFlow now, as host tensors of a source are. */
export function snapshotComposite(c: CompositeComponent): void {
  if (c instanceof SparseTensor) for (const t of [c.indices, c.values, c.denseShape]) t.handle();
  if (c instanceof RaggedTensor) for (const t of [...c.nestedRowSplits, c.flatValues]) t.handle();
}

/** The variant a source op takes for `c`: boxed whole, or row by row for slicing. */
export function emitComposite(ctx: GraphContext, c: CompositeComponent, sliced: boolean): Sym {
  const host = (t: Tensor) => ctx.captureHost(t);
  let value: SparseSym | RaggedSym;
  if (c instanceof SparseTensor) {
    value = new SparseSym(
      host(c.indices) as Sym<'int64'>,
      host(c.values),
      host(c.denseShape) as Sym<'int64'>,
      compositeShape(c),
    );
  } else if (c instanceof RaggedTensor) {
    value = new RaggedSym(
      host(c.flatValues),
      c.nestedRowSplits.map((s) => host(s) as Sym<'int32' | 'int64'>),
      compositeShape(c),
    );
  } else {
    value = c;
  }
  const spec = compositeSpecOf(value);
  return sliced && spec ? boxRows(ctx, value, spec) : boxComposite(ctx, value);
}

// ---- composites yielded by JavaScript (fromGenerator, mapJs) ----
// A yielded SparseTensor or RaggedTensor crosses as its plain tensors (the parts below), which
// the traced side boxes into the component's variant.

/** The plain tensors a component crosses from JavaScript as: itself, or a composite's parts. */
export function crossingSpecs(spec: TensorSpec): TensorSpec[] {
  const c = spec.composite;
  if (!c) return [spec];
  const rank = c.shape === null ? null : c.shape.length;
  if (c.kind === 'sparse')
    return [
      { dtype: 'int64', shape: [null, rank] },
      { dtype: c.dtype, shape: [null] },
      { dtype: 'int64', shape: [rank] },
    ];
  const inner = c.shape === null ? null : [null, ...c.shape.slice(c.raggedRank + 1)];
  return [
    ...Array.from({ length: c.raggedRank }, (): TensorSpec => ({ dtype: c.rowSplitsDtype, shape: [null] })),
    { dtype: c.dtype, shape: inner },
  ];
}

/** A yielded composite's parts, after checking it against its spec (`where` names it in errors). */
export function yieldedParts(value: unknown, spec: TensorSpec, where: string): Tensor[] {
  const c = spec.composite as NonNullable<TensorSpec['composite']>;
  const expected =
    c.kind === 'sparse'
      ? `a SparseTensor of ${c.dtype}`
      : `a RaggedTensor of ${c.dtype} with ragged rank ${c.raggedRank} and ${c.rowSplitsDtype} row splits`;
  const fits = (shape: readonly (number | null)[]) =>
    c.shape === null ||
    (shape.length === c.shape.length && c.shape.every((d, i) => d === null || shape[i] === null || d === shape[i]));
  if (c.kind === 'sparse') {
    if (!(value instanceof SparseTensor) || value.dtype !== c.dtype || !fits(value.shape))
      throw new TypeError(`${where}: expected ${expected} of shape ${shapeText(c.shape)}, got ${describe(value)}`);
    return [value.indices, value.values, value.denseShape];
  }
  // Ragged rank 0: the dense values themselves.
  if (c.raggedRank === 0) {
    if (!(value instanceof Tensor) || value.dtype !== c.dtype || !fits(value.shape))
      throw new TypeError(
        `${where}: expected a Tensor of ${c.dtype} of shape ${shapeText(c.shape)}, got ${describe(value)}`,
      );
    return [value];
  }
  if (
    !(value instanceof RaggedTensor) ||
    value.dtype !== c.dtype ||
    value.raggedRank !== c.raggedRank ||
    value.rowSplits.dtype !== c.rowSplitsDtype ||
    !fits(value.shape)
  )
    throw new TypeError(`${where}: expected ${expected} of shape ${shapeText(c.shape)}, got ${describe(value)}`);
  return [...value.nestedRowSplits, value.flatValues];
}

/** The sparse or ragged value the parts that crossed make (in a traced function). */
export function composeCrossed(parts: Sym[], spec: TensorSpec): SparseSym | RaggedSym {
  const c = spec.composite as NonNullable<TensorSpec['composite']>;
  if (c.kind === 'sparse') return new SparseSym(parts[0] as Sym<'int64'>, parts[1], parts[2] as Sym<'int64'>, c.shape);
  const splits = parts.slice(0, -1) as Sym<'int32' | 'int64'>[];
  return new RaggedSym(parts[parts.length - 1], splits, c.shape);
}

function describe(v: unknown): string {
  if (v instanceof SparseTensor) return `a SparseTensor of ${v.dtype} of shape ${shapeText(v.shape)}`;
  if (v instanceof RaggedTensor)
    return (
      `a RaggedTensor of ${v.dtype} of shape ${shapeText(v.shape)} ` +
      `(ragged rank ${v.raggedRank}, ${v.rowSplits.dtype} row splits)`
    );
  return v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}
