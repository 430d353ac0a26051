// The partitions of a RaggedFeature (tf.io.RaggedFeature.RowSplits, RowLengths, RowStarts,
// RowLimits, ValueRowIds, UniformRowLength): how the values parsed for one feature are cut into rows by the
// int64 lists of other features, for one Example or a batch of them, as Python's
// parsing_config builds them (_add_ragged_partition, _add_batched_ragged_partition).
import { GraphContext } from '../graph/context';
import { RaggedSym } from '../graph/composite';
import { Sym } from '../graph/sym';
import type { RowSplitsDType } from '../tensor/composite';
import { tensor } from '../tensor/tensor';

/** One partition of a RaggedFeature: the feature key of its int64 list, or a fixed row length. */
export type RaggedPartition =
  | {
      /** Row splits (0, then each row's end). */
      readonly rowSplits: string;
    }
  | {
      /** Each row's length. */
      readonly rowLengths: string;
    }
  | {
      /** Each row's start. */
      readonly rowStarts: string;
    }
  | {
      /** Each row's end. */
      readonly rowLimits: string;
    }
  | {
      /** The row of each value (non-decreasing). */
      readonly valueRowIds: string;
    }
  | UniformRowLength;

/** The partition that gives every row the same length (it keeps one example's values dense). */
export interface UniformRowLength {
  /** Every row has this many values. */
  readonly uniformRowLength: number;
}

/** The feature key a partition reads (none for a uniform row length). */
export function partitionKey(p: RaggedPartition): string | undefined {
  if ('uniformRowLength' in p) return undefined;
  if ('rowSplits' in p) return p.rowSplits;
  if ('rowLengths' in p) return p.rowLengths;
  if ('rowStarts' in p) return p.rowStarts;
  if ('valueRowIds' in p) return p.valueRowIds;
  return p.rowLimits;
}

export function checkPartition(p: unknown, what: string): RaggedPartition {
  const kinds = ['rowSplits', 'rowLengths', 'rowStarts', 'rowLimits', 'valueRowIds', 'uniformRowLength'];
  const keys = typeof p === 'object' && p !== null ? Object.keys(p) : [];
  if (keys.length !== 1 || !kinds.includes(keys[0]))
    throw new TypeError(`${what}: a partition is one of { ${kinds.join(' | ')} }`);
  const v = (p as Record<string, unknown>)[keys[0]];
  if (keys[0] === 'uniformRowLength') {
    if (!Number.isSafeInteger(v) || (v as number) < 1)
      throw new RangeError(`${what}: uniformRowLength must be an integer >= 1, got ${String(v)}`);
  } else if (typeof v !== 'string' || v.length === 0) {
    throw new TypeError(`${what}: ${keys[0]} names a feature key (a non-empty string)`);
  }
  return p as RaggedPartition;
}

/** A RaggedSym with its static shape: [outer, one null per ragged dim, ...the values' inner dims]. */
function raggedOf(flat: Sym, nested: Sym<RowSplitsDType>[], outer: number | null): RaggedSym {
  const inner = flat.shape === null ? null : flat.shape.slice(1);
  return new RaggedSym(flat, nested, inner === null ? null : [outer, ...nested.map(() => null), ...inner]);
}

/** A value being partitioned: dense rows, or a ragged tensor. */
type Values = Sym | RaggedSym;

class Builder {
  constructor(
    private readonly ctx: GraphContext,
    private readonly dtype: RowSplitsDType,
  ) {}

