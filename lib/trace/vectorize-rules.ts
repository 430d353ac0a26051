// The vectoriser's rule table (see vectorize.ts): for each op, how to compute it for a whole
// batch from batched inputs ([B, ...element]) and invariant ones (the same for every element).
//
// A rule is admitted only when the batched form gives the bits the per-element form gives, for
// every input, and fails exactly when some element would fail: IEEE-exact arithmetic (each
// result is the correctly rounded value, whichever code path computes it), comparisons, casts,
// logic, integer arithmetic (wrapping is the same row by row) and data movement with static
// shapes. Everything else declines, and says why (DECLINED below): transcendental functions are
// evaluated by Eigen with SIMD packet code for full packets and scalar code for the tail, whose
// last bits differ; float sums and means add in an order that depends on the batch shape; ops
// that fail on bad data (integer division by zero, out-of-range indices, CheckNumerics) would
// fail a whole batch where one element failed.
import { RecordedOp } from '../graph/context';
import { Tensor, tensor } from '../tensor/tensor';
import { Sym } from '../graph/sym';
import { Rule, RuleContext, VValue, decline, invariant } from './vectorize-rule';

const FLOATS = new Set(['float32', 'float64']);
const INTEGERS = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64']);

/** The element rank of `v` (static: every rule needs it). */
function rankOf(op: RecordedOp, v: VValue): number {
  if (v.element === null) return decline(op.type, 'an input of unknown rank');
  return v.element.length;
}

/** The element shape of `v`, every dimension known. */
function staticShape(op: RecordedOp, v: VValue): number[] {
  if (v.element === null || v.element.some((d) => d === null)) return decline(op.type, 'an input of unknown shape');
  return v.element as number[];
}

/** The integers of an invariant input whose value is known at trace time (axes, shapes, indices). */
function knownInts(op: RecordedOp, v: VValue, rc: RuleContext, what: string): number[] {
  const t = v.batched ? undefined : rc.known(v);
  if (!t) return decline(op.type, `its ${what} is not a constant`);
  return Array.from(t.data as ArrayLike<number | bigint>, (x) => Number(x));
}

/** An int constant of the dtype the recorded input had (int32 or int64). */
function intsLike(values: number[], like: VValue, scalar: boolean): Tensor {
  const dtype = like.sym.dtype === 'int64' ? 'int64' : 'int32';
  const data = dtype === 'int64' ? values.map(BigInt) : values;
  return scalar ? tensor(data[0] as never, dtype) : tensor(data as never, dtype, [values.length]);
}

/** `a` (in [-rank, rank)) as a non-negative axis, shifted past the batch dimension. */
function shifted(op: RecordedOp, a: number, rank: number): number {
  if (a < -rank || a >= Math.max(rank, 1)) decline(op.type, `axis ${a} out of range`);
  return (a < 0 ? a + rank : a) + 1;
}

/** A batched value of element rank below `rank`, given unit dimensions right after the batch one (so it
 * broadcasts against invariant operands as the element did). */
function raised(op: RecordedOp, v: VValue, rank: number, rc: RuleContext): Sym {
  let s = v.sym;
  for (let r = rankOf(op, v); r < rank; r++)
    s = rc.ctx.addOp('ExpandDims', [s, rc.ctx.constant(tensor(1, 'int32'))])[0];
  return s;
}

/** Every input batched: invariant ones repeated per row. */
function allBatched(vs: VValue[], rc: RuleContext): Sym[] {
  return vs.map((v) => (v.batched ? v.sym : rc.broadcast(v)));
}

function add(rc: RuleContext, op: RecordedOp, inputs: (Sym | Sym[])[], attrs: Record<string, unknown> = {}): Sym[] {
  return rc.ctx.addOp(op.type, inputs, { ...op.attrs, ...attrs } as never);
}

