// Arbitraries and reference models for the fuzz tests (also used by the stress script).
import fc from 'fast-check';
import { Dataset, Sym } from '../lib';

export interface TensorCase {
  dtype: string;
  shape: number[];
  values: unknown;
}

const ranges: Record<string, fc.Arbitrary<unknown>> = {
  float32: fc.oneof(
    fc.float({ noDefaultInfinity: false }),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 3.4028234663852886e38),
  ),
  float64: fc.oneof(
    fc.double(),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE),
  ),
  int8: fc.integer({ min: -128, max: 127 }),
  int16: fc.integer({ min: -32768, max: 32767 }),
  int32: fc.integer({ min: -2147483648, max: 2147483647 }),
  int64: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  uint8: fc.integer({ min: 0, max: 255 }),
  uint16: fc.integer({ min: 0, max: 65535 }),
  uint32: fc.integer({ min: 0, max: 4294967295 }),
  uint64: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  bool: fc.boolean(),
  string: fc.string({ maxLength: 40 }),
};

function nest(flat: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [d, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}

/** A random dtype, a shape of rank 0–3 with dims 0–4 (zero-size included), and values for it. */
export function tensorArbitrary(): fc.Arbitrary<TensorCase> {
  return fc
    .record({
      dtype: fc.constantFrom(...Object.keys(ranges)),
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
    })
    .chain(({ dtype, shape }) => {
      const size = shape.reduce((a, b) => a * b, 1);
      return fc.array(ranges[dtype], { minLength: size, maxLength: size }).map((flat) => {
        // Float32 values must be representable: fc.float gives such values.
        const values = shape.length === 0 ? flat[0] : size === 0 ? zeroSize(shape) : nest(flat, shape);
        return { dtype, shape, values };
      });
    })
    .filter(({ shape }) => !(shape.length > 0 && shape.slice(0, -1).some((d) => d === 0) && shape.length > 1));
}

function zeroSize(shape: number[]): unknown {
  // Nested arrays cannot express [2, 0] unambiguously beyond the first zero; use [0] forms only.
  return nest([], shape);
}

export type ChainStep =
  | { op: 'take' | 'skip' | 'repeat' | 'concat'; a: number; b: number }
  | { op: 'filter' | 'shard' | 'map' | 'batch'; a: number; b: number };

/** A range(n) followed by up to 5 element-preserving steps, optionally ending with a batch. */
export function fuzzChain(): fc.Arbitrary<{ n: number; steps: ChainStep[] }> {
  const step = fc.oneof(
    fc.record({ op: fc.constant('take' as const), a: fc.integer({ min: -1, max: 12 }), b: fc.constant(0) }),
    fc.record({ op: fc.constant('skip' as const), a: fc.integer({ min: -1, max: 12 }), b: fc.constant(0) }),
    fc.record({ op: fc.constant('repeat' as const), a: fc.integer({ min: 0, max: 3 }), b: fc.constant(0) }),
    fc.record({ op: fc.constant('concat' as const), a: fc.integer({ min: 0, max: 5 }), b: fc.constant(0) }),
    fc
      .integer({ min: 1, max: 4 })
      .chain((m) =>
        fc.record({ op: fc.constant('filter' as const), a: fc.constant(m), b: fc.integer({ min: 0, max: m - 1 }) }),
      ),
    fc
      .integer({ min: 1, max: 4 })
      .chain((m) =>
        fc.record({ op: fc.constant('shard' as const), a: fc.constant(m), b: fc.integer({ min: 0, max: m - 1 }) }),
      ),
    fc.record({
      op: fc.constant('map' as const),
      a: fc.integer({ min: -3, max: 3 }),
      b: fc.integer({ min: -5, max: 5 }),
    }),
  );
  const batch = fc.record({
    op: fc.constant('batch' as const),
    a: fc.integer({ min: 1, max: 4 }),
    b: fc.integer({ min: 0, max: 1 }),
  });
  return fc.record({
    n: fc.integer({ min: 0, max: 12 }),
    steps: fc.tuple(fc.array(step, { maxLength: 5 }), fc.option(batch)).map(([s, b]) => (b ? [...s, b] : s)),
  });
}

/** tf.data's semantics for the chain, on plain arrays (values as bigint, batches as arrays). */
export function referenceChain(n: number, steps: ChainStep[]): unknown[] {
  let xs: bigint[] = Array.from({ length: n }, (_, i) => BigInt(i));
  const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;
  for (const s of steps) {
    if (s.op === 'take') xs = s.a < 0 ? xs : xs.slice(0, s.a);
    else if (s.op === 'skip') xs = s.a < 0 ? [] : xs.slice(s.a);
    else if (s.op === 'repeat') xs = Array.from({ length: s.a }, () => xs).flat();
    else if (s.op === 'concat') xs = [...xs, ...Array.from({ length: s.a }, (_, i) => BigInt(i))];
    else if (s.op === 'filter') xs = xs.filter((x) => mod(x, BigInt(s.a)) === BigInt(s.b));
    else if (s.op === 'shard') xs = xs.filter((_, i) => i % s.a === s.b);
    else if (s.op === 'map') xs = xs.map((x) => x * BigInt(s.a) + BigInt(s.b));
    else if (s.op === 'batch') {
      const out: bigint[][] = [];
      for (let i = 0; i < xs.length; i += s.a) out.push(xs.slice(i, i + s.a));
      return s.b === 1 ? out.filter((b) => b.length === s.a) : out;
    }
  }
  return xs;
}

/** Applies one fuzzed step to a dataset (what referenceChain models). */
export function applyStep(ds: Dataset<Sym<'int64'>>, s: ChainStep): Dataset<Sym<'int64'>> {
  switch (s.op) {
    case 'take':
      return ds.take(s.a);
    case 'skip':
      return ds.skip(s.a);
    case 'repeat':
      return ds.repeat(s.a);
    case 'filter':
      return ds.filter((x: Sym<'int64'>) => x.mod(BigInt(s.a) as never).equal(BigInt(s.b) as never));
    case 'shard':
      return ds.shard(s.a, s.b);
    case 'map':
      return ds.map((x: Sym<'int64'>) => x.mul(BigInt(s.a) as never).add(BigInt(s.b) as never));
    case 'batch':
      return ds.batch(s.a, { dropRemainder: s.b === 1 });
    case 'concat':
      return ds.concatenate(Dataset.range(s.a) as never);
    default:
      throw new Error('unknown step');
  }
}
