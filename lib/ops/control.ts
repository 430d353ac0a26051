// Control flow inside a traced function: both branches are traced into functions run by If.
import { GraphContext } from '../graph/context';
import type { CaptureSource } from '../graph/context';
import { TensorSpec, TracedGraph, finishTrace, traceGraph } from '../trace/function';
import { unflatten, sameSkeleton } from '../tensor/structure';
import { mergeStaticShapes } from '../graph/sym';
import { Operand, toSym } from '../graph/operands';

/**
 * `cond(pred, () => a, () => b)`: runs one branch per element (TensorFlow If). Both branches
 * must return the same structure and dtypes.
 */
export function cond<R>(pred: Operand<'bool'>, thenFn: () => R, elseFn: () => R): R {
  const ctx = GraphContext.require('cond');
  const p = toSym(pred, 'bool', 'cond');
  if (p.dtype !== 'bool') throw new TypeError(`cond: pred must be bool, got ${p.dtype}`);
  const thenGraph = traceGraph('cond_then', [], () => thenFn());
  let elseGraph: TracedGraph;
  try {
    elseGraph = traceGraph('cond_else', [], () => elseFn());
  } catch (e) {
    thenGraph.ctx.dispose();
    throw e;
  }
  try {
    if (!sameSkeleton(thenGraph.skeleton, elseGraph.skeleton) || thenGraph.leaves.length !== elseGraph.leaves.length) {
      throw new TypeError('cond: the branches return different structures');
    }
    thenGraph.leaves.forEach((s, i) => {
      const e = elseGraph.leaves[i];
      if (s.dtype !== e.dtype)
        throw new TypeError(`cond: output ${i} is ${s.dtype} in the then branch but ${e.dtype} in the else branch`);
    });
  } catch (e) {
    thenGraph.ctx.dispose();
    elseGraph.ctx.dispose();
    throw e;
  }
  // If passes one input list to whichever branch runs: [then's captures, else's captures].
  const thenSpecs = thenGraph.ctx.captures.map((c) => specOfCapture(c.source));
  const elseSpecs = elseGraph.ctx.captures.map((c) => specOfCapture(c.source));
  const thenBranch = finishTrace(thenGraph, { after: elseSpecs });
  const elseBranch = finishTrace(elseGraph, { before: thenSpecs });
  const inputs = [...ctx.resolveCaptures(thenBranch), ...ctx.resolveCaptures(elseBranch)];
  const outputShapes = thenBranch.outputSpecs.map((s, i) =>
    mergeStaticShapes(s.shape, elseBranch.outputSpecs[i].shape),
  );
  // Not the generated If builder: callOp rejects branch functions with captures, which cond passes as `inputs` itself.
  const outs = ctx.addOp(
    'If',
    [p, inputs],
    {
      Tout: thenBranch.outputSpecs.map((s) => s.dtype),
      then_branch: thenBranch,
      else_branch: elseBranch,
      output_shapes: outputShapes,
    },
    { name: 'cond' },
  );
  return unflatten(thenBranch.outputSkeleton, outs) as R;
}

function specOfCapture(c: CaptureSource): TensorSpec {
  if ('host' in c) return { dtype: c.host.dtype, shape: [...c.host.shape] };
  if ('iterationToken' in c) return { dtype: 'int64', shape: [] };
  return { dtype: c.outer.dtype, shape: c.outer.shape };
}