/** Elementwise ops, broadcasting as the element did (unary ones are the same op on more rows). */
const elementwise: Rule = (op, inputs, rc) => {
  const vs = inputs as VValue[];
  const rank = Math.max(...vs.map((v) => rankOf(op, v)));
  return add(
    rc,
    op,
    vs.map((v) => (v.batched ? raised(op, v, rank, rc) : v.sym)),
  );
};

/** Elementwise, for float operands only (integer division by zero fails the op). */
const floatElementwise: Rule = (op, inputs, rc) => {
  if (!FLOATS.has(String(op.attrs.T))) decline(op.type, `${String(op.attrs.T)} division can fail (division by zero)`);
  return elementwise(op, inputs, rc);
};

/** Reductions over constant axes: the same axes, one further. `anyOrder`: the result does not
 * depend on the order values are combined in (max, min, all, any); sums only for integers. */
function reduction(anyOrder: boolean): Rule {
  return (op, [x, axes], rc) => {
    const v = x as VValue;
    if (!v.batched) decline(op.type, 'reduction axes that depend on the element');
    if (!anyOrder && !INTEGERS.has(String(op.attrs.T)))
      decline(op.type, 'a float sum adds in an order that depends on the batch shape (its bits can change)');
    const rank = rankOf(op, v);
    const list = knownInts(op, axes as VValue, rc, 'axis').map((a) => shifted(op, a, rank));
    const scalar = (axes as VValue).element?.length === 0;
    return add(rc, op, [v.sym, rc.ctx.constant(intsLike(list, axes as VValue, scalar))]);
  };
}

const argReduction: Rule = (op, [x, axis], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'an axis that depends on the element');
  const a = shifted(op, knownInts(op, axis as VValue, rc, 'axis')[0], rankOf(op, v));
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike([a], axis as VValue, true))]);
};

const clipByValue: Rule = (op, [t, lo, hi], rc) => {
  const [x, min, max] = [t, lo, hi] as VValue[];
  // The kernel takes scalar bounds or bounds of t's shape: only invariant scalars keep that.
  if (!x.batched || min.batched || max.batched || rankOf(op, min) !== 0 || rankOf(op, max) !== 0)
    decline(op.type, 'bounds other than constant scalars');
  return add(rc, op, [x.sym, min.sym, max.sym]);
};

const reshape: Rule = (op, [x, shape], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'a shape that depends on the element');
  const from = staticShape(op, v);
  const to = op.outputs[0].shape;
  if (to === null || to.some((d) => d === null)) decline(op.type, 'an output shape not known statically');
  if (from.reduce((a, d) => a * d, 1) === 0) decline(op.type, 'an empty element');
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike([-1, ...(to as number[])], shape as VValue, false))]);
};

const expandDims: Rule = (op, [x, dim], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'an axis that depends on the element');
  const rank = rankOf(op, v);
  const a = knownInts(op, dim as VValue, rc, 'axis')[0];
  if (a < -rank - 1 || a > rank) decline(op.type, `axis ${a} out of range`);
  const axis = (a < 0 ? a + rank + 1 : a) + 1;
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike([axis], dim as VValue, true))]);
};

const squeeze: Rule = (op, [x], rc) => {
  const v = x as VValue;
  const given = (op.attrs.squeeze_dims as number[] | undefined) ?? [];
  const rank = rankOf(op, v);
  const dims = given.length
    ? given.map((a) => shifted(op, a, rank))
    : staticShape(op, v).flatMap((d, i) => (d === 1 ? [i + 1] : []));
  return add(rc, op, [v.sym], { squeeze_dims: dims });
};

const transpose: Rule = (op, [x, perm], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'a permutation that depends on the element');
  const rank = rankOf(op, v);
  const p = knownInts(op, perm as VValue, rc, 'permutation').map((a) => shifted(op, a, rank));
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike([0, ...p], perm as VValue, false))]);
};

