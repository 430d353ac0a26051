// Shared test helpers.
import { Dataset, Tensor } from '../lib';

/** Every element as plain JS values (Tensors → nested arrays), structure kept. */
export async function values(ds: Dataset<unknown>): Promise<unknown[]> {
  return (await ds.toArray()).map(plain);
}

export function plain(v: unknown): unknown {
  if (v instanceof Tensor) return v.toArray();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** The error a function throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

export async function rejectionOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

/** Runs `fn`; succeeding is fine, and a throw must be a TypeError or RangeError (never a crash or a plain Error). */
export function onlyTypedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    expect(['TypeError', 'RangeError']).toContain((e as Error).name);
  }
}
