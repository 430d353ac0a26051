// The base: libtensorflow loads, tensors cross both ways exactly, the generic graph/session work.
import * as fs from 'node:fs';
import { DTYPES, DType, Dataset, PINNED_TF_VERSION, TFError, Tensor, liveHandles, tensor, version } from '../lib';
import { addon, addonModule } from '../lib/native';
import { inspect } from 'node:util';

const errorOf = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

const roundTrip = (t: Tensor): Tensor => Tensor.fromRaw(t.handle().read());

describe('libtensorflow', () => {
  test('loads and reports the pinned version', () => {
    expect(version()).toBe(PINNED_TF_VERSION);
  });

  test('a wrong path is a clear Error, not a crash', () => {
    expect(() => addonModule().loadLibrary('/nonexistent/libtensorflow.so.2')).toThrow(/already loaded|cannot load/);
  });

  test('loading a second, different library is refused', () => {
    version();
    expect(() => addonModule().loadLibrary('/lib/x86_64-linux-gnu/libm.so.6')).toThrow(
      /already loaded from .*libtensorflow/,
    );
  });

  test('loading the same library again is accepted', () => {
    const path = addon().libraryPath() as string;
    expect(addonModule().loadLibrary(path)).toBe(PINNED_TF_VERSION);
  });

  test('a library without the C API is rejected in a fresh process', async () => {
    const { spawnSync } = await import('node:child_process');
    const file = require.resolve('../build/Release/tfdata.node');
    const script =
      `const a = require(${JSON.stringify(file)}); ` +
      `try { a.loadLibrary('/lib/x86_64-linux-gnu/libm.so.6'); console.log('loaded'); } ` +
      `catch (e) { console.log(e.message); }
      try { a.loadLibrary('/nonexistent.so'); } catch (e) { console.log(e.message); }
      try { a.version(); } catch (e) { console.log(e.message); }`;
    const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).stdout;
    expect(out).toMatch(/libm\.so\.6 does not export the TensorFlow C API \(missing TF_Version/);
    expect(out).toMatch(/cannot load \/nonexistent\.so/);
    expect(out).toMatch(/libtensorflow is not loaded/);
  });
});

