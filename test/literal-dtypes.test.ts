// Static types = run-time dtypes for literals: each case below is checked twice, by the compiler
// (`npm run typecheck` compiles this file: `expectDtype(d, x)` needs x's static dtype to be
// exactly d) and at run time (x's dtype, from TensorFlow, is d).
import { Dataset, Sym, Tensor, tensor, ops as tf } from '../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** The dtype of a Sym's or Tensor's type. */
type DTypeOf<X> = X extends Sym<infer D> ? D : X extends Tensor<infer D> ? D : never;

/** Records `x` to be checked at run time against `dtype`; compiles only when x's static dtype is exactly `dtype`. */
function expectDtype<const D extends string, X extends Sym | Tensor>(
  dtype: D,
  x: X & (Equal<DTypeOf<X>, D> extends true ? unknown : { staticDtypeIs: DTypeOf<X> }),
): void {
  if (x instanceof Tensor) expect({ dtype, runs: x.dtype }).toEqual({ dtype, runs: dtype });
  else traced.push([dtype, x]);
}

let traced: [string, Sym][] = [];

/** The dtypes of the Syms `body` checks, as TensorFlow runs them (the elementSpec of a map). */
function runtimeDtypes(body: () => void): { expected: string; runs: string }[] {
  traced = [];
  let checks: [string, Sym][] = [];
  const ds = Dataset.range(1).map(() => {
    body();
    checks = traced;
    return checks.map(([, s]) => s);
  });
  const specs = ds.elementSpec as unknown as { dtype: string }[];
  return checks.map(([expected], i) => ({ expected, runs: specs[i].dtype }));
}

test('tensor() of literals is typed as it is made', () => {
  expectDtype('int32', tensor(0));
  expectDtype('int32', tensor([1, -2, 3]));
  expectDtype('float32', tensor(0.5));
  expectDtype('float32', tensor([1, 2.5]));
  expectDtype(
    'float32',
    tensor([
      [1, 2],
      [3, 0.25],
    ]),
  );
  expectDtype(
    'int32',
    tensor([
      [1, 2],
      [3, 4],
    ]),
  );
  expectDtype('int64', tensor(30_000_000_000));
  expectDtype('float32', tensor([]));
  expectDtype('int64', tensor([1n, 2n]));
  expectDtype('bool', tensor([true]));
  expectDtype('string', tensor(['a']));
});

test('fill of a literal has the literal dtype, as tf.fill', () => {
  const checks = runtimeDtypes(() => {
    expectDtype('int32', tf.fill([4], 0));
    expectDtype('float32', tf.fill([4], 0.5));
    expectDtype('int64', tf.fill([4], 0n));
    expectDtype('bool', tf.fill([2], true));
    expectDtype('string', tf.fill([2], 'x'));
    expectDtype('float64', tf.fill([4], 0, 'float64'));
  });
  checks.forEach((c) => expect(c.runs).toBe(c.expected));
  expect(checks).toHaveLength(6);
});

test('sources of literals are typed as they run', () => {
  const slices = Dataset.fromTensorSlices({ i: [1, 2], f: [0.5, 1], b: [1n, 2n] });
  slices.map(({ i, f, b }) => {
    expectDtype('int32', i);
    expectDtype('float32', f);
    expectDtype('int64', b);
    return i;
  });
  expect(slices.elementSpec).toEqual({
    i: { dtype: 'int32', shape: [] },
    f: { dtype: 'float32', shape: [] },
    b: { dtype: 'int64', shape: [] },
  });
  const single = Dataset.fromTensors([3, 2.5]);
  single.map((x) => {
    expectDtype('float32', x);
    return x;
  });
  expect(single.elementSpec).toEqual({ dtype: 'float32', shape: [2] });
});

test('numbers not known statically are typed as any of the dtypes they may become', () => {
  const n: number = Math.random() < 2 ? 3 : 0.5;
  const t = tensor(n);
  const wide: Equal<typeof t, Tensor<'int32' | 'int64' | 'float32'>> = true;
  expect({ wide, dtype: t.dtype }).toEqual({ wide: true, dtype: 'int32' });
});
