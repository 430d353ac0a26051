// Symbolic tensors: what a Dataset callback receives and returns. They name an output of the
// graph being traced; their ops add nodes to it (see ops/).
import type { DType, GraphDType, NumericDType } from '../tensor/dtypes';
import type { OutputRef } from '../native';
import * as math from '../ops/math';
import * as compare from '../ops/compare';
import * as shapeOps from '../ops/shape';
import * as reduce from '../ops/reduce';
import type { Operand, Axis, DivResult } from './operands';

/** Static shape: dims (null = unknown) or null for unknown rank. */
export type StaticShape = (number | null)[] | null;

/** The most specific shape both may have (dims that differ become unknown). */
export function mergeStaticShapes(a: StaticShape, b: StaticShape): StaticShape {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => (d === b[i] ? d : null));
}

/**
 * A symbolic tensor: what a Dataset callback receives and returns. It names an output of the
 * graph being traced; its methods add ops to that graph. It has a dtype and a static shape.
 */
export class Sym<D extends GraphDType = GraphDType> {
  /** @internal */
  constructor(
    /** @internal The graph that owns it (opaque here: graph/context.ts compares it). */ readonly ctx: object,
    /** @internal */ readonly op: number,
    /** @internal */ readonly outputIndex: number,
    /** The element type. */
    readonly dtype: D,
    /** Static shape (null dims unknown; null when even the rank is unknown). */
    readonly shape: StaticShape,
    /** The graph node that produces this tensor. */
    readonly opName: string,
  ) {}

  /** @internal */
  get ref(): OutputRef {
    return { op: this.op, index: this.outputIndex };
  }

  /** Static rank, or null when unknown. */
  get rank(): number | null {
    return this.shape === null ? null : this.shape.length;
  }