describe('tensors', () => {
  const samples: Record<DType, unknown> = {
    float32: [
      [1.5, -2.25],
      [3.125, Number.NaN],
    ],
    float64: [
      [Math.PI, -0],
      [Number.MAX_VALUE, -Infinity],
    ],
    int8: [
      [-128, 127],
      [0, 1],
    ],
    int16: [
      [-32768, 32767],
      [5, -5],
    ],
    int32: [
      [-2147483648, 2147483647],
      [7, -7],
    ],
    int64: [
      [-(2n ** 63n), 2n ** 63n - 1n],
      [1n, -1n],
    ],
    uint8: [
      [0, 255],
      [1, 2],
    ],
    uint16: [
      [0, 65535],
      [3, 4],
    ],
    uint32: [
      [0, 4294967295],
      [5, 6],
    ],
    uint64: [
      [0n, 2n ** 64n - 1n],
      [7n, 8n],
    ],
    bool: [
      [true, false],
      [false, true],
    ],
    string: [
      ['héllo', ''],
      ['a string well over twenty-two bytes long', '\u0000nul'],
    ],
  };

  test.each(DTYPES.map((d) => [d]))('%s round-trips JS → TF_Tensor → JS exactly', (dtype) => {
    const t = tensor(samples[dtype as DType] as never, dtype as DType);
    const back = roundTrip(t);
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual([2, 2]);
    expect(back.toArray()).toEqual(t.toArray());
    if (dtype !== 'string')
      expect(Buffer.from((back.data as Uint8Array).buffer)).toEqual(
        Buffer.from(
          (t.data as Uint8Array).buffer,
          (t.data as Uint8Array).byteOffset,
          (t.data as Uint8Array).byteLength,
        ),
      );
  });

  test('scalars, zero-size dimensions and rank 8', () => {
    expect(roundTrip(tensor(42)).toArray()).toBe(42);
    expect(roundTrip(tensor(42)).shape).toEqual([]);
    const empty = roundTrip(tensor(new Float32Array(0), 'float32', [3, 0, 2]));
    expect(empty.shape).toEqual([3, 0, 2]);
    expect(empty.size).toBe(0);
    expect(empty.toArray()).toEqual([[[], []].slice(0, 0), [], []].map(() => []));
    const r8 = tensor(
      Int32Array.from({ length: 256 }, (_, i) => i),
      'int32',
      [2, 2, 2, 2, 2, 2, 2, 2],
    );
    const back = roundTrip(r8);
    expect(back.shape).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(back.get(1, 1, 1, 1, 1, 1, 1, 1)).toBe(255);
    expect(back.get(0, 0, 0, 0, 0, 0, 1, 0)).toBe(2);
  });

  test('dtype inference follows TensorFlow for Python values', () => {
    expect(tensor([1, 2]).dtype).toBe('int32');
    expect(tensor([1, 2.5]).dtype).toBe('float32');
    expect(tensor([2 ** 40]).dtype).toBe('int64');
    expect(tensor([1n]).dtype).toBe('int64');
    expect(tensor([true]).dtype).toBe('bool');
    expect(tensor(['a']).dtype).toBe('string');
    expect(tensor([]).dtype).toBe('float32');
    expect(tensor(new Float64Array([1])).dtype).toBe('float64');
    expect(tensor(new BigUint64Array([1n])).dtype).toBe('uint64');
  });

  test('TypedArray + shape', () => {
    const t = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), undefined, [2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.get(1, 2)).toBe(6);
  });

  test('bad input is a TypeError or RangeError naming the argument', () => {
    expect(() => tensor(new Float32Array(5), 'float32', [2, 3])).toThrow(RangeError);
    expect(() => tensor(new Float32Array(5), 'float32', [2, 3])).toThrow(
      /shape \[2, 3\] has 6 elements but values has 5/,
    );
    expect(() => tensor([[1, 2], [3]])).toThrow(TypeError);
    expect(() => tensor([[1, 2], [3]])).toThrow(/values is ragged: values\[1\] has length 1 where 2 was expected/);
    expect(() => tensor([1], 'complex64' as DType)).toThrow(/dtype must be one of/);
    expect(() => tensor([1, true] as never)).toThrow(/values mixes number and boolean/);
    expect(() => tensor([1.5], 'int32')).toThrow(/cannot be stored as int32 without truncation/);
    expect(() => tensor([300], 'uint8')).toThrow(RangeError);
    expect(() => tensor([1], 'float32', [-1])).toThrow(/shape\[0\] must be a non-negative integer/);
    expect(() => tensor(new Float32Array(1), 'float32', [1e6, 1e6, 1e6])).toThrow(/more than a host tensor can hold/);
  });

  test('outputs reach JS without a copy: the buffer is TensorFlow memory, freed by GC', () => {
    const before = liveHandles();
    const t = tensor(new Float64Array(1024), 'float64');
    const back = roundTrip(t);
    // The input handle and the external output buffer are both live native handles.
    expect(liveHandles()).toBeGreaterThanOrEqual(before + 2);
    expect((back.data as Float64Array).byteLength).toBe(8192);
  });
});

