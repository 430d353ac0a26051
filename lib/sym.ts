// Symbolic tensors: what a Dataset callback receives and returns. They name an output of the
// graph being traced; their ops add nodes to it (see ops/).
import type { DType, GraphDType, NumericDType } from './dtypes';
import type { GraphContext } from './graph';
import type { OutputRef } from './native';
import * as math from './ops/math';
import * as compare from './ops/compare';
import * as shapeOps from './ops/shape';
import * as reduce from './ops/reduce';
import type { Operand, Axis, DivResult } from './ops/convert';

/** Static shape: dims (null = unknown) or null for unknown rank. */
export type StaticShape = (number | null)[] | null;

export class Sym<D extends GraphDType = GraphDType> {
  /** @internal */
  constructor(
    readonly ctx: GraphContext,
    readonly op: number,
    readonly outputIndex: number,
    readonly dtype: D,
    readonly shape: StaticShape,
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

  toString(): string {
    const dims = this.shape === null ? '<unknown>' : `[${this.shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
    return `Sym<${this.dtype}>${dims} ${this.opName}:${this.outputIndex}`;
  }

  add(this: Sym<D & (NumericDType | 'string')>, other: Operand<D>): Sym<D> { return math.add(this as never, other as never) as Sym<D>; }
  sub(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.sub(this as never, other as never) as Sym<D>; }
  mul(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.mul(this as never, other as never) as Sym<D>; }
  div(this: Sym<D & NumericDType>, other: Operand<D>): Sym<DivResult<D>> { return math.div(this as never, other as never) as Sym<DivResult<D>>; }
  floorDiv(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.floorDiv(this as never, other as never) as Sym<D>; }
  mod(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.mod(this as never, other as never) as Sym<D>; }
  pow(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.pow(this as never, other as never) as Sym<D>; }
  minimum(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.minimum(this as never, other as never) as Sym<D>; }
  maximum(this: Sym<D & NumericDType>, other: Operand<D>): Sym<D> { return math.maximum(this as never, other as never) as Sym<D>; }
  neg(this: Sym<D & NumericDType>): Sym<D> { return math.neg(this as never) as Sym<D>; }
  abs(this: Sym<D & NumericDType>): Sym<D> { return math.abs(this as never) as Sym<D>; }
  sign(this: Sym<D & NumericDType>): Sym<D> { return math.sign(this as never) as Sym<D>; }
  sqrt(this: Sym<D & NumericDType>): Sym<D> { return math.sqrt(this as never) as Sym<D>; }
  rsqrt(this: Sym<D & NumericDType>): Sym<D> { return math.rsqrt(this as never) as Sym<D>; }
  exp(this: Sym<D & NumericDType>): Sym<D> { return math.exp(this as never) as Sym<D>; }
  log(this: Sym<D & NumericDType>): Sym<D> { return math.log(this as never) as Sym<D>; }
  square(this: Sym<D & NumericDType>): Sym<D> { return math.square(this as never) as Sym<D>; }
  cast<T extends DType>(dtype: T): Sym<T> { return math.cast(this as never, dtype as never); }
  clipByValue(this: Sym<D & NumericDType>, min: Operand<D>, max: Operand<D>): Sym<D> { return math.clipByValue(this as never, min as never, max as never) as Sym<D>; }
  matMul(this: Sym<D & NumericDType>, other: Operand<D>, options?: math.MatMulOptions): Sym<D> { return math.matMul(this as never, other as never, options as never) as Sym<D>; }

  equal(other: Operand<D>): Sym<'bool'> { return compare.equal(this as never, other as never); }
  notEqual(other: Operand<D>): Sym<'bool'> { return compare.notEqual(this as never, other as never); }
  less(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.less(this as never, other as never); }
  lessEqual(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.lessEqual(this as never, other as never); }
  greater(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.greater(this as never, other as never); }
  greaterEqual(this: Sym<D & NumericDType>, other: Operand<D>): Sym<'bool'> { return compare.greaterEqual(this as never, other as never); }
  logicalAnd(this: Sym<'bool'>, other: Operand<'bool'>): Sym<'bool'> { return compare.logicalAnd(this as never, other as never); }
  logicalOr(this: Sym<'bool'>, other: Operand<'bool'>): Sym<'bool'> { return compare.logicalOr(this as never, other as never); }
  logicalNot(this: Sym<'bool'>): Sym<'bool'> { return compare.logicalNot(this as never); }

  reshape(shape: readonly number[] | Sym<'int32'> | Sym<'int64'>): Sym<D> { return shapeOps.reshape(this as never, shape as never); }
  transpose(perm?: readonly number[]): Sym<D> { return shapeOps.transpose(this as never, perm as never); }
  expandDims(axis: number): Sym<D> { return shapeOps.expandDims(this as never, axis as never); }
  squeeze(axis?: number | readonly number[]): Sym<D> { return shapeOps.squeeze(this as never, axis as never); }
  tile(multiples: readonly number[]): Sym<D> { return shapeOps.tile(this as never, multiples as never); }
  gather(indices: Operand<'int32'> | Operand<'int64'>, axis = 0): Sym<D> { return shapeOps.gather(this as never, indices as never, axis as never); }
  slice(begin: readonly number[], size: readonly number[]): Sym<D> { return shapeOps.slice(this as never, begin as never, size as never); }
  /** Python-style indexing: `x.index('1:3, ..., newaxis, -1')` or `x.index(0, '::2')`. */
  index(...spec: (number | string)[]): Sym<D> { return shapeOps.index(this, ...spec); }
  unstack(axis = 0): Sym<D>[] { return shapeOps.unstack(this as never, axis as never); }
  zerosLike(): Sym<D> { return shapeOps.zerosLike(this as never); }
  onesLike(): Sym<D> { return shapeOps.onesLike(this as never); }
  shapeOf(): Sym<'int32'> { return shapeOps.shape(this as never); }
  sizeOf(): Sym<'int32'> { return shapeOps.size(this as never); }
  rankOf(): Sym<'int32'> { return shapeOps.rank(this as never); }

  sum(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.sum(this as never, axis as never, keepDims as never) as Sym<D>; }
  mean(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.mean(this as never, axis as never, keepDims as never) as Sym<D>; }
  max(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.max(this as never, axis as never, keepDims as never) as Sym<D>; }
  min(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.min(this as never, axis as never, keepDims as never) as Sym<D>; }
  prod(this: Sym<D & NumericDType>, axis?: Axis, keepDims = false): Sym<D> { return reduce.prod(this as never, axis as never, keepDims as never) as Sym<D>; }
  all(this: Sym<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduce.all(this as never, axis as never, keepDims as never); }
  any(this: Sym<'bool'>, axis?: Axis, keepDims = false): Sym<'bool'> { return reduce.any(this as never, axis as never, keepDims as never); }
  argMax(this: Sym<D & NumericDType>, axis = 0): Sym<'int64'> { return reduce.argMax(this as never, axis as never); }
  argMin(this: Sym<D & NumericDType>, axis = 0): Sym<'int64'> { return reduce.argMin(this as never, axis as never); }
}
