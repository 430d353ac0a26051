// Host composite tensors: a sparse tensor (COO: indices, values, dense shape) and a ragged tensor
// (flat values and nested row splits), as tf.SparseTensor and tf.RaggedTensor hold them. What a
// pipeline yields for a sparse or ragged component (VarLenFeature, RaggedFeature, batch() of them).
import type { DType, ValueTypeMap } from './dtypes';
import { Nested, Tensor } from './tensor';

/** The dtype of a ragged tensor's row splits (tf.RaggedTensor allows int32 or int64). */
export type RowSplitsDType = 'int32' | 'int64';

/**
 * A sparse tensor in COO form (tf.SparseTensor): `values[i]` sits at `indices[i]` (int64
 * [n, rank]) of a dense tensor of shape `denseShape` (int64 [rank]); every other cell is empty.
 */
export class SparseTensor<D extends DType = DType> {
  /** The cells that hold a value, int64 [n, rank], in row-major order. */
  readonly indices: Tensor<'int64'>;
  /** The values, [n]. */
  readonly values: Tensor<D>;
  /** The dense shape, int64 [rank]. */
  readonly denseShape: Tensor<'int64'>;

  /** Checks that the three parts fit together (ranks and counts). */
  constructor(indices: Tensor<'int64'>, values: Tensor<D>, denseShape: Tensor<'int64'>) {
    if (!(indices instanceof Tensor) || indices.dtype !== 'int64' || indices.rank !== 2)
      throw new TypeError('SparseTensor: indices must be an int64 Tensor of shape [n, rank]');
    if (!(values instanceof Tensor) || values.rank !== 1)
      throw new TypeError('SparseTensor: values must be a Tensor of shape [n]');
    if (!(denseShape instanceof Tensor) || denseShape.dtype !== 'int64' || denseShape.rank !== 1)
      throw new TypeError('SparseTensor: denseShape must be an int64 Tensor of shape [rank]');
    if (indices.shape[0] !== values.shape[0])
      throw new RangeError(`SparseTensor: ${indices.shape[0]} indices for ${values.shape[0]} values`);
    if (indices.shape[1] !== denseShape.shape[0])
      throw new RangeError(`SparseTensor: indices have rank ${indices.shape[1]}, denseShape ${denseShape.shape[0]}`);
    this.indices = indices;
    this.values = values;
    this.denseShape = denseShape;
  }

  /** The values' dtype. */
  get dtype(): D {
    return this.values.dtype;
  }

  /** The dense shape as numbers. */
  get shape(): number[] {
    return Array.from(this.denseShape.data, Number);
  }

  /** Number of dimensions of the dense tensor. */
  get rank(): number {
    return this.denseShape.size;
  }

  /** The dense tensor, empty cells holding `defaultValue` (0, false or '' by default). */
  toDense(defaultValue?: ValueTypeMap[D]): Tensor<D> {
    const shape = this.shape;
    const size = shape.reduce((a, d) => a * d, 1);
    const rank = shape.length;
    const flat = (i: number) => {
      let at = 0;
      for (let d = 0; d < rank; d++) at = at * shape[d] + Number(this.indices.data[i * rank + d]);
      return at;
    };
    const dtype = this.dtype;
    if (dtype === 'string') {
      const fill = new TextEncoder().encode((defaultValue as string | undefined) ?? '');
      const cells: Uint8Array[] = Array.from({ length: size }, () => fill);
      (this.values.data as Uint8Array[]).forEach((v, i) => (cells[flat(i)] = v));
      return new Tensor(dtype, shape, cells as never);
    }
    const Ctor = (this.values.data as unknown as { constructor: new (n: number) => ArrayLike<unknown> }).constructor;
    const out = new Ctor(size) as unknown as { [i: number]: unknown; fill(v: unknown): void };
    if (defaultValue !== undefined) out.fill(dtype === 'bool' ? Number(defaultValue) : defaultValue);
    const values = this.values.data as unknown as ArrayLike<unknown>;
    for (let i = 0; i < values.length; i++) out[flat(i)] = values[i];
    return new Tensor(dtype, shape, out as never);
  }

