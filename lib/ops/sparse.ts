// Sparse and ragged tensors to dense ones, inside callbacks.
import { GraphContext } from '../graph/context';
import { RaggedSym, SparseSym } from '../graph/composite';
import { Sym } from '../graph/sym';
import type { DType, GraphDType } from '../tensor/dtypes';
import { tensor } from '../tensor/tensor';

/** The value empty cells (sparse) or padding (ragged) take in a dense result: 0, false or '' by default. */
export type DenseDefault = number | bigint | boolean | string;

function fill(dtype: GraphDType, value: DenseDefault | undefined, what: string): Sym {
  const ctx = GraphContext.require(what);
  const zero = dtype === 'string' ? '' : dtype === 'bool' ? false : dtype === 'int64' || dtype === 'uint64' ? 0n : 0;
  try {
    return ctx.constant(tensor((value ?? zero) as never, dtype as DType));
  } catch (e) {
    throw new TypeError(`${what}: defaultValue does not fit ${dtype}: ${(e as Error).message}`, { cause: e });
  }
}

/** The dense tensor of a sparse one, empty cells holding `defaultValue` (tf.sparse.to_dense, SparseToDense). */
export function sparseToDense<D extends GraphDType>(sparse: SparseSym<D>, defaultValue?: DenseDefault): Sym<D> {
  if (!(sparse instanceof SparseSym)) throw new TypeError('sparseToDense: sparse must be a SparseSym');
  const ctx = GraphContext.require('sparseToDense');
  const [out] = ctx.addOp(
    'SparseToDense',
    [sparse.indices, sparse.denseShape, sparse.values, fill(sparse.dtype, defaultValue, 'sparseToDense')],
    { validate_indices: true },
  );
  return out as Sym<D>;
}

/**
 * The dense tensor of a ragged one, rows padded with `defaultValue` to the longest
 * (RaggedTensor.to_tensor, RaggedTensorToTensor).
 */
export function raggedToDense<D extends GraphDType>(ragged: RaggedSym<D>, defaultValue?: DenseDefault): Sym<D> {
  if (!(ragged instanceof RaggedSym)) throw new TypeError('raggedToDense: ragged must be a RaggedSym');
  const ctx = GraphContext.require('raggedToDense');
  const splits = ragged.rowSplits.dtype;
  // shape -1 (a scalar): no shape asked, the natural one is used.
  const shape = ctx.constant(tensor(splits === 'int64' ? -1n : -1, splits));
  const [out] = ctx.addOp(
    'RaggedTensorToTensor',
    [shape, ragged.flatValues, fill(ragged.dtype, defaultValue, 'raggedToDense'), [...ragged.nestedRowSplits]],
    { row_partition_types: ragged.nestedRowSplits.map(() => 'ROW_SPLITS') },
  );
  return out as Sym<D>;
}
