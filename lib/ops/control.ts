// Control flow inside a traced function: both branches are traced into functions and run by If.
import { GraphContext } from '../graph';
import { TensorSpec, TracedFunction, traceFunction } from '../function';
import type { CaptureSource } from '../graph';
import { unflatten, sameSkeleton } from '../structure';
import { Sym } from '../sym';
import { Operand, toSym } from './convert';

/**
 * `cond(pred, () => a, () => b)`: runs one branch per element (TensorFlow If). Both branches
 * must return the same structure and dtypes.
 */
export function cond<R>(pred: Operand<'bool'>, thenFn: () => R, elseFn: () => R): R {
  const ctx = GraphContext.require('cond');
  const p = toSym(pred, 'bool', 'cond');
  if (p.dtype !== 'bool') throw new TypeError(`cond: pred must be bool, got ${p.dtype}`);
  const thenBranch = traceFunction('cond_then', [], () => thenFn());
  const elseBranch = traceFunction('cond_else', [], () => elseFn());
  if (!sameSkeleton(thenBranch.outputSkeleton, elseBranch.outputSkeleton)) {
    throw new TypeError('cond: the branches return different structures');
  }
  thenBranch.outputSpecs.forEach((s, i) => {
    const e = elseBranch.outputSpecs[i];
    if (s.dtype !== e.dtype) throw new TypeError(`cond: output ${i} is ${s.dtype} in the then branch but ${e.dtype} in the else branch`);
  });
  // If passes one input list to whichever branch runs: both take all captures, each uses its own.
  const thenArgs = ctx.resolveCaptures(thenBranch);
  const elseArgs = ctx.resolveCaptures(elseBranch);
  const specs = [...thenBranch.captures, ...elseBranch.captures].map(specOfCapture);
  const thenAll = acceptAll(thenBranch, specs, 0);
  const elseAll = acceptAll(elseBranch, specs, thenArgs.length);
  const inputs = [...thenArgs, ...elseArgs];
  const outputShapes = thenBranch.outputSpecs.map((s, i) => mergeShape(s.shape, elseBranch.outputSpecs[i].shape));
  const outs = ctx.addOp(
    'If',
    [p, inputs],
    {
      Tout: thenBranch.outputSpecs.map((s) => s.dtype),
      then_branch: thenAll,
      else_branch: elseAll,
      output_shapes: outputShapes,
    },
    { name: 'cond' },
  );
  return unflatten(thenBranch.outputSkeleton, outs) as R;
}

/** Wraps a branch so it accepts the whole input list and passes on its own slice of it. */
function acceptAll(branch: TracedFunction, specs: TensorSpec[], offset: number): TracedFunction {
  return traceFunction(`${branch.name}_all`, specs, (args) => {
    const ctx = GraphContext.require('cond');
    const own = args.slice(offset, offset + branch.captures.length);
    const outs = ctx.addOp('PartitionedCall', [own], { Tout: branch.outputSpecs.map((s) => s.dtype), f: branch }, { name: 'branch' });
    return outs;
  });
}

function specOfCapture(c: CaptureSource): TensorSpec {
  if ('host' in c) return { dtype: c.host.dtype, shape: [...c.host.shape] };
  return { dtype: c.outer.dtype, shape: c.outer.shape };
}

function mergeShape(a: Sym['shape'], b: Sym['shape']): Sym['shape'] {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => (d === b[i] ? d : null));
}
