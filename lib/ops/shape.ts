// Shapes, layout, indexing and gathering.
import type { LiteralDType } from '../tensor/literal-dtype';
import { DType, GraphDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Operand, constOf, intConst, normalizeAxis, toSym } from '../graph/operands';
import {
  ConcatV2,
  ExpandDims,
  Fill,
  GatherV2,
  OneHot,
  OnesLike,
  Pack,
  Rank,
  Reshape,
  Shape,
  Size,
  Slice,
  Squeeze,
  StridedSlice,
  Tile,
  Transpose,
  Unpack,
  ZerosLike,
} from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;
/** An int32 constant (intConst) for an index, shape or axis operand. */
const int32 = (values: number | readonly number[], what: string) => intConst(values, what) as Sym<'int32'>;

/** The same values in a new shape (one dimension may be -1). */
export function reshape<D extends GraphDType>(
  x: Operand<D>,
  shape: readonly number[] | Sym<'int32'> | Sym<'int64'>,
): Sym<D> {
  const s = toSym(x, undefined, 'reshape');
  if (!(shape instanceof Sym)) {
    if (shape.filter((d) => d === -1).length > 1) throw new RangeError('reshape: shape can have at most one -1');
    shape.forEach((d, i) => {
      if (!Number.isInteger(d) || d < -1)
        throw new RangeError(`reshape: shape[${i}] must be an integer >= -1, got ${d}`);
    });
  }
  const target = shape instanceof Sym ? toSym(shape, undefined, 'reshape') : intConst(shape, 'reshape');
  return Reshape({ tensor: s as AnySym, shape: target as AnySym });
}

/** Permutes dimensions (reverses them when `perm` is omitted). */
export function transpose<D extends GraphDType>(x: Operand<D>, perm?: readonly number[]): Sym<D> {
  const s = toSym(x, undefined, 'transpose');
  let p = perm;
  if (!p) {
    if (s.rank === null) throw new TypeError('transpose: give perm when the rank is unknown');
    p = Array.from({ length: s.rank }, (_, i) => s.rank! - 1 - i);
  }
  return Transpose({ x: s as AnySym, perm: int32(p, 'transpose') });
}

/** Inserts a dimension of size 1 at `axis`. */
export function expandDims<D extends GraphDType>(x: Operand<D>, axis: number): Sym<D> {
  const s = toSym(x, undefined, 'expandDims');
  normalizeAxis(axis, s.rank === null ? null : s.rank + 1, 'expandDims');
  return ExpandDims({ input: s as AnySym, dim: int32(axis, 'expandDims') });
}

/** Removes dimensions of size 1 (all, or those in `axis`). */
export function squeeze<D extends GraphDType>(x: Operand<D>, axis?: number | readonly number[]): Sym<D> {
  const s = toSym(x, undefined, 'squeeze');
  const dims = axis === undefined ? [] : typeof axis === 'number' ? [axis] : [...axis];
  return Squeeze({ input: s as AnySym, squeeze_dims: dims });
}

/** Joins tensors along an existing `axis`. */
export function concat<D extends GraphDType>(values: readonly Operand<D>[], axis = 0): Sym<D> {
  if (values.length === 0) throw new RangeError('concat: values is empty');
  const first = toSym(values[0], undefined, 'concat');
  const syms = [first, ...values.slice(1).map((v) => toSym(v, first.dtype, 'concat'))];
  return ConcatV2({ values: syms as AnySym[], axis: int32(axis, 'concat') });
}

/** Joins tensors along a new `axis` (Pack). */
export function stack<D extends GraphDType>(values: readonly Operand<D>[], axis = 0): Sym<D> {
  if (values.length === 0) throw new RangeError('stack: values is empty');
  const first = toSym(values[0], undefined, 'stack');
  const syms = [first, ...values.slice(1).map((v) => toSym(v, first.dtype, 'stack'))];
  return Pack({ values: syms as AnySym[], axis });
}

/** Splits along `axis` into a list of tensors (the dimension must be static). */
export function unstack<D extends GraphDType>(x: Operand<D>, axis = 0): Sym<D>[] {
  const s = toSym(x, undefined, 'unstack');
  if (s.shape === null) throw new TypeError('unstack: the rank must be known');
  const a = normalizeAxis(axis, s.rank, 'unstack');
  const n = s.shape[a < 0 ? a + s.shape.length : a];
  if (n === null) throw new TypeError(`unstack: dimension ${axis} must be known statically`);
  return Unpack({ value: s as AnySym, num: n, axis: a });
}

