// Comparisons, logic and select.
import { GraphDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Operand, addOp, toSym, toSymPair } from '../graph/operands';

function compareOp(type: string, a: unknown, b: unknown): Sym<'bool'> {
  const [x, y] = toSymPair(a, b, type);
  return addOp(type, [x, y])[0] as Sym<'bool'>;
}

/** Elementwise `a == b` (bool). */
export function equal<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('Equal', a, b); }
/** Elementwise `a != b` (bool). */
export function notEqual<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('NotEqual', a, b); }
/** Elementwise `a < b` (bool). */
export function less<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('Less', a, b); }
/** Elementwise `a <= b` (bool). */
export function lessEqual<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('LessEqual', a, b); }
/** Elementwise `a > b` (bool). */
export function greater<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('Greater', a, b); }
/** Elementwise `a >= b` (bool). */
export function greaterEqual<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> { return compareOp('GreaterEqual', a, b); }

/** Elementwise logical and of bool tensors. */
export function logicalAnd(a: Operand<'bool'>, b: Operand<'bool'>): Sym<'bool'> { return compareOp('LogicalAnd', a, b); }
/** Elementwise logical or of bool tensors. */
export function logicalOr(a: Operand<'bool'>, b: Operand<'bool'>): Sym<'bool'> { return compareOp('LogicalOr', a, b); }
/** Elementwise logical not of a bool tensor. */
export function logicalNot(a: Operand<'bool'>): Sym<'bool'> {
  return addOp('LogicalNot', [toSym(a, 'bool', 'logicalNot')])[0] as Sym<'bool'>;
}

/** Elementwise choice (`cond ? x : y`) with broadcasting (SelectV2). */
export function where<D extends GraphDType>(condition: Operand<'bool'>, x: Operand<D>, y: Operand<D>): Sym<D> {
  const c = toSym(condition, 'bool', 'where');
  const [a, b] = toSymPair(x, y, 'where');
  return addOp('SelectV2', [c, a, b])[0] as Sym<D>;
}