describe('generic graph and session', () => {
  const int32 = 3;
  test('Const + AddV2 built by hand gives the right value', async () => {
    const a = addon();
    const g = new a.Graph();
    const c = g.addOperation(
      'Const',
      'c',
      [],
      [
        ['dtype', 'type', int32],
        ['value', 'tensor', tensor([1, 2], 'int32').handle()],
      ],
    );
    const p = g.addOperation(
      'Placeholder',
      'p',
      [],
      [
        ['dtype', 'type', int32],
        ['shape', 'shape', [2]],
      ],
    );
    const s = g.addOperation(
      'AddV2',
      's',
      [
        { op: c.id, index: 0 },
        { op: p.id, index: 0 },
      ],
      [],
    );
    expect(s.outputs).toEqual([{ dtype: int32, shape: [2] }]);
    const session = new a.Session(g);
    const [out] = await session.run(
      [[{ op: p.id, index: 0 }, tensor([10, 20], 'int32').handle()]],
      [{ op: s.id, index: 0 }],
      [],
    );
    expect(Tensor.fromRaw(out).toArray()).toEqual([11, 22]);
    session.close();
    session.close();
    expect(() => session.run([], [], [])).toThrow(/session used after close/);
  });

  test('an unknown op type throws TFError with TF code and message', () => {
    const g = new (addon().Graph)();
    let error: unknown;
    try {
      g.addOperation('NoSuchOp', 'n', [], []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TFError);
    expect((error as TFError).code).toBe('INVALID_ARGUMENT');
    expect((error as TFError).tfCode).toBe(3);
    expect((error as TFError).message).toMatch(/Op type not registered 'NoSuchOp'/);
    expect((error as TFError).op).toBe('n');
  });

  test('a missing attr throws TFError', () => {
    const g = new (addon().Graph)();
    expect(() => g.addOperation('Placeholder', 'p', [], [])).toThrow(/NodeDef missing attr 'dtype'/);
  });

  test('a dtype mismatch throws TFError INVALID_ARGUMENT', () => {
    const a = addon();
    const g = new a.Graph();
    const x = g.addOperation('Placeholder', 'x', [], [['dtype', 'type', int32]]);
    const y = g.addOperation('Placeholder', 'y', [], [['dtype', 'type', 1]]);
    try {
      g.addOperation(
        'AddV2',
        'add',
        [
          { op: x.id, index: 0 },
          { op: y.id, index: 0 },
        ],
        [],
      );
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(TFError);
      expect((e as TFError).code).toBe('INVALID_ARGUMENT');
      expect((e as TFError).message).toMatch(/Inconsistent values for attr 'T' DT_INT32 vs\. DT_FLOAT/);
    }
  });

  test('bad arguments to the addon are TypeErrors, never crashes', () => {
    const a = addon();
    const g = new a.Graph();
    // Errors made by Node-API belong to the main realm, not Jest's: compare names.
    expect(errorOf(() => g.addOperation(42 as never, 'x', [], []))).toMatchObject({
      name: 'TypeError',
      message: 'operation type must be a string',
    });
    expect(errorOf(() => new a.TensorHandle(1, [-1], new Float32Array(1)))).toMatchObject({ name: 'RangeError' });
    expect(() => g.addOperation('Const', 'x', [{ op: 99, index: 0 }], [])).toThrow(/not an operation of this graph/);
    expect(() => g.addOperation('Const', 'x', [], [['value', 'tensor', {}]])).toThrow(/must be a TensorHandle/);
    expect(() => g.addOperation('Const', 'x', [], [['dtype', 'nonsense', 1]])).toThrow(/unknown kind/);
    expect(() => new a.TensorHandle(1, [2], new Float32Array(3))).toThrow(/has 12 bytes, shape and dtype need 8/);
    expect(() => new a.TensorHandle(7, [1], [42])).toThrow(/must be a Uint8Array/);
    expect(() => new a.Session({} as never)).toThrow(/must be a Graph/);
    g.dispose();
    expect(() => g.addOperation('NoOp', 'n', [], [])).toThrow(/graph used after dispose/);
  });

  test('GraphDef export is a real protobuf with the ops', () => {
    const g = new (addon().Graph)();
    g.addOperation('Placeholder', 'the_input', [], [['dtype', 'type', int32]]);
    const def = g.toGraphDef();
    expect(Buffer.from(def).includes('the_input')).toBe(true);
    expect(Buffer.from(def).includes('Placeholder')).toBe(true);
  });
});

test('the repository carries nothing from TensorFlow', () => {
  expect(fs.existsSync(`${__dirname}/../native/tensorflow`)).toBe(false);
});

describe('util.inspect shows what a value is', () => {
  test('Tensor: dtype, shape and values (summarised past 24)', () => {
    expect(
      inspect(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          'float32',
        ),
      ),
    ).toBe('Tensor<float32>[2,2] [[1, 2], [3, 4]]');
    expect(inspect(tensor(['a']))).toBe('Tensor<string>[1] ["a"]');
    expect(inspect(tensor(5n))).toBe('Tensor<int64>[] 5n');
    expect(inspect(tensor(new Int32Array(30)))).toBe(
      `Tensor<int32>[30] [${Array(24).fill('0').join(', ')}, … 6 more] (flattened)`,
    );
  });
  test('Dataset: element structure and outline; Sym: dtype, shape and node', () => {
    const ds = Dataset.range(4).batch(2);
    expect(inspect(ds)).toBe('Dataset int64[?]\n  BatchDatasetV2(2) -> int64[?]\n    RangeDataset(0, 4, 1) -> int64[]');
    let shown = '';
    Dataset.range(2).map((x) => {
      shown = inspect(x);
      return x;
    });
    expect(shown).toMatch(/^Sym<int64>\[\] arg0:0$/);
  });
});
