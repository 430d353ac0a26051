// Vectorisation: a traced map function `f` rewritten into `vf`, which takes a batch of elements
// (a leading batch dimension on every input) and returns the batch of f's results, as
// TensorFlow's pfor does. The recorded body of f (graph/context.ts RecordedOp) is replayed node
// by node into a new function: a node none of whose inputs depends on the element is copied as
// is (it computes the same value for every element), and a node that does is rewritten by its
// rule (vectorize-rules.ts). A node without a rule, or whose rule cannot prove the batched form
// gives the same bits and the same errors, declines the whole rewrite.
import { GraphContext, OpInput, RecordedOp } from '../graph/context';
import { StaticShape, Sym } from '../graph/sym';
import { Tensor, tensor } from '../tensor/tensor';
import { TensorSpec, TracedFunction, finishTrace, traceGraph } from './function';
import { RULES, invariantSafe } from './vectorize-rules';
import { INVARIANT, RuleContext, VValue, VectorizeDecline, decline } from './vectorize-rule';

const fullyKnown = (s: StaticShape): s is number[] => s !== null && s.every((d) => d !== null);

/** True for an attr value naming a function (an op that calls another function). */
function isFunctionAttr(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'native' in v && 'captures' in v;
}

/**
 * `f` rewritten for a leading batch dimension of `batchDim` rows (null when the last batch may
 * be smaller), or the decline that stopped it. `f` must have been traced with `record`.
 */
export function vectorizeFunction(
  f: TracedFunction,
  batchDim: number | null,
): { fn: TracedFunction } | { declined: VectorizeDecline } {
  try {
    return { fn: rewrite(f, batchDim) };
  } catch (e) {
    if (e instanceof VectorizeDecline) return { declined: e };
    throw e;
  }
}

function rewrite(f: TracedFunction, batchDim: number | null): TracedFunction {
  const record = f.record;
  if (!record) return decline('input', 'the function was not recorded');
  // Static element shapes in and out: then batching the inputs cannot fail where batching the
  // outputs would not, and every rule sees fixed shapes.
  f.inputSpecs.forEach((s, i) => {
    if (s.composite) decline('input', `input ${i} is ${s.composite.kind}`);
    if (!fullyKnown(s.shape)) decline('input', `input ${i} has no static shape`);
  });
  f.outputSpecs.forEach((s, i) => {
    if (s.composite) decline('output', `output ${i} is ${s.composite.kind}`);
    if (!fullyKnown(s.shape)) decline('output', `output ${i} has no static shape`);
  });
  if (f.inputSpecs.length === 0) decline('input', 'the function takes no element');
  const batchedSpecs: TensorSpec[] = f.inputSpecs.map((s) => ({
    dtype: s.dtype,
    shape: [batchDim, ...(s.shape as number[])],
  }));
  const knownValues = new Map<Sym, Tensor>();
  const traced = traceGraph(
    'vmap',
    batchedSpecs,
    (inputs) => {
      const ctx = GraphContext.require('vectorize');
      const values = new Map<Sym, VValue>();
      record.inputs.forEach((orig, i) => values.set(orig, { sym: inputs[i], batched: true, element: orig.shape }));
      for (const c of record.captures) {
        if (!('host' in c.source)) decline('capture', 'the function captures a tensor of an enclosing callback');
        const sym = ctx.captureHost(c.source.host);
        knownValues.set(sym, c.source.host);
        values.set(c.inner, { sym, batched: false, element: c.inner.shape });
      }
      let batchRows: Sym | undefined;
      const rc: RuleContext = {
        ctx,
        known: (v) => (v.batched ? undefined : knownValues.get(v.sym)),
        broadcast: (v) => {
          batchRows ??= ctx.addOp('Slice', [ctx.addOp('Shape', [inputs[0]])[0], rc.ints([0]), rc.ints([1])])[0];
          const zero = ctx.constant(tensor(0, 'int32'));
          const shape = ctx.addOp('ConcatV2', [[batchRows, ctx.addOp('Shape', [v.sym])[0]], zero])[0];
          const row = ctx.addOp('ExpandDims', [v.sym, zero])[0];
          return ctx.addOp('BroadcastTo', [row, shape])[0];
        },
        ints: (list) => ctx.constant(tensor(list, 'int32', [list.length])),
      };
      for (const op of record.ops) replay(op, values, knownValues, rc);
      return record.leaves.map((leaf) => {
        const v = values.get(leaf);
        if (!v) return decline('output', `output ${leaf.opName} was not computed`);
        return v.batched ? v.sym : rc.broadcast(v);
      });
    },
    (returned) => ({ leaves: returned as Sym[], skeleton: f.outputSkeleton }),
  );
  // A rule's result must have the shape the batch of f's outputs has: [B, ...element].
  traced.leaves.forEach((s, i) => {
    const want = f.outputSpecs[i];
    const ok =
      s.dtype === want.dtype &&
      s.shape !== null &&
      s.shape.length === (want.shape as number[]).length + 1 &&
      s.shape.slice(1).every((d, j) => d === null || d === (want.shape as number[])[j]);
    if (!ok) {
      traced.ctx.dispose();
      decline('output', `output ${i} came out as ${s.dtype}${JSON.stringify(s.shape)}`);
    }
  });
  return finishTrace(traced);
}

/** Adds `op` to the new graph: copied when no input depends on the element, else by its rule. */
function replay(op: RecordedOp, values: Map<Sym, VValue>, knownValues: Map<Sym, Tensor>, rc: RuleContext): void {
  if (op.type === 'Placeholder') {
    // Inputs and captures are mapped already; an input left unused pads a signature.
    if (!values.has(op.outputs[0])) decline('Placeholder', 'an input the vectoriser does not know');
    return;
  }
  if (op.controlled) decline(op.type, 'it has control dependencies');
  if (Object.values(op.attrs).some(isFunctionAttr)) decline(op.type, 'it calls a function');
  // A stateful op (random, I/O, resources) runs once per element; once per batch is not the same.
  const stateful = rc.ctx.opDef(op.type).isStateful;
  const STATEFUL = 'it is stateful (random, I/O or resource ops)';
  const lookup = (s: Sym): VValue => {
    const v = values.get(s);
    if (!v) return decline(op.type, `its input ${s.opName} was not computed`);
    return v;
  };
  const inputs = op.inputs.map((x: OpInput) =>
    Array.isArray(x) ? (x as readonly Sym[]).map(lookup) : lookup(x as Sym),
  );
  const flat = inputs.flat();
  let outputs: Sym[];
  let batched: boolean;
  if (!flat.some((v) => v.batched)) {
    if (stateful) decline(op.type, STATEFUL);
    if (!invariantSafe(op))
      decline(op.type, 'it may fail: computed once per batch, it would fail once per batch, not once per element');
    const syms = inputs.map((x) => (Array.isArray(x) ? x.map((v) => v.sym) : (x as VValue).sym));
    outputs = rc.ctx.addOp(op.type, syms, op.attrs as never);
    batched = false;
    if (op.type === 'Const') knownValues.set(outputs[0], op.attrs.value as Tensor);
  } else {
    const rule = RULES.get(op.type);
    if (!rule) decline(op.type, stateful ? STATEFUL : 'no batched rule for it');
    outputs = rule(op, inputs, rc);
    batched = true;
  }
  op.outputs.forEach((orig, i) => {
    const sym = outputs[i];
    // Shape, Size and Rank of a batched value are element constants: their rule marks them so.
    const invariant = !batched || (sym as Sym & { [INVARIANT]?: true })[INVARIANT] === true;
    values.set(orig, { sym, batched: !invariant, element: orig.shape });
  });
}