const concat: Rule = (op, [values, axis], rc) => {
  const vs = values as VValue[];
  const rank = rankOf(op, vs[0]);
  const a = shifted(op, knownInts(op, axis as VValue, rc, 'axis')[0], rank);
  return add(rc, op, [allBatched(vs, rc), rc.ctx.constant(intsLike([a], axis as VValue, true))]);
};

const pack: Rule = (op, [values], rc) => {
  const vs = values as VValue[];
  const rank = rankOf(op, vs[0]) + 1; // the stacked result's rank
  return add(rc, op, [allBatched(vs, rc)], { axis: shifted(op, Number(op.attrs.axis), rank) });
};

const unpack: Rule = (op, [x], rc) => {
  const v = x as VValue;
  return add(rc, op, [v.sym], { axis: shifted(op, Number(op.attrs.axis), rankOf(op, v)) });
};

const slice: Rule = (op, [x, b, s], rc) => {
  const v = x as VValue;
  const shape = staticShape(op, v);
  const begin = knownInts(op, b as VValue, rc, 'begin');
  const size = knownInts(op, s as VValue, rc, 'size');
  // Bounds checked here, so the batched slice cannot fail where the element's would not.
  shape.forEach((d, i) => {
    if (begin[i] < 0 || begin[i] > d || (size[i] !== -1 && (size[i] < 0 || begin[i] + size[i] > d)))
      decline(op.type, 'a slice outside the element');
  });
  return add(rc, op, [
    v.sym,
    rc.ctx.constant(intsLike([0, ...begin], b as VValue, false)),
    rc.ctx.constant(intsLike([-1, ...size], s as VValue, false)),
  ]);
};

const stridedSlice: Rule = (op, [x, b, e, s], rc) => {
  const v = x as VValue;
  staticShape(op, v);
  // With static shapes TensorFlow's shape inference already checked every index at trace time.
  if (op.outputs[0].shape === null || op.outputs[0].shape.some((d) => d === null))
    decline(op.type, 'an output shape not known statically');
  const begin = knownInts(op, b as VValue, rc, 'begin');
  const end = knownInts(op, e as VValue, rc, 'end');
  const strides = knownInts(op, s as VValue, rc, 'strides');
  const mask = (name: string, full: boolean) => (Number(op.attrs[name] ?? 0) << 1) | (full ? 1 : 0);
  return add(
    rc,
    op,
    [
      v.sym,
      rc.ctx.constant(intsLike([0, ...begin], b as VValue, false)),
      rc.ctx.constant(intsLike([0, ...end], e as VValue, false)),
      rc.ctx.constant(intsLike([1, ...strides], s as VValue, false)),
    ],
    {
      begin_mask: mask('begin_mask', true),
      end_mask: mask('end_mask', true),
      ellipsis_mask: mask('ellipsis_mask', false),
      new_axis_mask: mask('new_axis_mask', false),
      shrink_axis_mask: mask('shrink_axis_mask', false),
    },
  );
};

const gather: Rule = (op, [params, indices, axis], rc) => {
  const [p, i] = [params, indices] as VValue[];
  if (Number(op.attrs.batch_dims ?? 0) !== 0) decline(op.type, 'batch_dims');
  if (!p.batched || i.batched)
    decline(op.type, 'indices that depend on the element (an out-of-range one would fail the whole batch)');
  const shape = staticShape(op, p);
  const a = shifted(op, knownInts(op, axis as VValue, rc, 'axis')[0], shape.length);
  const dim = shape[a - 1];
  if (knownInts(op, i, rc, 'indices').some((k) => k < 0 || k >= dim)) decline(op.type, 'an index out of range');
  return add(rc, op, [p.sym, i.sym, rc.ctx.constant(intsLike([a], axis as VValue, true))]);
};

