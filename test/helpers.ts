// Shared test helpers.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Dataset, Tensor } from '../lib';

let gcFn: (() => void) | undefined;
/** A full garbage collection (V8's `gc`, exposed on first use). */
export function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
}

/** Collects garbage and waits, 25 ms at a time, until `until()` holds or `ms` have passed. */
export async function settle(until: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!until() && Date.now() < end) {
    gc();
    await new Promise((r) => setTimeout(r, 25));
  }
}

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
