// Type-level view of element structures: Syms inside callbacks, Tensors when iterating.
import type { LiteralDType } from '../tensor/literal-dtype';
import type { AnyTypedArray, DType, GraphDType } from '../tensor/dtypes';
import type { StaticShape, Sym } from '../graph/sym';
import type { NestedArray, Tensor } from '../tensor/tensor';
import type { RaggedSym, SparseSym } from '../graph/composite';
import type { RaggedTensor, RowSplitsDType, SparseTensor } from '../tensor/composite';

/**
 * The key of a Dataset's phantom element type: how element types recognise a dataset component
 * (window's elements) without importing the Dataset class. Types only: nothing at run time.
 */
export declare const NESTED_ELEMENT: unique symbol;

/** A component whose value is a dataset of elements `E` (structurally, `Dataset<E>`). */
export interface DatasetComponent<E = unknown> {
  /** The element type (a phantom: never read). */
  readonly [NESTED_ELEMENT]: E;
}

/**
 * An element: a Sym (or a sparse or ragged one), a dataset (window's elements), a tuple or a
 * record of elements, nested.
 */
export type Element =
  Sym | SparseSym | RaggedSym | DatasetComponent | readonly Element[] | { readonly [key: string]: Element };

/**
 * What iteration yields for an element type: the same structure with host tensors (a
 * SparseTensor for a SparseSym, a RaggedTensor for a RaggedSym). A dataset component has no host
 * form (`never`): iterating such a dataset is a TypeError; flatten it with flatMap.
 */
export type HostElement<T> = [Element] extends [T]
  ? AnyHostElement
  : T extends Sym<infer D>
    ? Tensor<D & DType>
    : T extends SparseSym<infer D>
      ? SparseTensor<D & DType>
      : T extends RaggedSym<infer D>
        ? RaggedTensor<D & DType>
        : T extends DatasetComponent
          ? never
          : T extends readonly unknown[]
            ? { -readonly [K in keyof T]: HostElement<T[K]> }
            : { -readonly [K in keyof T]: HostElement<T[K]> };

/** Any element iteration may yield: what a Dataset of an element type known only at run time yields. */
export type AnyHostElement =
  Tensor | SparseTensor | RaggedTensor | readonly AnyHostElement[] | { readonly [key: string]: AnyHostElement };

/** dtype and static shape of one component. */
export interface ComponentSpec<D extends GraphDType = GraphDType> {
  /** The element type. */
  dtype: D;
  /** Static shape (null dims unknown; null when the rank is unknown). */
  shape: StaticShape;
}

/** The spec of a sparse component in `elementSpec` (Python's SparseTensorSpec). */
export interface SparseComponentSpec<D extends GraphDType = GraphDType> {
  /** Marks a sparse component. */
  kind: 'sparse';
  /** The values' dtype. */
  dtype: D;
  /** The dense tensor's static shape. */
  shape: StaticShape;
}

/** The spec of a ragged component in `elementSpec` (Python's RaggedTensorSpec). */
export interface RaggedComponentSpec<D extends GraphDType = GraphDType> {
  /** Marks a ragged component. */
  kind: 'ragged';
  /** The values' dtype. */
  dtype: D;
  /** Static shape, ragged dimensions null. */
  shape: StaticShape;
  /** Number of ragged dimensions. */
  raggedRank: number;
  /** The row splits' dtype. */
  rowSplitsDtype: RowSplitsDType;
}

/** The spec of a dataset component in `elementSpec` (Python's DatasetSpec): its element spec. */
export interface DatasetComponentSpec<S = unknown> {
  /** Marks a dataset component. */
  kind: 'dataset';
  /** The nested dataset's `elementSpec`. */
  elementSpec: S;
}

/** `elementSpec`: the same structure with a ComponentSpec per component. */
export type SpecOf<T> =
  T extends Sym<infer D>
    ? ComponentSpec<D>
    : T extends SparseSym<infer D>
      ? SparseComponentSpec<D>
      : T extends RaggedSym<infer D>
        ? RaggedComponentSpec<D>
        : T extends DatasetComponent<infer E>
          ? DatasetComponentSpec<SpecOf<E>>
          : T extends readonly unknown[]
            ? { -readonly [K in keyof T]: SpecOf<T[K]> }
            : { -readonly [K in keyof T]: SpecOf<T[K]> };

/** A value a source accepts as one component. */
export type SourceLeaf =
  | NestedBuffers
  | Tensor
  | Sym
  | SparseTensor
  | RaggedTensor
  | SparseSym
  | RaggedSym
  | AnyTypedArray
  | NestedArray<number>
  | NestedArray<bigint>
  | NestedArray<boolean>
  | NestedArray<string>;

/** Arrays (nested) of Node Buffers: one string tensor of their bytes, as `tensor()` reads them. */
export type NestedBuffers = readonly Buffer[] | readonly NestedBuffers[];

/** Structures of source components. */
export type SourceStructure = SourceLeaf | readonly SourceStructure[] | { readonly [key: string]: SourceStructure };

