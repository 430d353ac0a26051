// Sparse and ragged tensors in a graph, and how they travel through a dataset. tf.data carries a
// composite component as one variant tensor, as Python's SparseTensorSpec/RaggedTensorSpec do:
// a sparse tensor boxed by SerializeSparse (a variant [3]; batch() stacks them into [n, 3],
// which DeserializeSparse reads back as one sparse tensor of rank + 1 whose dense shape is the
// largest of the batch), a ragged tensor boxed by RaggedTensorToVariant (a variant scalar; batch()
// stacks them into [n], which RaggedTensorFromVariant reads back with one more ragged dimension).
// Callbacks see the unboxed SparseSym/RaggedSym; the pipeline's outputs are unboxed in the
// pipeline graph after IteratorGetNext, so what JavaScript fetches is plain tensors.
import type { DType, GraphDType } from '../tensor/dtypes';
import type { RowSplitsDType } from '../tensor/composite';
import { tensor } from '../tensor/tensor';
import type { GraphContext } from './context';
import { StaticShape, Sym } from './sym';

/** A sparse component's type: the dense tensor's dtype and static shape. */
export interface SparseSpec {
  /** Marks a sparse component. */
  readonly kind: 'sparse';
  /** The values' dtype. */
  readonly dtype: DType;
  /** The dense tensor's static shape (null dims unknown; null when the rank is unknown). */
  readonly shape: StaticShape;
}

/** A ragged component's type. */
export interface RaggedSpec {
  /** Marks a ragged component. */
  readonly kind: 'ragged';
  /** The values' dtype. */
  readonly dtype: DType;
  /** Static shape, ragged dimensions null. */
  readonly shape: StaticShape;
  /** Number of ragged dimensions (0: a dense tensor carried in ragged form, as after unbatch()). */
  readonly raggedRank: number;
  /** The row splits' dtype. */
  readonly rowSplitsDtype: RowSplitsDType;
}

/** The type of a component that is not a plain tensor. */
export type CompositeSpec = SparseSpec | RaggedSpec;

/** A sparse tensor in a graph being built (what a VarLenFeature parses to). */
export class SparseSym<D extends GraphDType = GraphDType> {
  /** @internal */
  constructor(
    /** The cells that hold a value, int64 [n, rank]. */
    readonly indices: Sym<'int64'>,
    /** The values, [n]. */
    readonly values: Sym<D>,
    /** The dense shape, int64 [rank]. */
    readonly denseShape: Sym<'int64'>,
    /** The dense tensor's static shape. */
    readonly shape: StaticShape,
  ) {}

  /** The values' dtype. */
  get dtype(): D {
    return this.values.dtype;
  }

  /** A readable description: dtype and static dense shape. */
  toString(): string {
    return `SparseSym<${this.dtype}>${shapeText(this.shape)}`;
  }

  /** What `console.log` and `util.inspect` show: the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A ragged tensor in a graph being built (what a RaggedFeature parses to). */
export class RaggedSym<D extends GraphDType = GraphDType> {
  /** @internal */
  constructor(
    /** The values of every row, concatenated. */
    readonly flatValues: Sym<D>,
    /** One row-splits vector per ragged dimension, outermost first. */
    readonly nestedRowSplits: readonly Sym<RowSplitsDType>[],
    /** Static shape, ragged dimensions null. */
    readonly shape: StaticShape,
  ) {}

  /** The values' dtype. */
  get dtype(): D {
    return this.flatValues.dtype;
  }

  /** Number of ragged dimensions. */
  get raggedRank(): number {
    return this.nestedRowSplits.length;
  }

  /** The outermost row splits. */
  get rowSplits(): Sym<RowSplitsDType> {
    return this.nestedRowSplits[0];
  }

  /** A readable description: dtype, static shape and ragged rank. */
  toString(): string {
    return `RaggedSym<${this.dtype}>${shapeText(this.shape)} ragged rank ${this.raggedRank}`;
  }

