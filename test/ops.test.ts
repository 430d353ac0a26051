// Op builders, literal rules, captures and tracing errors.
import { Dataset, Sym, TFError, Tensor, tensor, ops as tf } from '../lib';
import { errorOf, values } from './helpers';

const one = <T>(ds: Dataset<T>) => values(ds).then((v) => v[0]);
const ints = () =>
  Dataset.fromTensorSlices(
    tensor(
      [
        [1, 2],
        [3, 4],
      ],
      'int32',
    ),
  );

describe('literal rules', () => {
  test('add concatenates strings (the Add op: AddV2 has no string kernel), as tf.add does', async () => {
    const ds = Dataset.fromTensorSlices(tensor(['a', 'b'])).map((s) => s.add('!').add(tf.add('<', s)));
    const out = (await ds.toArray()).map((t) => Buffer.from((t.data as Uint8Array[])[0]).toString());
    expect(out).toEqual(['a!<a', 'b!<b']);
  });

  test('a bare number adopts the Sym operand dtype', async () => {
    const ds = ints().map((x) => x.mul(2));
    expect(ds.elementSpec.dtype).toBe('int32');
    expect(await values(ds)).toEqual([
      [2, 4],
      [6, 8],
    ]);
    const f = Dataset.fromTensorSlices(new Float64Array([1, 2])).map((x) => tf.add(3, x));
    expect(f.elementSpec.dtype).toBe('float64');
  });

  test('a fractional literal next to int32 is a TypeError, as in TensorFlow', () => {
    expect(errorOf(() => ints().map((x) => x.mul(1.5))).message).toMatch(/mul|Mul/);
    expect(errorOf(() => ints().map((x) => x.mul(1.5))).message).toMatch(
      /cannot be stored as int32 without truncation/,
    );
  });

  test('TypedArrays and Tensors keep their dtype: no silent promotion', () => {
    const e = errorOf(() => ints().map((x) => tf.mul(x, new Float64Array([0.5, 1]))));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toBe(
      "Mul: 'x' is int32 but 'y' is float64. TensorFlow does not convert dtypes implicitly: " +
        "cast one operand so both match, e.g. tf.cast(x, 'float64') or tf.cast(y, 'int32')",
    );
    expect(() => ints().map((x) => x.add(tensor([1n, 2n])))).toThrow(/'x' is int32 but 'y' is int64/);
  });

  test('standalone literals: integers int32, others float32, bigint int64, boolean bool', async () => {
    const ds = Dataset.range(1).map(() => [
      tf.zerosLike([1, 2]),
      tf.zerosLike([1.5]),
      tf.zerosLike([1n]),
      tf.logicalNot([true]),
    ]);
    expect(ds.elementSpec.map((s) => s.dtype)).toEqual(['int32', 'float32', 'int64', 'bool']);
    expect(await one(ds)).toEqual([[0, 0], [0], [0n], [false]]);
  });
});

describe('captures', () => {
  test('a captured array is one function input, fed once per iterator', () => {
    const big = new Float32Array(1000).fill(1);
    const ds = Dataset.range(3).map((i) =>
      tf.sum<'float32'>(big).add(tf.cast(i, 'float32')).add(tf.sum<'float32'>(big)),
    );
    const def = Buffer.from(ds.toGraphDef());
    // The data is fed through a Placeholder, never serialised: 4 kB of ones is absent.
    expect(def.length).toBeLessThan(4000);
    expect(def.includes('captured')).toBe(true);
  });

  test('captured values give the right results', async () => {
    const offsets = tensor(
      [
        [5, 6],
        [7, 8],
      ],
      'int32',
    );
    expect(await values(ints().map((x) => tf.add(x, offsets)))).toEqual([
      [
        [6, 8],
        [8, 10],
      ],
      [
        [8, 10],
        [10, 12],
      ],
    ]);
  });

  test('host data is snapshotted when the dataset or map is created', async () => {
    const w = new Int32Array([1, 2]);
    const rows = new Int32Array([10, 20]);
    const ds = Dataset.fromTensorSlices(tensor(rows, 'int32')).map((x) => x.mul(w));
    w[0] = 100;
    rows[0] = 99;
    expect(await values(ds)).toEqual([
      [10, 20],
      [20, 40],
    ]);
  });

  test('ops outside a callback explain where they belong', () => {
    expect(() => tf.add(tensor([1]), tensor([2]))).toThrow(/can only be called inside a Dataset callback/);
  });

  test('a Sym kept from another callback is refused', () => {
    let leaked: Sym | undefined;
    Dataset.range(2).map((x) => {
      leaked = x;
      return x;
    });
    expect(() => Dataset.range(2).map((y) => y.add(leaked as Sym<'int64'>))).toThrow(/from another callback/);
  });

  test('a callback that throws propagates its own error', () => {
    const boom = new Error('boom');
    expect(() =>
      Dataset.range(2).map(() => {
        throw boom;
      }),
    ).toThrow(boom);
    // and the library is still usable
    expect(() => Dataset.range(2).map((x) => x.add(1))).not.toThrow();
  });

  test('a callback returning non-tensors is a TypeError', () => {
    expect(() => Dataset.range(2).map(() => ({ a: new Date() }) as never)).toThrow(
      /map result has a Date at map result\.a/,
    );
  });
});