const oneHot: Rule = (op, [indices, depth, on, off], rc) => {
  const i = indices as VValue;
  if ([depth, on, off].some((v) => (v as VValue).batched))
    decline(op.type, 'a depth or value that depends on the element');
  const a = Number(op.attrs.axis ?? -1);
  const axis = a === -1 ? -1 : shifted(op, a, rankOf(op, i) + 1);
  return add(rc, op, [i.sym, (depth as VValue).sym, (on as VValue).sym, (off as VValue).sym], { axis });
};

const reverse: Rule = (op, [x, axes], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'axes that depend on the element');
  const rank = rankOf(op, v);
  const list = knownInts(op, axes as VValue, rc, 'axis').map((a) => shifted(op, a, rank));
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike(list, axes as VValue, false))]);
};

const tile: Rule = (op, [x, multiples], rc) => {
  const v = x as VValue;
  if (!v.batched) decline(op.type, 'multiples that depend on the element');
  const m = knownInts(op, multiples as VValue, rc, 'multiples');
  return add(rc, op, [v.sym, rc.ctx.constant(intsLike([1, ...m], multiples as VValue, false))]);
};

/** `sym` ([B, ...element]) with the batch folded into its first dimension: [B * d0, ...]. */
function folded(op: RecordedOp, v: VValue, rc: RuleContext): Sym {
  const [, ...rest] = staticShape(op, v);
  return rc.ctx.addOp('Reshape', [v.sym, rc.ints([-1, ...rest])])[0];
}

/** The inverse of `folded` for the recorded output's element shape. */
function unfolded(op: RecordedOp, sym: Sym, rc: RuleContext): Sym {
  const out = op.outputs[0].shape;
  if (out === null || out.some((d) => d === null)) return decline(op.type, 'an output shape not known statically');
  return rc.ctx.addOp('Reshape', [sym, rc.ints([-1, ...(out as number[])])])[0];
}

/** Image resizes of [n, h, w, c] elements: the batch's images stacked into one [B·n, h, w, c]. */
const resizeImages: Rule = (op, [images, size], rc) => {
  const v = images as VValue;
  if (!v.batched || (size as VValue).batched) decline(op.type, 'a size that depends on the element');
  if (staticShape(op, v).some((d) => d === 0)) decline(op.type, 'an empty element');
  return [unfolded(op, add(rc, op, [folded(op, v, rc), (size as VValue).sym])[0], rc)];
};

/** Shape, Size, Rank of an element of static shape: constants. */
const shapeOf: Rule = (op, [x], rc) => {
  const v = x as VValue;
  const out = String(op.attrs.out_type ?? 'int32') as 'int32' | 'int64';
  const ints = (list: number[], scalar: boolean) =>
    tensor((out === 'int64' ? list.map(BigInt) : list) as never, out, scalar ? undefined : [list.length]);
  if (op.type === 'Rank') return [invariant(rc.ctx.constant(tensor(rankOf(op, v), 'int32')))];
  const shape = staticShape(op, v);
  const t = op.type === 'Shape' ? ints(shape, false) : ints([shape.reduce((a, d) => a * d, 1)], true);
  return [invariant(rc.ctx.constant(t))];
};

const DECLINING = new Set<Rule>();
const declined = (reason: string): Rule => {
  const rule: Rule = (op) => decline(op.type, reason);
  DECLINING.add(rule);
  return rule;
};

const TRANSCENDENTAL =
  'transcendental: Eigen computes full SIMD packets and the scalar tail differently, so batching can change bits';
const FAILS = 'it fails on bad data: one failing element would fail the whole batch';
// Found by the property tests (test/vectorize/rules.test.ts): the SIMD and scalar paths differ.
const SIGNED_ZERO = 'SIMD max/min order signed zeros and NaN differently from the scalar tail';
const APPROXIMATE = 'its SIMD form is an approximation refined by a Newton step, not the correctly rounded value';
const PRODUCT =
  'more rows select another matrix kernel (GEMV for one row, blocked GEMM for many), which sums in another order';