  /** What `console.log` and `util.inspect` show: the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** One component of an element inside a callback: a tensor, a sparse or a ragged tensor. */
export type ComponentSym = Sym | SparseSym | RaggedSym;

function shapeText(s: StaticShape): string {
  return s === null ? '<unknown>' : `[${s.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** The composite type of a value, or undefined for a plain Sym. */
export function compositeSpecOf(value: ComponentSym): CompositeSpec | undefined {
  if (value instanceof SparseSym) return { kind: 'sparse', dtype: value.dtype as DType, shape: value.shape };
  if (value instanceof RaggedSym) {
    return {
      kind: 'ragged',
      dtype: value.dtype as DType,
      shape: value.shape,
      raggedRank: value.raggedRank,
      rowSplitsDtype: value.rowSplits.dtype,
    };
  }
  return undefined;
}

/** The variant that carries `value` through a dataset (SerializeSparse / RaggedTensorToVariant). */
export function boxComposite(ctx: GraphContext, value: SparseSym | RaggedSym): Sym {
  if (value instanceof SparseSym) {
    return ctx.addOp('SerializeSparse', [value.indices, value.values, value.denseShape], { out_type: 'variant' })[0];
  }
  return ctx.addOp('RaggedTensorToVariant', [[...value.nestedRowSplits], value.flatValues], {
    batched_input: false,
  })[0];
}

/** The variant flat spec's shape once `batchDims` leading dims were stacked by batch(). */
export function boxedShape(spec: CompositeSpec, batchDims: (number | null)[]): StaticShape {
  return spec.kind === 'sparse' ? [...batchDims, 3] : [...batchDims];
}

/** The parts of a boxed composite (`variant`, as a dataset carries it), unboxed in `ctx`. */
export function unboxComposite(ctx: GraphContext, variant: Sym, spec: CompositeSpec): SparseSym | RaggedSym | Sym {
  if (spec.kind === 'sparse') {
    const [indices, values, shape] = ctx.addOp('DeserializeSparse', [variant], { dtype: spec.dtype });
    // A fully known static shape is the dense shape (as Python's SparseTensorSpec restores it).
    const known = spec.shape !== null && spec.shape.every((d) => d !== null);
    const denseShape = known
      ? ctx.constant(
          tensor(
            (spec.shape as number[]).map((d) => BigInt(d)),
            'int64',
            [(spec.shape as number[]).length],
          ),
        )
      : shape;
    return new SparseSym(indices as Sym<'int64'>, values, denseShape as Sym<'int64'>, spec.shape);
  }
  // input_ragged_rank -1: inferred from the variant's rank (each batch() added one), as Python does.
  const outputs = ctx.addOp('RaggedTensorFromVariant', [variant], {
    input_ragged_rank: -1,
    output_ragged_rank: spec.raggedRank,
    Tvalues: spec.dtype,
    Tsplits: spec.rowSplitsDtype,
  });
  const values = outputs[outputs.length - 1];
  if (spec.raggedRank === 0) return values;
  return new RaggedSym(values, outputs.slice(0, -1) as Sym<RowSplitsDType>[], spec.shape);
}

/** The tensors a composite unboxes to, in the order a host SparseTensor/RaggedTensor is rebuilt from. */
export function compositeParts(value: SparseSym | RaggedSym | Sym): Sym[] {
  if (value instanceof SparseSym) return [value.indices, value.values, value.denseShape];
  if (value instanceof RaggedSym) return [...value.nestedRowSplits, value.flatValues];
  return [value];
}

/** The type of a batch of `batchSize` (null: unknown) composites of type `spec` (as Python's `_batch`). */
export function batchedComposite(spec: CompositeSpec, batchSize: number | null): CompositeSpec {
  const shape = spec.shape === null ? null : [batchSize, ...spec.shape];
  return spec.kind === 'sparse' ? { ...spec, shape } : { ...spec, shape, raggedRank: spec.raggedRank + 1 };
}

/** The type of one row of a batch of composites (as Python's `_unbatch`). */
export function unbatchedComposite(spec: CompositeSpec): CompositeSpec {
  const shape = spec.shape === null ? null : spec.shape.slice(1);
  return spec.kind === 'sparse' ? { ...spec, shape } : { ...spec, shape, raggedRank: spec.raggedRank - 1 };
}

/**
 * `value` (a batch of composites, unboxed) boxed row by row: a variant [n, 3] of sparse rows
 * (SerializeManySparse) or [n] of ragged rows (RaggedTensorToVariant, batched_input). What
 * unbatch() slices, as Python's normalize_to_dense prepares it.
 */
export function boxRows(ctx: GraphContext, value: SparseSym | RaggedSym | Sym, spec: CompositeSpec): Sym {
  if (value instanceof SparseSym) {
    return ctx.addOp('SerializeManySparse', [value.indices, value.values, value.denseShape], {
      out_type: 'variant',
    })[0];
  }
  const [splits, values] = value instanceof RaggedSym ? [[...value.nestedRowSplits], value.flatValues] : [[], value];
  const Tsplits = spec.kind === 'ragged' && splits.length === 0 ? spec.rowSplitsDtype : undefined;
  return ctx.addOp('RaggedTensorToVariant', [splits, values], { batched_input: true, Tsplits })[0];
}

/**
 * The type both `a` and `b` fit (concatenate): the same kind, dtype and ragged rank, dims that
 * differ unknown; undefined when neither is composite; a description of the clash otherwise.
 */
export function mergeComposites(
  a: CompositeSpec | undefined,
  b: CompositeSpec | undefined,
): { spec: CompositeSpec | undefined } | { clash: string } {
  if (!a && !b) return { spec: undefined };
  const show = (s: CompositeSpec | undefined) =>
    s === undefined ? 'a tensor' : `${s.kind}<${s.dtype}>${s.kind === 'ragged' ? ` ragged rank ${s.raggedRank}` : ''}`;
  if (
    !a ||
    !b ||
    a.kind !== b.kind ||
    a.dtype !== b.dtype ||
    (a.kind === 'ragged' &&
      b.kind === 'ragged' &&
      (a.raggedRank !== b.raggedRank || a.rowSplitsDtype !== b.rowSplitsDtype))
  )
    return { clash: `${show(a)} here but ${show(b)} in other` };
  const shape =
    a.shape === null || b.shape === null || a.shape.length !== b.shape.length
      ? null
      : a.shape.map((d, i) => (d === (b.shape as (number | null)[])[i] ? d : null));
  return { spec: { ...a, shape } };
}
