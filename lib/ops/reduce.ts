// Reductions and arg-reductions.
import { GraphDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Axis, Operand, addOp, intConst, toSym } from '../graph/operands';

function reduction(type: string, x: unknown, axis: Axis | undefined, keepDims: boolean): Sym {
  const s = toSym(x, undefined, type);
  let axes: number[];
  if (axis === undefined) {
    if (s.rank === null) {
      const r = addOp('Rank', [s])[0];
      const all = addOp('Range', [intConst(0, type), r, intConst(1, type)])[0];
      return addOp(type, [s, all], { keep_dims: keepDims })[0];
    }
    axes = Array.from({ length: s.rank }, (_, i) => i);
  } else {
    axes = typeof axis === 'number' ? [axis] : [...axis];
  }
  if (s.rank !== null) {
    for (const a of axes) {
      if (!Number.isInteger(a) || a < -s.rank || a >= Math.max(s.rank, 1)) throw new RangeError(`${type}: axis ${a} is out of range for rank ${s.rank}`);
    }
  }
  return addOp(type, [s, intConst(axes, type)], { keep_dims: keepDims })[0];
}

/** Sum over `axis` (all axes when omitted); `keepDims` keeps reduced dimensions as 1. */
export function sum<D extends GraphDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> { return reduction('Sum', x, axis, keepDims) as Sym<D>; }
/** Mean over `axis` (all axes when omitted). */
export function mean<D extends GraphDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> { return reduction('Mean', x, axis, keepDims) as Sym<D>; }
/** Maximum over `axis` (all axes when omitted). */
export function max<D extends GraphDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> { return reduction('Max', x, axis, keepDims) as Sym<D>; }
/** Minimum over `axis` (all axes when omitted). */
export function min<D extends GraphDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> { return reduction('Min', x, axis, keepDims) as Sym<D>; }
/** Product over `axis` (all axes when omitted). */
export function prod<D extends GraphDType>(x: Operand<D>, axis?: Axis, keepDims = false): Sym<D> { return reduction('Prod', x, axis, keepDims) as Sym<D>; }
/** Logical and over `axis` of a bool tensor. */
export function all(x: Operand<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduction('All', x, axis, keepDims) as Sym<'bool'>; }
/** Logical or over `axis` of a bool tensor. */
export function any(x: Operand<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduction('Any', x, axis, keepDims) as Sym<'bool'>; }

/** Index (int64) of the largest value along `axis`. */
export function argMax(x: Operand, axis = 0): Sym<'int64'> {
  return addOp('ArgMax', [toSym(x, undefined, 'argMax'), intConst(axis, 'argMax')], { output_type: 'int64' })[0] as Sym<'int64'>;
}
/** Index (int64) of the smallest value along `axis`. */
export function argMin(x: Operand, axis = 0): Sym<'int64'> {
  return addOp('ArgMin', [toSym(x, undefined, 'argMin'), intConst(axis, 'argMin')], { output_type: 'int64' })[0] as Sym<'int64'>;
}
