// The method forms of Sym (`x.add(y)` is `tf.add(x, y)`): one table, attached to Sym.prototype
// here. Their types are generated from this same table into sym-methods.generated.ts by
// `npm run gen:ops` (the friendly function's signature with its first operand as `this`).
import { Sym } from '../graph/sym';
import * as compare from './compare';
import * as math from './math';
import * as reduce from './reduce';
import * as shape from './shape';
import './sym-methods.generated';

/** Method name → the friendly op whose first operand the Sym becomes. */
export const SYM_METHODS = {
  add: math.add,
  sub: math.sub,
  mul: math.mul,
  div: math.div,
  floorDiv: math.floorDiv,
  mod: math.mod,
  pow: math.pow,
  minimum: math.minimum,
  maximum: math.maximum,
  neg: math.neg,
  abs: math.abs,
  sign: math.sign,
  sqrt: math.sqrt,
  rsqrt: math.rsqrt,
  exp: math.exp,
  log: math.log,
  square: math.square,
  cast: math.cast,
  clipByValue: math.clipByValue,
  matMul: math.matMul,
  equal: compare.equal,
  notEqual: compare.notEqual,
  less: compare.less,
  lessEqual: compare.lessEqual,
  greater: compare.greater,
  greaterEqual: compare.greaterEqual,
  logicalAnd: compare.logicalAnd,
  logicalOr: compare.logicalOr,
  logicalNot: compare.logicalNot,
  reshape: shape.reshape,
  transpose: shape.transpose,
  expandDims: shape.expandDims,
  squeeze: shape.squeeze,
  tile: shape.tile,
  gather: shape.gather,
  slice: shape.slice,
  index: shape.index,
  unstack: shape.unstack,
  zerosLike: shape.zerosLike,
  onesLike: shape.onesLike,
  shapeOf: shape.shape,
  sizeOf: shape.size,
  rankOf: shape.rank,
  sum: reduce.sum,
  mean: reduce.mean,
  max: reduce.max,
  min: reduce.min,
  prod: reduce.prod,
  all: reduce.all,
  any: reduce.any,
  argMax: reduce.argMax,
  argMin: reduce.argMin,
} as const;

for (const [name, op] of Object.entries(SYM_METHODS)) {
  const call = op as (self: Sym, ...args: unknown[]) => unknown;
  Object.defineProperty(Sym.prototype, name, {
    value: function method(this: Sym, ...args: unknown[]) {
      return call(this, ...args);
    },
    writable: true,
    configurable: true,
  });
}