  op(type: string, inputs: (Sym | Sym[])[], attrs: Record<string, unknown> = {}): Sym {
    return this.ctx.addOp(type, inputs, attrs as never)[0];
  }
  int(v: number | number[]): Sym {
    const t =
      this.dtype === 'int64' ? tensor(Array.isArray(v) ? v.map(BigInt) : BigInt(v), 'int64') : tensor(v, 'int32');
    return this.ctx.constant(t);
  }
  /** Axis 0 (GatherV2's axis). */
  ctx0(): Sym {
    return this.ctx.constant(tensor(0, 'int32'));
  }
  /** The shape of a scalar, and of a vector of any length (Reshape's shape). */
  scalarShape(): Sym {
    return this.ctx.constant(tensor([], 'int32', [0]));
  }
  vectorShape(): Sym {
    return this.ctx.constant(tensor([-1], 'int32'));
  }
  cast(x: Sym): Sym {
    return x.dtype === this.dtype ? x : this.op('Cast', [x], { DstT: this.dtype, Truncate: false });
  }
  /** x[begin:end] of a vector (end 0: to the end). */
  slice(x: Sym, begin: number, end: number): Sym {
    const c = (v: number) => this.ctx.constant(tensor([v], 'int32'));
    return this.op('StridedSlice', [x, c(begin), c(end), c(1)], { end_mask: end === 0 ? 1 : 0 });
  }
  concat(parts: Sym[]): Sym {
    return this.op('ConcatV2', [parts, this.ctx.constant(tensor(0, 'int32'))]);
  }
  /** The number of rows of `v`. */
  nrows(v: Values): Sym {
    if (v instanceof RaggedSym)
      return this.op('Sub', [this.op('Size', [v.rowSplits], { out_type: this.dtype }), this.int(1)]);
    return this.slice(this.op('Shape', [v], { out_type: this.dtype }), 0, 1);
  }
  /** [0, cumsum(lengths)…]. */
  fromLengths(lengths: Sym): Sym {
    return this.concat([this.int([0]), this.op('Cumsum', [lengths, this.ctx.constant(tensor(0, 'int32'))])]);
  }
  /** Row ids of the `n` values of rows cut by `splits` (which row each value is in). */
  rowIds(splits: Sym, n: Sym): Sym {
    const limits = this.op('ExpandDims', [this.slice(splits, 1, 0), this.ctx.constant(tensor(0, 'int32'))]);
    const positions = this.op('Range', [
      this.int(0),
      this.op('Reshape', [n, this.ctx.constant(tensor([], 'int32', [0]))]),
      this.int(1),
    ]);
    const ids = this.op(
      'UpperBound',
      [limits, this.op('ExpandDims', [positions, this.ctx.constant(tensor(0, 'int32'))])],
      {
        out_type: this.dtype,
      },
    );
    return this.op('Reshape', [ids, this.ctx.constant(tensor([-1], 'int32'))]);
  }
  /** New rows over `v`: `splits` become its outermost row splits (`outer` rows, null: unknown). */
  withSplits(v: Values, splits: Sym, outer: number | null = null): RaggedSym {
    const nested = v instanceof RaggedSym ? [...v.nestedRowSplits] : [];
    const flat = v instanceof RaggedSym ? v.flatValues : v;
    return raggedOf(flat, [splits as Sym<RowSplitsDType>, ...nested], outer);
  }
  /** `v` cut into rows of `length` (Python's from_uniform_row_length, or a reshape of dense rows). */
  uniform(v: Values, length: number): Values {
    if (v instanceof RaggedSym) {
      const count = this.op('FloorDiv', [this.nrows(v), this.int(length)]);
      const end = this.op('AddV2', [this.op('Mul', [count, this.int(length)]), this.int(1)]);
      const splits = this.op('Range', [
        this.int(0),
        this.op('Reshape', [end, this.ctx.constant(tensor([], 'int32', [0]))]),
        this.int(length),
      ]);
      return this.withSplits(v, splits);
    }
    const rest = this.op(
      'StridedSlice',
      [
        this.op('Shape', [v], { out_type: 'int32' }),
        this.ctx.constant(tensor([1], 'int32')),
        this.ctx.constant(tensor([0], 'int32')),
        this.ctx.constant(tensor([1], 'int32')),
      ],
      { end_mask: 1 },
    );
    const shape = this.op('ConcatV2', [
      [this.ctx.constant(tensor([-1, length], 'int32')), rest],
      this.ctx.constant(tensor(0, 'int32')),
    ]);
    return this.op('Reshape', [v, shape]);
  }
  /** Splits of rows whose values have row ids `ids` (non-decreasing) among `nrows` rows. */
  fromRowIds(ids: Sym, nrows: Sym): Sym {
    const ones = this.op('OnesLike', [ids]);
    return this.fromLengths(this.op('UnsortedSegmentSum', [ones, ids, nrows]));
  }
  /** 1 + the largest of `ids` (0 when empty): the rows value row ids imply. */
  rowsOf(ids: Sym): Sym {
    const withFloor = this.concat([this.int([-1]), ids]);
    return this.op('AddV2', [this.op('Max', [withFloor, this.ctx.constant(tensor(0, 'int32'))]), this.int(1)]);
  }
  /** Splits of `v` cut by one partition tensor of one example. */
  splitsFor(p: RaggedPartition, t: Sym, v: Values): Sym {
    if ('rowSplits' in p) return t;
    if ('valueRowIds' in p) return this.fromRowIds(t, this.rowsOf(t));
    if ('rowLengths' in p) return this.fromLengths(t);
    if ('rowLimits' in p) return this.concat([this.int([0]), t]);
    return this.concat([t, this.nrows(v)]); // rowStarts
  }
}

