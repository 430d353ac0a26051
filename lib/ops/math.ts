// Arithmetic and elementwise math.
import { DType, NumericDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { DivResult, Operand, toSym, toSymPair } from '../graph/operands';
import {
  Abs,
  Add,
  AddV2,
  BatchMatMulV2,
  Cast,
  ClipByValue,
  Exp,
  FloorDiv,
  FloorMod,
  Log,
  MatMul,
  Maximum,
  Minimum,
  Mul,
  Neg,
  Pow,
  RealDiv,
  Rsqrt,
  Sign,
  Sqrt,
  Square,
  Sub,
} from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;
type BinaryOp = (args: { x: AnySym; y: AnySym }) => Sym;
type UnaryOp = (args: { x: AnySym }) => Sym;

// The op's name labels errors: the generated builders are named as the ops they add.
function binary(op: BinaryOp, a: unknown, b: unknown): Sym {
  const [x, y] = toSymPair(a, b, op.name) as [AnySym, AnySym];
  return op({ x, y });
}
function unary(op: UnaryOp, a: unknown): Sym {
  return op({ x: toSym(a, undefined, op.name) as AnySym });
}

/** A numeric Sym. */
export type Num<D> = Sym<D & NumericDType>;

/** Elementwise sum (`a + b`, with broadcasting); strings concatenate. */
export function add<D extends NumericDType | 'string'>(a: Operand<D>, b: Operand<D>): Sym<D> {
  const [x, y] = toSymPair(a, b, 'add') as [AnySym, AnySym];
  // AddV2 has no string kernel; TensorFlow's tf.add uses Add for strings, as here.
  return (x.dtype === 'string' ? Add({ x, y }) : AddV2({ x, y })) as Sym<D>;
}
/** Elementwise difference (`a - b`). */
export function sub<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(Sub, a, b) as Sym<D>;
}
/** Elementwise product (`a * b`). */
export function mul<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(Mul, a, b) as Sym<D>;
}
/** Division rounded toward negative infinity (`a // b` in Python). */
export function floorDiv<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(FloorDiv, a, b) as Sym<D>;
}
/** Remainder with the sign of the divisor (`a % b` in Python, FloorMod). */
export function mod<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(FloorMod, a, b) as Sym<D>;
}
/** Elementwise power (`a ** b`). */
export function pow<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(Pow, a, b) as Sym<D>;
}
/** Elementwise minimum. */
export function minimum<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(Minimum, a, b) as Sym<D>;
}
/** Elementwise maximum. */
export function maximum<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<D> {
  return binary(Maximum, a, b) as Sym<D>;
}

/** True division (`x / y`): integer operands are cast to float64 (int8/16, uint8/16: float32) first. */
export function div<D extends NumericDType>(a: Operand<D>, b: Operand<D>): Sym<DivResult<D>> {
  const [x, y] = toSymPair(a, b, 'div') as [AnySym, AnySym];
  if (x.dtype !== y.dtype) return binary(RealDiv, x, y) as never; // reports the mismatch
  const target: Record<string, DType> = {
    int8: 'float32',
    int16: 'float32',
    uint8: 'float32',
    uint16: 'float32',
    int32: 'float64',
    int64: 'float64',
    uint32: 'float64',
    uint64: 'float64',
  };
  const to = target[x.dtype];
  if (to) return RealDiv({ x: cast(x, to) as AnySym, y: cast(y, to) as AnySym }) as never;
  return RealDiv({ x, y }) as never;
}

/** Negation (`-a`). */
export function neg<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Neg, a) as Sym<D>;
}
/** Absolute value. */
export function abs<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Abs, a) as Sym<D>;
}
/** -1, 0 or 1 per element. */
export function sign<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Sign, a) as Sym<D>;
}
/** Square root. */
export function sqrt<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Sqrt, a) as Sym<D>;
}
/** Reciprocal square root (`1 / sqrt(a)`). */
export function rsqrt<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Rsqrt, a) as Sym<D>;
}
/** Exponential. */
export function exp<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Exp, a) as Sym<D>;
}
/** Natural logarithm. */
export function log<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Log, a) as Sym<D>;
}
/** Square (`a * a`). */
export function square<D extends NumericDType>(a: Num<D>): Sym<D> {
  return unary(Square, a) as Sym<D>;
}

/** Converts to another dtype (floats to ints truncate toward zero, as tf.cast). */
export function cast<T extends DType>(x: Operand, dtype: T): Sym<T> {
  const s = toSym(x, undefined, 'cast');
  if (s.dtype === dtype) return s as unknown as Sym<T>;
  return Cast({ x: s, DstT: dtype, Truncate: false });
}

/** Clips values into [min, max]. */
export function clipByValue<D extends NumericDType>(x: Operand<D>, min: Operand<D>, max: Operand<D>): Sym<D> {
  const s = toSym(x, undefined, 'clipByValue');
  const [lo, hi] = [toSym(min, s.dtype, 'clipByValue'), toSym(max, s.dtype, 'clipByValue')] as [AnySym, AnySym];
  return ClipByValue({ t: s as AnySym, clip_value_min: lo, clip_value_max: hi });
}

/** Options of `matMul`. */
export interface MatMulOptions {
  /** Transpose (the last two dimensions of) the first operand. */
  transposeA?: boolean;
  /** Transpose (the last two dimensions of) the second operand. */
  transposeB?: boolean;
}

/** Matrix product; rank > 2 operands use batched matmul with broadcasting. */
export function matMul<D extends NumericDType>(a: Operand<D>, b: Operand<D>, options: MatMulOptions = {}): Sym<D> {
  const [x, y] = toSymPair(a, b, 'matMul') as [AnySym, AnySym];
  const batched = (x.rank ?? 3) > 2 || (y.rank ?? 3) > 2;
  if (batched) return BatchMatMulV2({ x, y, adj_x: !!options.transposeA, adj_y: !!options.transposeB });
  return MatMul({ a: x, b: y, transpose_a: !!options.transposeA, transpose_b: !!options.transposeB });
}