const SUBNORMAL = 'its SIMD and scalar forms disagree on subnormal inputs';

/** The rule table: op type → rule. Ops absent from it decline. */
export const RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>([
  ...[
    // unary, IEEE-exact or integer/bool
    'Identity',
    'StopGradient',
    'Neg',
    'Abs',
    'Sqrt',
    'Floor',
    'Ceil',
    'Round',
    'Rint',
    'Square',
    'LogicalNot',
    'Invert',
    'IsNan',
    'IsInf',
    'IsFinite',
    'ZerosLike',
    'OnesLike',
    'Cast',
    // binary with broadcasting
    'Add',
    'AddV2',
    'Sub',
    'Mul',
    'SquaredDifference',
    'Less',
    'LessEqual',
    'Greater',
    'GreaterEqual',
    'Equal',
    'NotEqual',
    'LogicalAnd',
    'LogicalOr',
    'BitwiseAnd',
    'BitwiseOr',
    'BitwiseXor',
    'SelectV2',
  ].map((t): [string, Rule] => [t, elementwise]),
  ['RealDiv', floatElementwise],
  ['Div', floatElementwise],
  ['ClipByValue', clipByValue],
  ['Sum', reduction(false)],
  ['Prod', reduction(false)],
  ['Mean', reduction(false)],
  ['Max', reduction(true)],
  ['Min', reduction(true)],
  ['All', reduction(true)],
  ['Any', reduction(true)],
  ['ArgMax', argReduction],
  ['ArgMin', argReduction],
  ['Reshape', reshape],
  ['ExpandDims', expandDims],
  ['Squeeze', squeeze],
  ['Transpose', transpose],
  ['ConcatV2', concat],
  ['Pack', pack],
  ['Unpack', unpack],
  ['Slice', slice],
  ['StridedSlice', stridedSlice],
  ['GatherV2', gather],
  ['OneHot', oneHot],
  ['ReverseV2', reverse],
  ['Tile', tile],
  ...['MatMul', 'BatchMatMulV2', 'BatchMatMulV3'].map((t): [string, Rule] => [t, declined(PRODUCT)]),
  ['ResizeBilinear', resizeImages],
  ['ResizeNearestNeighbor', resizeImages],
  ['Shape', shapeOf],
  ['Size', shapeOf],
  ['Rank', shapeOf],
  ...['Exp', 'Expm1', 'Log', 'Log1p', 'Tanh', 'Sigmoid', 'Pow', 'Rsqrt', 'Sin', 'Cos', 'Tan', 'Erf', 'Softplus'].map(
    (t): [string, Rule] => [t, declined(TRANSCENDENTAL)],
  ),
  ['Maximum', declined(SIGNED_ZERO)],
  ['Minimum', declined(SIGNED_ZERO)],
  ['Reciprocal', declined(APPROXIMATE)],
  ['Inv', declined(APPROXIMATE)],
  ['Sign', declined(SUBNORMAL)],
  ...['FloorDiv', 'FloorMod', 'TruncateDiv', 'TruncateMod', 'Mod', 'CheckNumerics', 'CheckNumericsV2', 'Assert'].map(
    (t): [string, Rule] => [t, declined(FAILS)],
  ),
]);

/** Ops with a rule that computes them (not one that declines). */
const ADMITTED = new Set([...RULES].filter(([, rule]) => !DECLINING.has(rule)).map(([type]) => type));

/**
 * Whether `op`, computed once per batch on values that do not depend on the element, cannot
 * fail: one that could would fail once per batch where it failed once per element.
 */
export function invariantSafe(op: RecordedOp): boolean {
  if (op.type === 'Const') return true;
  if (op.type === 'GatherV2') return false; // an out-of-range constant index fails at run time
  if (op.type === 'RealDiv' || op.type === 'Div') return FLOATS.has(String(op.attrs.T));
  return ADMITTED.has(op.type);
}