/** The dtype a TypedArray type carries. */
export type TypedArrayDType<A> = A extends Float32Array
  ? 'float32'
  : A extends Float64Array
    ? 'float64'
    : A extends Int32Array
      ? 'int32'
      : A extends BigInt64Array
        ? 'int64'
        : A extends BigUint64Array
          ? 'uint64'
          : A extends Int16Array
            ? 'int16'
            : A extends Int8Array
              ? 'int8'
              : A extends Uint16Array
                ? 'uint16'
                : A extends Uint32Array
                  ? 'uint32'
                  : 'uint8';

/**
 * The element type a source structure gives. (Slicing a ragged tensor with one ragged dimension
 * gives dense rows, as in Python: typed RaggedSym, they are plain Syms at run time.)
 */
export type SymOfSource<S> =
  S extends Tensor<infer D>
    ? Sym<D>
    : S extends SparseTensor<infer D>
      ? SparseSym<D>
      : S extends RaggedTensor<infer D>
        ? RaggedSym<D>
        : S extends Sym | SparseSym | RaggedSym
          ? S
          : S extends NestedBuffers
            ? Sym<'string'>
            : S extends AnyTypedArray
              ? Sym<TypedArrayDType<S>>
              : S extends NestedArray<number>
                ? Sym<LiteralDType<S>>
                : S extends NestedArray<bigint>
                  ? Sym<'int64'>
                  : S extends NestedArray<boolean>
                    ? Sym<'bool'>
                    : S extends NestedArray<string>
                      ? Sym<'string'>
                      : S extends readonly unknown[]
                        ? { -readonly [K in keyof S]: SymOfSource<S[K]> }
                        : { -readonly [K in keyof S]: SymOfSource<S[K]> };

/**
 * One component of a signature given as data (fromGenerator's outputSignature, fromService's
 * elementSpec): what `ds.elementSpec` holds at its leaves.
 */
export interface SignatureSpec<D extends GraphDType = GraphDType> {
  /** The element type. */
  readonly dtype: D;
  /** Static shape (null dims unknown; null when the rank is unknown). */
  readonly shape: readonly (number | null)[] | null;
}

/** A sparse component of a signature (Python's tf.SparseTensorSpec): yielded as a SparseTensor. */
export interface SparseSignatureSpec<D extends GraphDType = GraphDType> {
  /** Marks a sparse component. */
  readonly kind: 'sparse';
  /** The values' dtype. */
  readonly dtype: D;
  /** The dense tensor's static shape (null dims unknown); its rank must be known (not null). */
  readonly shape: readonly (number | null)[] | null;
}

/** A ragged component of a signature (Python's tf.RaggedTensorSpec): yielded as a RaggedTensor. */
export interface RaggedSignatureSpec<D extends GraphDType = GraphDType> {
  /** Marks a ragged component. */
  readonly kind: 'ragged';
  /** The values' dtype. */
  readonly dtype: D;
  /** Static shape, ragged dimensions null; its rank must be known (not null). */
  readonly shape: readonly (number | null)[] | null;
  /** Number of ragged dimensions (default: rank - 1, as Python's). */
  readonly raggedRank?: number;
  /** The row splits' dtype (default int64). */
  readonly rowSplitsDtype?: RowSplitsDType;
}

/** One leaf of a signature: a dense, sparse or ragged component's spec. */
export type SignatureLeaf = SignatureSpec | SparseSignatureSpec | RaggedSignatureSpec;

/** A signature: component specs in a tuple or record, nested (as `ds.elementSpec` gives). */
export type SpecStructure = SignatureLeaf | readonly SpecStructure[] | { readonly [key: string]: SpecStructure };

/**
 * The Sym structure a signature describes: `{ x: { dtype: 'float32', shape: [32] } }` →
 * `{ x: Sym<'float32'> }`; any element when the signature is not known statically.
 */
export type SymOfSignature<S> = [S] extends [never]
  ? Element
  : SpecStructure extends S
    ? Element
    : S extends SparseSignatureSpec<infer D>
      ? SparseSym<D>
      : S extends RaggedSignatureSpec<infer D>
        ? RaggedSym<D>
        : S extends SignatureSpec<infer D>
          ? Sym<D>
          : S extends readonly unknown[]
            ? { -readonly [K in keyof S]: SymOfSignature<S[K]> }
            : { -readonly [K in keyof S]: SymOfSignature<S[K]> };

/** One component as a generator may yield it: a Tensor, TypedArray, Buffer, nested array or scalar. */
export type YieldedComponent =
  | Tensor
  | AnyTypedArray
  | Buffer
  | NestedArray<number>
  | NestedArray<bigint>
  | NestedArray<boolean>
  | NestedArray<string>;

/**
 * What a generator yields for a signature: the same structure with host values (anything when
 * the signature is not known statically).
 */
export type YieldOf<S> = [S] extends [never]
  ? unknown
  : SpecStructure extends S
    ? unknown
    : S extends SparseSignatureSpec<infer D>
      ? SparseTensor<D & DType>
      : S extends RaggedSignatureSpec<infer D>
        ? RaggedTensor<D & DType>
        : S extends SignatureSpec
          ? YieldedComponent
          : S extends readonly unknown[]
            ? { [K in keyof S]: YieldOf<S[K]> }
            : { [K in keyof S]: YieldOf<S[K]> };