  /** A readable summary: dtype, dense shape and the number of values. */
  toString(): string {
    return `SparseTensor<${this.dtype}>[${this.shape.join(',')}] ${this.values.size} values`;
  }

  /** What `console.log` and `util.inspect` show: the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * A ragged tensor (tf.RaggedTensor): `flatValues` partitioned into rows by `nestedRowSplits`,
 * outermost first. With one splits vector `[0, 2, 2, 5]`, rows are values[0:2], values[2:2],
 * values[2:5].
 */
export class RaggedTensor<D extends DType = DType> {
  /** The values of every row, concatenated: [nvals, ...inner dims]. */
  readonly flatValues: Tensor<D>;
  /** One row-splits vector per ragged dimension, outermost first (each starts at 0, non-decreasing). */
  readonly nestedRowSplits: readonly Tensor<RowSplitsDType>[];

  /** Checks that the splits partition the values. */
  constructor(flatValues: Tensor<D>, nestedRowSplits: readonly Tensor<RowSplitsDType>[]) {
    if (!(flatValues instanceof Tensor) || flatValues.rank < 1)
      throw new TypeError('RaggedTensor: flatValues must be a Tensor of rank >= 1');
    if (!Array.isArray(nestedRowSplits) || nestedRowSplits.length === 0)
      throw new TypeError('RaggedTensor: nestedRowSplits must hold at least one row-splits Tensor');
    let rows = flatValues.shape[0];
    for (let k = nestedRowSplits.length - 1; k >= 0; k--) {
      const s = nestedRowSplits[k];
      if (!(s instanceof Tensor) || (s.dtype !== 'int32' && s.dtype !== 'int64') || s.rank !== 1 || s.size < 1)
        throw new TypeError(`RaggedTensor: nestedRowSplits[${k}] must be a non-empty int32 or int64 vector`);
      if (Number(s.data[s.size - 1]) !== rows)
        throw new RangeError(`RaggedTensor: nestedRowSplits[${k}] ends at ${s.data[s.size - 1]}, not ${rows}`);
      rows = s.size - 1;
    }
    this.flatValues = flatValues;
    this.nestedRowSplits = Object.freeze([...nestedRowSplits]);
  }

  /** The values' dtype. */
  get dtype(): D {
    return this.flatValues.dtype;
  }

  /** Number of ragged dimensions. */
  get raggedRank(): number {
    return this.nestedRowSplits.length;
  }

  /** The outermost row splits. */
  get rowSplits(): Tensor<RowSplitsDType> {
    return this.nestedRowSplits[0];
  }

  /** Number of rows (the outermost dimension). */
  get nrows(): number {
    return this.rowSplits.size - 1;
  }

  /** Shape with `null` for the ragged dimensions: [nrows, null, …, ...inner dims of flatValues]. */
  get shape(): (number | null)[] {
    return [this.nrows, ...this.nestedRowSplits.map(() => null), ...this.flatValues.shape.slice(1)];
  }

  /** Nested JS arrays, one per row (as tf.RaggedTensor.to_list()). */
  toArray(): Nested<ValueTypeMap[D]>[] {
    const values = this.flatValues.toArray() as Nested<ValueTypeMap[D]>[];
    let level: unknown[] = values;
    for (let k = this.nestedRowSplits.length - 1; k >= 0; k--) {
      const splits = Array.from(this.nestedRowSplits[k].data as ArrayLike<number | bigint>, Number);
      const source = level;
      level = splits.slice(1).map((end, i) => source.slice(splits[i], end));
    }
    return level as Nested<ValueTypeMap[D]>[];
  }

  /** A readable summary: dtype, shape and values. */
  toString(): string {
    const dims = this.shape.map((d) => (d === null ? '?' : d)).join(',');
    return `RaggedTensor<${this.dtype}>[${dims}] ${JSON.stringify(this.toArray(), (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    )}`;
  }

  /** What `console.log` and `util.inspect` show: the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
