// Stateless random numbers: the same seed gives the same values, run after run (the
// key/counter/alg path tf.random.stateless_* takes, so values match TensorFlow's).
import { FloatDType } from '../dtypes';
import { Sym } from '../sym';
import { Operand, addOp, constOf, intConst, toSym } from './convert';

/** A seed: two integers, or a Sym of shape [2] (int32 or int64). */
export type Seed = readonly [number, number] | Sym<'int32'> | Sym<'int64'>;

function keyCounterAlg(seed: Seed, what: string): Sym[] {
  let s: Sym;
  if (seed instanceof Sym) s = toSym(seed, undefined, what);
  else {
    if (!Array.isArray(seed) || seed.length !== 2) throw new TypeError(`${what}: seed must be [number, number] or a Sym of shape [2]`);
    s = intConst(seed as readonly number[], what, 'int64');
  }
  return addOp('StatelessRandomGetKeyCounterAlg', [s]);
}

/** Options of `statelessRandomUniform`. */
export interface UniformOptions<D extends FloatDType> {
  /** Lower bound (inclusive, default 0). */
  minval?: number;
  /** Upper bound (exclusive, default 1). */
  maxval?: number;
  /** float32 (default) or float64. */
  dtype?: D;
}

/** Uniform floats in [minval, maxval) (default [0, 1), float32). */
export function statelessRandomUniform<D extends FloatDType = 'float32'>(shape: readonly number[], seed: Seed, options: UniformOptions<D> = {}): Sym<D> {
  const dtype = options.dtype ?? 'float32';
  const [key, counter, alg] = keyCounterAlg(seed, 'statelessRandomUniform');
  const rnd = addOp('StatelessRandomUniformV2', [intConst(shape, 'statelessRandomUniform'), key, counter, alg], { dtype })[0];
  const min = options.minval ?? 0;
  const max = options.maxval ?? 1;
  const scaled = addOp('Mul', [rnd, constOf(max - min, dtype, 'statelessRandomUniform')])[0];
  return addOp('AddV2', [scaled, constOf(min, dtype, 'statelessRandomUniform')])[0] as Sym<D>;
}

/** Options of `statelessRandomNormal`. */
export interface NormalOptions<D extends FloatDType> {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 1). */
  stddev?: number;
  /** float32 (default) or float64. */
  dtype?: D;
}

/** Normally distributed floats (default mean 0, stddev 1, float32). */
export function statelessRandomNormal<D extends FloatDType = 'float32'>(shape: readonly number[], seed: Seed, options: NormalOptions<D> = {}): Sym<D> {
  const dtype = options.dtype ?? 'float32';
  const [key, counter, alg] = keyCounterAlg(seed, 'statelessRandomNormal');
  const rnd = addOp('StatelessRandomNormalV2', [intConst(shape, 'statelessRandomNormal'), key, counter, alg], { dtype })[0];
  const scaled = addOp('Mul', [rnd, constOf(options.stddev ?? 1, dtype, 'statelessRandomNormal')])[0];
  return addOp('AddV2', [scaled, constOf(options.mean ?? 0, dtype, 'statelessRandomNormal')])[0] as Sym<D>;
}

export type { Operand };