describe('op families', () => {
  test('math', async () => {
    const ds = Dataset.fromTensors(tensor([-2, 0.25, 4], 'float32')).map((x) => [
      x.abs().sqrt(),
      tf.exp(tf.zerosLike(x)),
      x.pow(2),
      tf.maximum(x, 0),
    ]);
    expect(await one(ds)).toEqual([[Math.sqrt(2), 0.5, 2].map(Math.fround), [1, 1, 1], [4, 0.0625, 16], [0, 0.25, 4]]);
  });

  test('int division is true division to float64', async () => {
    const ds = Dataset.fromTensors(tensor([1, 3], 'int32')).map((x) => x.div(2));
    expect(ds.elementSpec.dtype).toBe('float64');
    expect(await one(ds)).toEqual([0.5, 1.5]);
  });

  test('index parses Python slice syntax', async () => {
    const ds = Dataset.fromTensors(
      tensor(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        'int32',
      ),
    ).map((x) => [x.index('1'), x.index(':, ::-1'), x.index('..., 1'), x.index('newaxis, 0, 1:')]);
    expect(await one(ds)).toEqual([
      [4, 5, 6],
      [
        [3, 2, 1],
        [6, 5, 4],
      ],
      [2, 5],
      [[2, 3]],
    ]);
    expect(() => Dataset.range(1).map((x) => x.index('a:b'))).toThrow(/'a:b' is not an integer, a slice/);
    expect(() => Dataset.range(1).map((x) => x.index('::0'))).toThrow(/zero step/);
  });

  test('cond runs one branch per element and can capture host data', async () => {
    const bonus = tensor(100, 'int32');
    const ds = Dataset.fromTensorSlices(tensor([1, -1, 2], 'int32')).map((x) =>
      tf.cond(
        x.greater(0),
        () => x.add(bonus),
        () => x.neg(),
      ),
    );
    expect(await values(ds)).toEqual([101, 1, 102]);
    expect(() =>
      Dataset.range(1).map((x) =>
        tf.cond(
          x.greater(0n),
          () => x as Sym,
          () => tf.cast(x, 'float32') as Sym,
        ),
      ),
    ).toThrow(/int64 in the then branch but float32/);
  });

  test('rawOp reaches any registered op with inferred type attrs', async () => {
    const ds = Dataset.fromTensors(tensor([1, 2, 3], 'float32')).map(
      (x) => tf.rawOp('Cumsum', [x, 0], { exclusive: true })[0],
    );
    expect(await one(ds)).toEqual([0, 1, 3]);
    expect(() => Dataset.range(1).map((x) => tf.rawOp('Cumsum', [x, 0], { nope: 1 })[0])).toThrow(
      /Cumsum has no attr 'nope'/,
    );
    expect(() => Dataset.range(1).map((x) => tf.rawOp('NotAnOp', [x])[0])).toThrow(TFError);
  });

  test('shape inference errors surface at map() time as TFError', () => {
    const e = errorOf(() => Dataset.fromTensors(tensor([1, 2, 3], 'int32')).map((x) => x.reshape([2, 2])));
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).code).toBe('INVALID_ARGUMENT');
    expect(e.message).toMatch(/Cannot reshape a tensor with 3 elements to shape \[2,2\]/);
    const m = errorOf(() => Dataset.fromTensors(tensor([[1, 2]], 'float32')).map((x) => x.matMul(x)));
    expect(m).toBeInstanceOf(TFError);
    expect(m.message).toMatch(/Dimensions must be equal/);
  });

  test('decoding garbage as JPEG rejects the iteration with TFError', async () => {
    const ds = Dataset.fromTensorSlices(tensor(['not a jpeg'])).map((s) => tf.decodeJpeg(s));
    const error = await ds.toArray().then(
      () => undefined,
      (e) => e,
    );
    expect(error).toBeInstanceOf(TFError);
    expect((error as TFError).code).toBe('INVALID_ARGUMENT');
  });

  test('PNG round trip through the graph', async () => {
    const img = tensor(
      Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i * 10),
      'uint8',
      [2, 3, 3],
    );
    const ds = Dataset.fromTensors(img).map((x) => tf.decodePng(tf.encodePng(x), { channels: 3 }));
    const [out] = (await ds.toArray()) as Tensor[];
    expect(out.shape).toEqual([2, 3, 3]);
    expect(Array.from(out.data as Uint8Array)).toEqual(Array.from(img.data as Uint8Array));
  });
});
