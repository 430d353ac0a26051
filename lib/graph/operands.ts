// How operands enter an op: Syms as they are; host values (Tensor, TypedArray, numbers,
// nested arrays) captured once as inputs of the traced function; a bare number adopts the
// dtype of the symbolic operand, as TensorFlow does for Python numbers.
import { AnyTypedArray, DType, GraphDType, isDType, isTypedArray } from '../tensor/dtypes';
import { GraphContext } from './context';
import { Sym } from './sym';
import { NestedArray, Tensor, tensor } from '../tensor/tensor';

/** A host value usable where a tensor is expected. */
export type HostValue =
  Tensor | AnyTypedArray | NestedArray<number> | NestedArray<bigint> | NestedArray<boolean> | NestedArray<string>;

/** A symbolic tensor of dtype D, or a host value that becomes one. */
export type Operand<D extends GraphDType = GraphDType> = Sym<D> | HostValue;

/** Reduction axes: one axis or several; omitted = all. */
export type Axis = number | readonly number[];

/** True division: integers become floating point, as in TensorFlow's `x / y`. */
export type DivResult<D> = D extends 'int8' | 'int16' | 'uint8' | 'uint16'
  ? 'float32'
  : D extends 'int32' | 'int64' | 'uint32' | 'uint64'
    ? 'float64'
    : D;

function isHostArray(value: unknown): boolean {
  return Array.isArray(value) || isTypedArray(value) || value instanceof Tensor;
}

/** The operand as a Sym of the current graph. `hint` is the dtype bare numbers and JS arrays adopt. */
export function toSym(value: unknown, hint: GraphDType | undefined, what: string): Sym {
  const ctx = GraphContext.require(what);
  if (value instanceof Sym) return ctx.own(value);
  if (value === undefined || value === null) throw new TypeError(`${what}: an operand is ${String(value)}`);
  if (value instanceof Tensor) return ctx.captureHost(value);
  if (isTypedArray(value)) {
    const t = tensor(value);
    return ctx.captureHost(t, value);
  }
  const adopt = hint !== undefined && isDType(hint) ? hint : undefined;
  let t: Tensor;
  try {
    t = adopt ? tensor(value as NestedArray<number>, adopt) : tensor(value as NestedArray<number>);
  } catch (e) {
    throw new TypeError(
      `${what}: ${(e as Error).message}${adopt ? ` (the literal adopts the other operand's dtype, ${adopt})` : ''}`,
      { cause: e },
    );
  }
  // Equal literals share one capture; arrays are keyed by identity.
  const key = isHostArray(value) ? value : `${t.dtype}:${typeof value}:${String(value)}`;
  return ctx.captureHost(t, key);
}

/** Two operands of a binary op; a host operand adopts the dtype of the symbolic one. */
export function toSymPair(a: unknown, b: unknown, what: string): [Sym, Sym] {
  if (a instanceof Sym) {
    const sa = toSym(a, undefined, what);
    return [sa, toSym(b, isHostArrayTyped(b) ? undefined : sa.dtype, what)];
  }
  const sb = b instanceof Sym ? toSym(b, undefined, what) : undefined;
  const sa = toSym(a, sb && !isHostArrayTyped(a) ? sb.dtype : undefined, what);
  return [sa, sb ?? toSym(b, isHostArrayTyped(b) ? undefined : sa.dtype, what)];
}

/** Tensors and TypedArrays carry their own dtype (like NumPy arrays); JS literals do not. */
function isHostArrayTyped(value: unknown): boolean {
  return value instanceof Tensor || isTypedArray(value);
}

/** A small int constant for parameters shape inference must see (axes, shapes, sizes). */
export function intConst(values: number | readonly number[], what: string, dtype: 'int32' | 'int64' = 'int32'): Sym {
  const ctx = GraphContext.require(what);
  const list = typeof values === 'number' ? values : [...values];
  const check = (v: number) => {
    if (!Number.isInteger(v)) throw new TypeError(`${what}: ${v} is not an integer`);
  };
  if (typeof list === 'number') check(list);
  else list.forEach(check);
  return ctx.constant(tensor(list as number[], dtype));
}

export function constOf(value: number | bigint | boolean | string, dtype: DType, what: string): Sym {
  const ctx = GraphContext.require(what);
  return ctx.constant(tensor(value as number, dtype));
}

export function addOp(
  type: string,
  inputs: (Sym | Sym[])[],
  attrs: Record<string, unknown> = {},
  name?: string,
): Sym[] {
  return GraphContext.require(type).addOp(type, inputs, attrs as never, { name });
}

export function normalizeAxis(axis: number, rank: number | null, what: string): number {
  if (!Number.isInteger(axis)) throw new TypeError(`${what}: axis must be an integer, got ${axis}`);
  if (rank !== null && (axis < -rank || axis >= Math.max(rank, 1))) {
    throw new RangeError(`${what}: axis ${axis} is out of range for rank ${rank}`);
  }
  return axis;
}