/** The block starting at `begin` of extent `size` (-1 = to the end). */
export function slice<D extends GraphDType>(x: Operand<D>, begin: readonly number[], size: readonly number[]): Sym<D> {
  const s = toSym(x, undefined, 'slice');
  return Slice({ input: s as AnySym, begin: int32(begin, 'slice'), size: int32(size, 'slice') });
}

/** Bit masks of StridedSlice: bit i refers to the i-th entry of begin/end/strides. */
export interface StridedSliceMasks {
  /** Ignore begin[i]: start at the beginning. */
  beginMask?: number;
  /** Ignore end[i]: run to the end. */
  endMask?: number;
  /** Entry i is an ellipsis. */
  ellipsisMask?: number;
  /** Entry i inserts a new axis. */
  newAxisMask?: number;
  /** Entry i picks one index and drops the axis. */
  shrinkAxisMask?: number;
}

/** Python-style slicing with explicit begin/end/strides and masks; see `index` for the friendly syntax. */
export function stridedSlice<D extends GraphDType>(
  x: Operand<D>,
  begin: readonly number[],
  end: readonly number[],
  strides?: readonly number[],
  masks: StridedSliceMasks = {},
): Sym<D> {
  const s = toSym(x, undefined, 'stridedSlice');
  const st = strides ?? begin.map(() => 1);
  if (begin.length !== end.length || begin.length !== st.length)
    throw new RangeError('stridedSlice: begin, end and strides need equal lengths');
  if (st.some((v) => v === 0)) throw new RangeError('stridedSlice: strides must be non-zero');
  return StridedSlice({
    input: s as AnySym,
    begin: int32(begin, 'stridedSlice'),
    end: int32(end, 'stridedSlice'),
    strides: int32(st, 'stridedSlice'),
    begin_mask: masks.beginMask ?? 0,
    end_mask: masks.endMask ?? 0,
    ellipsis_mask: masks.ellipsisMask ?? 0,
    new_axis_mask: masks.newAxisMask ?? 0,
    shrink_axis_mask: masks.shrinkAxisMask ?? 0,
  });
}

/**
 * Python-style indexing, parsed into one StridedSlice: integers pick (and drop) an axis,
 * `a:b:c` slices, `...` is an ellipsis, `newaxis` adds an axis.
 * `index(x, '1:3, ..., newaxis, -1')`, `index(x, 0, '::2')`.
 */
export function index<D extends GraphDType>(x: Operand<D>, ...spec: (number | string)[]): Sym<D> {
  const parts: string[] = [];
  for (const p of spec) {
    if (typeof p === 'number') parts.push(String(p));
    else
      parts.push(
        ...p
          .split(',')
          .map((q) => q.trim())
          .filter((q) => q.length > 0),
      );
  }
  const begin: number[] = [],
    end: number[] = [],
    strides: number[] = [];
  const masks = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 };
  const int = (text: string, part: string) => {
    if (!/^-?\d+$/.test(text)) throw new SyntaxError(`index: '${part}' is not an integer, a slice, '...' or 'newaxis'`);
    return parseInt(text, 10);
  };
  parts.forEach((part, i) => {
    const bit = 1 << i;
    if (part === '...') {
      if (masks.ellipsisMask) throw new SyntaxError('index: only one ellipsis is allowed');
      masks.ellipsisMask |= bit;
      begin.push(0);
      end.push(0);
      strides.push(1);
    } else if (part === 'newaxis' || part === 'None') {
      masks.newAxisMask |= bit;
      begin.push(0);
      end.push(0);
      strides.push(1);
    } else if (part.includes(':')) {
      const [b, e, s] = part.split(':').map((t) => t.trim());
      if (part.split(':').length > 3) throw new SyntaxError(`index: '${part}' has too many ':'`);
      const step = s ? int(s, part) : 1;
      if (step === 0) throw new RangeError(`index: '${part}' has a zero step`);
      if (b) begin.push(int(b, part));
      else {
        begin.push(0);
        masks.beginMask |= bit;
      }
      if (e) end.push(int(e, part));
      else {
        end.push(0);
        masks.endMask |= bit;
      }
      strides.push(step);
    } else {
      const k = int(part, part);
      masks.shrinkAxisMask |= bit;
      begin.push(k);
      end.push(k + 1);
      strides.push(1);
    }
  });
  if (parts.length === 0) throw new SyntaxError('index: give at least one index');
  return stridedSlice(x, begin, end, strides, masks);
}