/** One example's value (dense 1-D) cut by its partitions, innermost last (Python's order). */
export function partitionSingle(
  values: Sym,
  partitions: readonly RaggedPartition[],
  dense: (key: string) => Sym,
  dtype: RowSplitsDType,
): Values {
  const b = new Builder(GraphContext.require('parseSingleExample'), dtype);
  let rt: Values = values;
  for (const p of [...partitions].reverse()) {
    if ('uniformRowLength' in p) rt = b.uniform(rt, p.uniformRowLength);
    else rt = b.withSplits(rt, b.splitsFor(p, b.cast(dense(partitionKey(p) as string)), rt));
  }
  return rt;
}

/**
 * A batch's ragged value (one row per example) cut by its partitions, each a ragged tensor with
 * one row per example whose values are offset by the example's first value.
 */
export function partitionBatch(
  rt: RaggedSym,
  partitions: readonly RaggedPartition[],
  ragged: (key: string) => RaggedSym,
  batch: number | null,
): RaggedSym {
  const dtype = rt.rowSplits.dtype;
  const b = new Builder(GraphContext.require('parseExample'), dtype);
  // rt.values: the batch's rows without their outer (per example) split.
  const inner = (r: RaggedSym): Values =>
    r.raggedRank > 1 ? raggedOf(r.flatValues, r.nestedRowSplits.slice(1), null) : r.flatValues;
  for (const p of [...partitions].reverse()) {
    if ('uniformRowLength' in p) {
      const outer = b.op('FloorDiv', [rt.rowSplits, b.int(p.uniformRowLength)]);
      rt = b.withSplits(b.uniform(inner(rt), p.uniformRowLength), outer, batch);
      continue;
    }
    const part = ragged(partitionKey(p) as string);
    let values = b.cast(part.flatValues);
    let splits: Sym = part.rowSplits;
    if ('valueRowIds' in p) {
      // Each example's rows: 1 + its largest row id; ids move by the rows of the examples before.
      const examples = b.op('Sub', [b.op('Size', [splits], { out_type: dtype }), b.int(1)]);
      const owner = b.rowIds(splits, b.op('Size', [values], { out_type: dtype }));
      const most = b.op('UnsortedSegmentMax', [b.op('AddV2', [values, b.int(1)]), owner, examples]);
      const rows = b.op('Maximum', [most, b.int(0)]);
      const before = b.op('Cumsum', [rows, b.ctx0()], { exclusive: true });
      const ids = b.op('AddV2', [values, b.op('GatherV2', [before, owner, b.ctx0()])]);
      const total = b.op('Sum', [rows, b.ctx0()]);
      rt = b.withSplits(b.withSplits(inner(rt), b.fromRowIds(ids, total)), b.fromLengths(rows), batch);
      continue;
    }
    if ('rowSplits' in p) {
      // partition[:, 1:]: each example's splits without their leading 0.
      const n = b.op('Size', [values], { out_type: dtype });
      const ids = b.rowIds(b.cast(splits), n);
      const starts = b.op('GatherV2', [b.cast(splits), ids, b.ctx0()]);
      const positions = b.op('Range', [b.int(0), b.op('Reshape', [n, b.scalarShape()]), b.int(1)]);
      const keep = b.op('NotEqual', [positions, starts], { incompatible_shape_error: true });
      values = b.op('GatherV2', [values, b.op('Reshape', [b.op('Where', [keep]), b.vectorShape()]), b.ctx0()]);
      const lengths = b.op('Sub', [b.slice(splits, 1, 0), b.slice(splits, 0, -1)]);
      splits = b.fromLengths(b.op('Maximum', [b.op('Sub', [lengths, b.int(1)]), b.int(0)]));
    }
    let cut: Sym;
    if ('rowLengths' in p) {
      cut = b.fromLengths(values);
    } else {
      // Offsets: each example's values move by where its rows start in rt.values.
      const rowStarts = b.slice(rt.rowSplits, 0, -1);
      const ids = b.rowIds(b.cast(splits), b.op('Size', [values], { out_type: dtype }));
      const adjusted = b.op('AddV2', [values, b.op('GatherV2', [rowStarts, ids, b.ctx0()])]);
      cut = 'rowStarts' in p ? b.concat([adjusted, b.nrows(inner(rt))]) : b.concat([b.int([0]), adjusted]);
    }
    rt = b.withSplits(b.withSplits(inner(rt), cut), splits, batch);
  }
  return rt;
}
