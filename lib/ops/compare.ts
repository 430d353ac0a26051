// Comparisons, logic and select.
import { GraphDType, NumericDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Operand, toSym, toSymPair } from '../graph/operands';
import {
  Equal,
  Greater,
  GreaterEqual,
  Less,
  LessEqual,
  LogicalAnd,
  LogicalNot,
  LogicalOr,
  NotEqual,
  SelectV2,
} from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;

// The op's name labels errors: the generated builders are named as the ops they add.
function compareOp(op: (args: { x: AnySym; y: AnySym }) => Sym<'bool'>, a: unknown, b: unknown): Sym<'bool'> {
  const [x, y] = toSymPair(a, b, op.name) as [AnySym, AnySym];
  return op({ x, y });
}

/** Elementwise `a == b` (bool). */
export function equal<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(Equal, a, b);
}
/** Elementwise `a != b` (bool). */
export function notEqual<D extends GraphDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(NotEqual, a, b);
}
/** Elementwise `a < b` (bool). */
export function less<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(Less, a, b);
}
/** Elementwise `a <= b` (bool). */
export function lessEqual<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(LessEqual, a, b);
}
/** Elementwise `a > b` (bool). */
export function greater<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(Greater, a, b);
}
/** Elementwise `a >= b` (bool). */
export function greaterEqual<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<'bool'> {
  return compareOp(GreaterEqual, a, b);
}

/** Elementwise logical and of bool tensors. */
export function logicalAnd(a: Operand<'bool'>, b: Operand<'bool'>): Sym<'bool'> {
  return compareOp(LogicalAnd, a, b);
}
/** Elementwise logical or of bool tensors. */
export function logicalOr(a: Operand<'bool'>, b: Operand<'bool'>): Sym<'bool'> {
  return compareOp(LogicalOr, a, b);
}
/** Elementwise logical not of a bool tensor. */
export function logicalNot(a: Operand<'bool'>): Sym<'bool'> {
  return LogicalNot({ x: toSym(a, 'bool', 'logicalNot') as AnySym });
}

/** Elementwise choice (`cond ? x : y`) with broadcasting (SelectV2). */
export function where<D extends GraphDType>(condition: Operand<'bool'>, x: Operand<D>, y: Operand<D>): Sym<D> {
  const c = toSym(condition, 'bool', 'where') as AnySym;
  const [a, b] = toSymPair(x, y, 'where') as [AnySym, AnySym];
  return SelectV2({ condition: c, t: a, e: b });
}