  /** A readable description: dtype, static shape and the node it names. */
  toString(): string {
    const dims = this.shape === null ? '<unknown>' : `[${this.shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
    return `Sym<${this.dtype}>${dims} ${this.opName}:${this.outputIndex}`;
  }

  /** Elementwise sum (`a + b`, with broadcasting); strings concatenate. */
  add(this: Sym<D & (NumericDType | 'string')>, other: Operand<D>): Sym<D> { return math.add(this as never, other as never) as Sym<D>; }
  /** Elementwise difference (`a - b`). */
  sub(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.sub(this as never, other as never) as Sym<D>; }
  /** Elementwise product (`a * b`). */
  mul(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.mul(this as never, other as never) as Sym<D>; }
  /** True division (`a / b`): integer operands become float64 (float32 for 8/16-bit ones). */
  div(this: Sym<D & NumericDType>, other: Operand<D>): Sym<DivResult<D>> { return math.div(this as never, other as never) as Sym<DivResult<D>>; }
  /** Division rounded toward negative infinity (`a // b` in Python). */
  floorDiv(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.floorDiv(this as never, other as never) as Sym<D>; }
  /** Remainder with the sign of the divisor (`a % b` in Python, FloorMod). */
  mod(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.mod(this as never, other as never) as Sym<D>; }
  /** Elementwise power (`a ** b`). */
  pow(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.pow(this as never, other as never) as Sym<D>; }
  /** Elementwise minimum. */
  minimum(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.minimum(this as never, other as never) as Sym<D>; }
  /** Elementwise maximum. */
  maximum(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.maximum(this as never, other as never) as Sym<D>; }
  /** Negation (`-a`). */
  neg(this: Sym<D & NumericDType>): Sym<D> { return math.neg(this as never) as Sym<D>; }
  /** Absolute value. */
  abs(this: Sym<D & NumericDType>): Sym<D> { return math.abs(this as never) as Sym<D>; }
  /** -1, 0 or 1 per element. */
  sign(this: Sym<D & NumericDType>): Sym<D> { return math.sign(this as never) as Sym<D>; }
  /** Square root. */
  sqrt(this: Sym<D & NumericDType>): Sym<D> { return math.sqrt(this as never) as Sym<D>; }
  /** Reciprocal square root (`1 / sqrt(a)`). */
  rsqrt(this: Sym<D & NumericDType>): Sym<D> { return math.rsqrt(this as never) as Sym<D>; }
  /** Exponential. */
  exp(this: Sym<D & NumericDType>): Sym<D> { return math.exp(this as never) as Sym<D>; }
  /** Natural logarithm. */
  log(this: Sym<D & NumericDType>): Sym<D> { return math.log(this as never) as Sym<D>; }
  /** Square (`a * a`). */
  square(this: Sym<D & NumericDType>): Sym<D> { return math.square(this as never) as Sym<D>; }
  /** Converts to another dtype (floats to ints truncate toward zero). */
  cast<T extends DType>(dtype: T): Sym<T> { return math.cast(this as never, dtype as never); }
  /** Clips values into [min, max]. */
  clipByValue(this: Sym<D & NumericDType>, min: Operand<D>, max: Operand<D>): Sym<D> { return math.clipByValue(this as never, min as never, max as never) as Sym<D>; }
  /** Matrix product (batched for rank > 2). */
  matMul(this: Sym<D & NumericDType>, other: Operand<D>, options?: math.MatMulOptions): Sym<D> { return math.matMul(this as never, other as never, options as never) as Sym<D>; }

  /** Elementwise `a == b` (bool). */
  equal(other: Operand<D>): Sym<'bool'> { return compare.equal(this as never, other as never); }
  /** Elementwise `a != b` (bool). */
  notEqual(other: Operand<D>): Sym<'bool'> { return compare.notEqual(this as never, other as never); }
  /** Elementwise `a < b` (bool). */
  less(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.less(this as never, other as never); }
  /** Elementwise `a <= b` (bool). */
  lessEqual(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.lessEqual(this as never, other as never); }
  /** Elementwise `a > b` (bool). */
  greater(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.greater(this as never, other as never); }
  /** Elementwise `a >= b` (bool). */
  greaterEqual(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.greaterEqual(this as never, other as never); }
  /** Elementwise logical and of bool tensors. */
  logicalAnd(this: Sym<'bool'>, other: Operand<'bool'>): Sym<'bool'> { return compare.logicalAnd(this as never, other as never); }
  /** Elementwise logical or of bool tensors. */
  logicalOr(this: Sym<'bool'>, other: Operand<'bool'>): Sym<'bool'> { return compare.logicalOr(this as never, other as never); }
  /** Elementwise logical not of a bool tensor. */
  logicalNot(this: Sym<'bool'>): Sym<'bool'> { return compare.logicalNot(this as never); }

  /** The same values in a new shape (one dimension may be -1). */
  reshape(shape: readonly number[] | Sym<'int32'> | Sym<'int64'>): Sym<D> { return shapeOps.reshape(this as never, shape as never); }
  /** Permutes dimensions (reverses them when `perm` is omitted). */
  transpose(perm?: readonly number[]): Sym<D> { return shapeOps.transpose(this as never, perm as never); }
  /** Inserts a dimension of size 1 at `axis`. */
  expandDims(axis: number): Sym<D> { return shapeOps.expandDims(this as never, axis as never); }
  /** Removes dimensions of size 1 (all, or those in `axis`). */
  squeeze(axis?: number | readonly number[]): Sym<D> { return shapeOps.squeeze(this as never, axis as never); }
  /** Repeats the tensor `multiples[i]` times along each dimension. */
  tile(multiples: readonly number[]): Sym<D> { return shapeOps.tile(this as never, multiples as never); }
  /** Picks slices along `axis` at `indices`. */
  gather(indices: Operand<'int32'> | Operand<'int64'>, axis = 0): Sym<D> { return shapeOps.gather(this as never, indices as never, axis as never); }
  /** The block starting at `begin` of extent `size` (-1 = to the end). */
  slice(begin: readonly number[], size: readonly number[]): Sym<D> { return shapeOps.slice(this as never, begin as never, size as never); }
  /** Python-style indexing: `x.index('1:3, ..., newaxis, -1')` or `x.index(0, '::2')`. */
  index(...spec: (number | string)[]): Sym<D> { return shapeOps.index(this, ...spec); }
  /** Splits along `axis` into a list of tensors (the dimension must be static). */
  unstack(axis = 0): Sym<D>[] { return shapeOps.unstack(this as never, axis as never); }
  /** Zeros of the same shape and dtype. */
  zerosLike(): Sym<D> { return shapeOps.zerosLike(this as never); }
  /** Ones of the same shape and dtype. */
  onesLike(): Sym<D> { return shapeOps.onesLike(this as never); }
  /** The dynamic shape as an int32 vector (`tf.shape`). */
  shapeOf(): Sym<'int32'> { return shapeOps.shape(this as never); }
  /** The number of elements as an int32 scalar (`tf.size`). */
  sizeOf(): Sym<'int32'> { return shapeOps.size(this as never); }
  /** The number of dimensions as an int32 scalar (`tf.rank`). */
  rankOf(): Sym<'int32'> { return shapeOps.rank(this as never); }

  /** Sum over `axis` (all axes when omitted); `keepDims` keeps reduced dimensions as 1. */
  sum(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.sum(this as never, axis as never, keepDims as never) as Sym<D>; }
  /** Mean over `axis` (all axes when omitted). */
  mean(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.mean(this as never, axis as never, keepDims as never) as Sym<D>; }
  /** Maximum over `axis` (all axes when omitted). */
  max(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.max(this as never, axis as never, keepDims as never) as Sym<D>; }
  /** Minimum over `axis` (all axes when omitted). */
  min(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.min(this as never, axis as never, keepDims as never) as Sym<D>; }
  /** Product over `axis` (all axes when omitted). */
  prod(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.prod(this as never, axis as never, keepDims as never) as Sym<D>; }
  /** Logical and over `axis` of a bool tensor. */
  all(this: Sym<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduce.all(this as never, axis as never, keepDims as never); }
  /** Logical or over `axis` of a bool tensor. */
  any(this: Sym<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduce.any(this as never, axis as never, keepDims as never); }
  /** Index (int64) of the largest value along `axis`. */
  argMax(this: Sym<D & NumericDType>, axis = 0): Sym<'int64'> { return reduce.argMax(this as never, axis as never); }
  /** Index (int64) of the smallest value along `axis`. */
  argMin(this: Sym<D & NumericDType>, axis = 0): Sym<'int64'> { return reduce.argMin(this as never, axis as never); }
}
