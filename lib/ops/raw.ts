// The escape hatch: any op registered in the loaded TensorFlow, attrs typed from its OpDef.
import { AttrValue, GraphContext } from '../graph/context';
import { Sym } from '../graph/sym';
import { Operand, toSym } from '../graph/operands';

/**
 * Adds any registered op: `rawOp('Cumsum', [x, 0], { exclusive: true })`. Type attrs are inferred
 * from the inputs; returns every output. This is the untyped form: prefer the typed builder
 * `tf.raw.<Op>` with named inputs and attrs, e.g. `tf.raw.Cumsum({ x, axis: 0, exclusive: true })`.
 */
export function rawOp(
  type: string,
  inputs: readonly (Operand | readonly Operand[])[],
  attrs: Record<string, AttrValue> = {},
): Sym[] {
  if (typeof type !== 'string' || type.length === 0) throw new TypeError('rawOp: type must be an op name');
  const ctx = GraphContext.require(type);
  const syms = inputs.map((x) =>
    Array.isArray(x) ? (x as Operand[]).map((v) => toSym(v, undefined, type)) : toSym(x, undefined, type),
  );
  return ctx.addOp(type, syms, attrs);
}
