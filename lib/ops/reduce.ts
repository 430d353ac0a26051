// Reductions and arg-reductions.
import { NumericDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Axis, Operand, intConst, toSym } from '../graph/operands';
import { All, Any, ArgMax, ArgMin, Max, Mean, Min, Prod, Range, Rank, Sum } from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;
type ReductionOp = (args: { input: AnySym; reduction_indices: Sym<'int32'>; keep_dims: boolean }) => Sym;

// The op's name labels errors: the generated builders are named as the ops they add.
function reduction(op: ReductionOp, x: unknown, axis: Axis | undefined, keepDims: boolean): Sym {
  const type = op.name;
  const s = toSym(x, undefined, type) as AnySym;
  let axes: number[];
  if (axis === undefined) {
    if (s.rank === null) {
      const r = Rank({ input: s });
      const all = Range({
        start: intConst(0, type) as Sym<'int32'>,
        limit: r,
        delta: intConst(1, type) as Sym<'int32'>,
      });
      return op({ input: s, reduction_indices: all, keep_dims: keepDims });
    }
    axes = Array.from({ length: s.rank }, (_, i) => i);
  } else {
    axes = typeof axis === 'number' ? [axis] : [...axis];
  }
  if (s.rank !== null) {
    for (const a of axes) {
      if (!Number.isInteger(a) || a < -s.rank || a >= Math.max(s.rank, 1))
        throw new RangeError(`${type}: axis ${a} is out of range for rank ${s.rank}`);
    }
  }
  return op({ input: s, reduction_indices: intConst(axes, type) as Sym<'int32'>, keep_dims: keepDims });
}

/** Sum over `axis` (all axes when omitted); `keepDims` keeps reduced dimensions as 1. */
export function sum<D extends NumericDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> {
  return reduction(Sum, x, axis, keepDims) as Sym<D>;
}
/** Mean over `axis` (all axes when omitted). */
export function mean<D extends NumericDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> {
  return reduction(Mean, x, axis, keepDims) as Sym<D>;
}
/** Maximum over `axis` (all axes when omitted). */
export function max<D extends NumericDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> {
  return reduction(Max, x, axis, keepDims) as Sym<D>;
}
/** Minimum over `axis` (all axes when omitted). */
export function min<D extends NumericDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> {
  return reduction(Min, x, axis, keepDims) as Sym<D>;
}
/** Product over `axis` (all axes when omitted). */
export function prod<D extends NumericDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> {
  return reduction(Prod, x, axis, keepDims) as Sym<D>;
}
/** Logical and over `axis` of a bool tensor. */
export function all(x: Operand<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> {
  return reduction(All, x, axis, keepDims) as Sym<'bool'>;
}
/** Logical or over `axis` of a bool tensor. */
export function any(x: Operand<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> {
  return reduction(Any, x, axis, keepDims) as Sym<'bool'>;
}

/** Index (int64) of the largest value along `axis`. */
export function argMax<D extends NumericDType>(x: Operand<D>, axis = 0): Sym<'int64'> {
  return ArgMax({
    input: toSym(x, undefined, 'argMax') as AnySym,
    dimension: intConst(axis, 'argMax') as AnySym,
    output_type: 'int64',
  });
}
/** Index (int64) of the smallest value along `axis`. */
export function argMin<D extends NumericDType>(x: Operand<D>, axis = 0): Sym<'int64'> {
  return ArgMin({
    input: toSym(x, undefined, 'argMin') as AnySym,
    dimension: intConst(axis, 'argMin') as AnySym,
    output_type: 'int64',
  });
}