/** Picks slices along `axis` at `indices`. */
export function gather<D extends GraphDType>(
  params: Operand<D>,
  indices: Operand<'int32'> | Operand<'int64'>,
  axis = 0,
): Sym<D> {
  const p = toSym(params, undefined, 'gather');
  const idx = toSym(indices, 'int32', 'gather');
  if (idx.dtype !== 'int32' && idx.dtype !== 'int64')
    throw new TypeError(`gather: indices must be int32 or int64, got ${idx.dtype}`);
  return GatherV2({ params: p as AnySym, indices: idx as AnySym, axis: int32(axis, 'gather'), batch_dims: 0 });
}

/** Repeats the tensor `multiples[i]` times along each dimension. */
export function tile<D extends GraphDType>(x: Operand<D>, multiples: readonly number[]): Sym<D> {
  const s = toSym(x, undefined, 'tile');
  multiples.forEach((m, i) => {
    if (!Number.isInteger(m) || m < 0) throw new RangeError(`tile: multiples[${i}] must be a non-negative integer`);
  });
  return Tile({ input: s as AnySym, multiples: int32(multiples, 'tile') });
}

/**
 * A tensor of `shape` filled with `value`, of `dtype` or else the value's own (as tensor() infers
 * it: an integer → int32, another number → float32, as Python's `tf.fill`).
 */
export function fill<const V extends number | bigint | boolean | string, D extends DType = LiteralDType<V>>(
  shape: readonly number[],
  value: V,
  dtype?: D,
): Sym<D> {
  const t = (dtype ??
    (typeof value === 'bigint'
      ? 'int64'
      : typeof value === 'boolean'
        ? 'bool'
        : typeof value === 'string'
          ? 'string'
          : Number.isInteger(value)
            ? 'int32'
            : 'float32')) as DType;
  return Fill({ dims: int32(shape, 'fill'), value: constOf(value, t, 'fill') as AnySym });
}

/** Zeros of the same shape and dtype. */
export function zerosLike<D extends GraphDType>(x: Operand<D>): Sym<D> {
  return ZerosLike({ x: toSym(x, undefined, 'zerosLike') as AnySym });
}

/** Ones of the same shape and dtype. */
export function onesLike<D extends GraphDType>(x: Operand<D>): Sym<D> {
  return OnesLike({ x: toSym(x, undefined, 'onesLike') as AnySym });
}

/** The dynamic shape as an int32 vector. */
export function shape(x: Operand): Sym<'int32'> {
  return Shape({ input: toSym(x, undefined, 'shape'), out_type: 'int32' });
}

/** The number of elements as an int32 scalar. */
export function size(x: Operand): Sym<'int32'> {
  return Size({ input: toSym(x, undefined, 'size'), out_type: 'int32' });
}

/** The number of dimensions as an int32 scalar. */
export function rank(x: Operand): Sym<'int32'> {
  return Rank({ input: toSym(x, undefined, 'rank') });
}

/** One-hot vectors of `depth` along a new last axis (float32 unless dtype is given). */
export function oneHot<D extends DType = 'float32'>(
  indices: Operand<'int32'> | Operand<'int64'> | Operand<'uint8'>,
  depth: number,
  options: { onValue?: number; offValue?: number; dtype?: D } = {},
): Sym<D> {
  const idx = toSym(indices, 'int32', 'oneHot');
  if (!Number.isInteger(depth) || depth < 0)
    throw new RangeError(`oneHot: depth must be a non-negative integer, got ${depth}`);
  const dtype = (options.dtype ?? 'float32') as DType;
  return OneHot({
    indices: idx as AnySym,
    depth: int32(depth, 'oneHot'),
    on_value: constOf(options.onValue ?? 1, dtype, 'oneHot') as AnySym,
    off_value: constOf(options.offValue ?? 0, dtype, 'oneHot') as AnySym,
    axis: -1,
  });
}
