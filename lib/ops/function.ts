// Functions for the `func` attrs of raw ops (If, While, MapDefun…): a callback traced once on
// Syms of the given specs, as Python passes a concrete function to `tf.raw_ops`. A raw op has no
// way to pass captured inputs, so host values the body uses are baked in as constants.
import type { Sym } from '../graph/sym';
import { TensorSpec, TracedFunction, traceFunction as trace } from '../trace/function';

/**
 * Traces `body` into a TensorFlow function with one input per spec; the result can be given to
 * any `func` attr of a `tf.raw` op. Host values it uses become constants of the function; Syms of
 * the enclosing callback cannot be captured by a raw op: give them as inputs instead.
 */
export function traceFunction<const S extends readonly TensorSpec[]>(
  inputSpecs: S,
  body: (...inputs: { [K in keyof S]: Sym<S[K]['dtype']> }) => unknown,
  label = 'raw',
): TracedFunction {
  if (!Array.isArray(inputSpecs)) throw new TypeError('traceFunction: inputSpecs must be an array of { dtype, shape }');
  if (typeof body !== 'function') throw new TypeError('traceFunction: body must be a function');
  const call = body as (...inputs: Sym[]) => unknown;
  return trace(label, inputSpecs, (inputs) => call(...inputs), undefined, { inlineHostData: true });
}
