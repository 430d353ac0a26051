// Stateless random numbers: the same seed gives the same values, run after run (the
// key/counter/alg path tf.random.stateless_* takes, so values match TensorFlow's).
import { FloatDType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Operand, constOf, intConst, toSym } from '../graph/operands';
import {
  AddV2,
  Mul,
  StatelessRandomGetKeyCounterAlg,
  StatelessRandomNormalV2,
  StatelessRandomUniformV2,
} from './generated/index';

/** A seed: two integers, or a Sym of shape [2] (int32 or int64). */
export type Seed = readonly [number, number] | Sym<'int32'> | Sym<'int64'>;

function keyCounterAlg(seed: Seed, what: string): { key: Sym<'uint64'>; counter: Sym<'uint64'>; alg: Sym<'int32'> } {
  let s: Sym;
  if (seed instanceof Sym) s = toSym(seed, undefined, what);
  else {
    if (!Array.isArray(seed) || seed.length !== 2)
      throw new TypeError(`${what}: seed must be [number, number] or a Sym of shape [2]`);
    s = intConst(seed as readonly number[], what, 'int64');
  }
  return StatelessRandomGetKeyCounterAlg({ seed: s as Sym<never> });
}

/** `op(shape, key, counter, alg) * scale + shift`, the arithmetic tf.random.stateless_* applies. */
function sample(
  op: typeof StatelessRandomUniformV2,
  what: string,
  shape: readonly number[],
  seed: Seed,
  dtype: FloatDType,
  scale: number,
  shift: number,
): Sym {
  const { key, counter, alg } = keyCounterAlg(seed, what);
  const rnd = op({ shape: intConst(shape, what) as Sym<'int32'>, key, counter, alg, dtype });
  const scaled = Mul({ x: rnd, y: constOf(scale, dtype, what) as Sym<FloatDType> });
  return AddV2({ x: scaled, y: constOf(shift, dtype, what) as Sym<FloatDType> });
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
export function statelessRandomUniform<D extends FloatDType = 'float32'>(
  shape: readonly number[],
  seed: Seed,
  options: UniformOptions<D> = {},
): Sym<D> {
  const min = options.minval ?? 0;
  const max = options.maxval ?? 1;
  return sample(
    StatelessRandomUniformV2,
    'statelessRandomUniform',
    shape,
    seed,
    options.dtype ?? 'float32',
    max - min,
    min,
  ) as Sym<D>;
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
export function statelessRandomNormal<D extends FloatDType = 'float32'>(
  shape: readonly number[],
  seed: Seed,
  options: NormalOptions<D> = {},
): Sym<D> {
  return sample(
    StatelessRandomNormalV2,
    'statelessRandomNormal',
    shape,
    seed,
    options.dtype ?? 'float32',
    options.stddev ?? 1,
    options.mean ?? 0,
  ) as Sym<D>;
}

export type { Operand };
