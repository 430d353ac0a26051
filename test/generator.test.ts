// Dataset.fromGenerator and mapJs: JavaScript sources inside the graph (native/js_ops.cc,
// lib/iterate/js-host.ts). Python parity is in the differential suite (gen_*, map_js); teardown
// at the worst moments in the teardown matrix ('generator', 'mapjs' moments).
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { Dataset, RaggedTensor, SpecStructure, SparseTensor, TFError, Tensor, tensor } from '../lib';
import { MAX_CHUNK_ROWS } from '../lib/iterate/js-host';
import { errorOf } from './helpers';

const int64 = { dtype: 'int64', shape: [] } as const;
const nums = (ts: Tensor[]) => ts.map((t) => Number(t.get()));

function* count(n: number): Generator<bigint> {
  for (let i = 0; i < n; i++) yield BigInt(i);
}

describe('fromGenerator', () => {
  test('a record generator through map and batch; elementSpec is the signature', async () => {
    function* rows() {
      for (let i = 0; i < 5; i++) yield { x: Float32Array.of(i, 2 * i), label: i % 2 };
    }
    const ds = Dataset.fromGenerator(rows, {
      outputSignature: { x: { dtype: 'float32', shape: [2] }, label: { dtype: 'int32', shape: [] } },
    });
    expect(ds.elementSpec).toEqual({ x: { dtype: 'float32', shape: [2] }, label: { dtype: 'int32', shape: [] } });
    const out = await ds
      .map(({ x, label }) => ({ s: x.sum(), label }))
      .batch(2)
      .toArray();
    expect(out.map((b) => Array.from(b.s.data as Float32Array))).toEqual([[0, 3], [6, 9], [12]]);
    expect(out.map((b) => Array.from(b.label.data as Int32Array))).toEqual([[0, 1], [0, 1], [0]]);
  });

  test('sync and async generators, plain iterables and object-mode Readables', async () => {
    async function* later() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield BigInt(i);
      }
    }
    expect(nums(await Dataset.fromGenerator(() => count(3), { outputSignature: int64 }).toArray())).toEqual([0, 1, 2]);
    expect(nums(await Dataset.fromGenerator(later, { outputSignature: int64 }).toArray())).toEqual([0, 1, 2]);
    expect(nums(await Dataset.fromGenerator(() => [5n, 6n], { outputSignature: int64 }).toArray())).toEqual([5, 6]);
    const stream = () => Readable.from([{ v: 1.5 }, { v: 2.5 }]);
    const fromStream = await Dataset.fromGenerator(stream, { outputSignature: { v: { dtype: 'float64', shape: [] } } })
      .map(({ v }) => v.mul(2))
      .toArray();
    expect(nums(fromStream)).toEqual([3, 5]);
  });

  test('fn is called anew for each iteration, and concurrent iterators each get their own', async () => {
    let calls = 0;
    const ds = Dataset.fromGenerator(
      () => {
        calls++;
        return count(4);
      },
      { outputSignature: int64 },
    );
    const [a, b] = await Promise.all([ds.toArray(), ds.toArray()]);
    expect(nums(a)).toEqual([0, 1, 2, 3]);
    expect(nums(b)).toEqual([0, 1, 2, 3]);
    expect(nums(await ds.toArray())).toEqual([0, 1, 2, 3]);
    expect(calls).toBe(3);
  });

  test('backpressure: an infinite generator is read only as far as the buffers ask', async () => {
    let read = 0;
    function* forever() {
      for (let i = 0n; ; i++) {
        read++;
        yield i;
      }
    }
    const out = await Dataset.fromGenerator(forever, { outputSignature: int64 }).take(10).toArray();
    expect(nums(out)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(read).toBeLessThanOrEqual(MAX_CHUNK_ROWS + 1);
    read = 0;
    const shuffled = Dataset.fromGenerator(forever, { outputSignature: int64 }).shuffle(100, { seed: 3 }).take(5);
    expect((await shuffled.toArray()).length).toBe(5);
    expect(read).toBeLessThanOrEqual(100 + 2 * MAX_CHUNK_ROWS);
  });

  test('args reach fn as Tensors; interleave reads several generators in parallel', async () => {
    function* shard(i: Tensor, scale: Tensor) {
      for (let j = 0n; j < 3n; j++) yield (i.get() as bigint) * (scale.get() as bigint) + j;
    }
    const ds = Dataset.range(3).interleave(
      (i) => Dataset.fromGenerator(shard, { outputSignature: int64, args: [i, 10n] }),
      { cycleLength: 3, numParallelCalls: 3 },
    );
    expect(nums(await ds.toArray())).toEqual([0, 10, 20, 1, 11, 21, 2, 12, 22]);
  });

  test('unknown dims, zero-size elements, strings, Buffers and bigints', async () => {
    function* ragged() {
      yield [1, 2, 3];
      yield [];
      yield [4];
    }
    const r = await Dataset.fromGenerator(ragged, { outputSignature: { dtype: 'int32', shape: [null] } }).toArray();
    expect(r.map((t) => Array.from(t.data as Int32Array))).toEqual([[1, 2, 3], [], [4]]);
    function* texts() {
      yield { s: 'héllo', b: Buffer.from([0, 255]), n: 2n ** 60n };
    }
    const [t] = await Dataset.fromGenerator(texts, {
      outputSignature: { s: { dtype: 'string', shape: [] }, b: { dtype: 'string', shape: [] }, n: int64 },
    }).toArray();
    expect(Buffer.from((t.s.data as Uint8Array[])[0]).toString()).toBe('héllo');
    expect(Array.from((t.b.data as Uint8Array[])[0])).toEqual([0, 255]);
    expect(t.n.get()).toBe(2n ** 60n);
  });

  test('break closes the generator (its finally runs)', async () => {
    let closed = false;
    function* g() {
      try {
        yield* count(1e6);
      } finally {
        closed = true;
      }
    }
    for await (const e of Dataset.fromGenerator(g, { outputSignature: int64 }).prefetch(2)) if (e.get() === 3n) break;
    expect(closed).toBe(true);
  });

  test('a generator that throws: the elements before it, then that very error', async () => {
    const boom = new RangeError('boom at 2');
    function* g() {
      yield 1n;
      yield 2n;
      throw boom;
    }
    const seen: number[] = [];
    const it = Dataset.fromGenerator(g, { outputSignature: int64 }).iterator();
    const error = await (async () => {
      try {
        for await (const e of it) seen.push(Number(e.get()));
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual([1, 2]);
    expect(error).toBe(boom);
    await expect(Dataset.fromGenerator(g, { outputSignature: int64 }).toArray()).rejects.toBe(boom);
  });

  test('a wrong dtype, shape or structure is a TypeError naming the element and component', async () => {
    function* bad() {
      yield { x: [1, 2] };
      yield { x: [1, 2, 3] };
    }
    const e1 = await Dataset.fromGenerator(bad, { outputSignature: { x: { dtype: 'int32', shape: [2] } } })
      .toArray()
      .catch((e) => e);
    expect(e1).toBeInstanceOf(TypeError);
    expect(e1.message).toBe("fromGenerator: element 1, component 'x': expected int32[2], got int32[3]");
    function* missing() {
      yield { y: 1 };
    }
    const e2 = await Dataset.fromGenerator(missing as never, { outputSignature: { x: int64 } })
      .toArray()
      .catch((e) => e);
    expect(e2).toBeInstanceOf(TypeError);
    expect(e2.message).toBe("fromGenerator: element 0 has no component 'x'");
    function* text() {
      yield 'seven';
    }
    const e3 = await Dataset.fromGenerator(text as never, { outputSignature: int64 })
      .toArray()
      .catch((e) => e);
    expect(e3).toBeInstanceOf(TypeError);
    expect(e3.message).toMatch(/^fromGenerator: element 0, component '\(the element\)': /);
  });

  test('sparse and ragged components: yielded as SparseTensor / RaggedTensor, checked against their spec', async () => {
    const sparse = { kind: 'sparse', dtype: 'float32', shape: [3] } as const;
    const ragged = { kind: 'ragged', dtype: 'int32', shape: [null, null], rowSplitsDtype: 'int32' } as const;
    const row = (n: number) => new RaggedTensor(tensor([1, 2, 3].slice(0, n), 'int32'), [tensor([0, n], 'int32')]);
    function* good() {
      yield { s: new SparseTensor(tensor([[1n]], 'int64'), tensor([2.5], 'float32'), tensor([3n])), r: row(2) };
    }
    const [e] = await Dataset.fromGenerator(good, { outputSignature: { s: sparse, r: ragged } }).toArray();
    expect(e.s.toDense().toArray()).toEqual([0, 2.5, 0]);
    expect(e.r.toArray()).toEqual([[1, 2]]);
    const failure = (value: unknown, signature: unknown): Promise<Error> =>
      Dataset.fromGenerator(
        function* () {
          yield value;
        } as () => Iterable<never>,
        { outputSignature: signature as SpecStructure },
      )
        .toArray()
        .then(
          () => new Error('no error'),
          (e: Error) => e,
        );
    const dense = await failure(tensor([1, 2, 3], 'float32'), sparse);
    expect(dense).toBeInstanceOf(TypeError);
    expect(dense.message).toBe(
      "fromGenerator: element 0, component '(the element)': " +
        'expected a SparseTensor of float32 of shape [3], got Tensor',
    );
    const wrongSplits = await failure(new RaggedTensor(tensor([1], 'int32'), [tensor([0n, 1n])]), ragged);
    expect(wrongSplits.message).toMatch(
      /expected a RaggedTensor of int32 with ragged rank 1 and int32 row splits .*int64 row splits/,
    );
    expect(() =>
      Dataset.fromGenerator(good as never, {
        outputSignature: { kind: 'sparse', dtype: 'float32', shape: null } as never,
      }),
    ).toThrow(/component 0: a sparse component needs a known rank/);
    expect(() => Dataset.fromGenerator(good as never, { outputSignature: { ...ragged, raggedRank: 2 } })).toThrow(
      /raggedRank must be an integer from 0 to rank - 1 \(1\), got 2/,
    );
    expect(() =>
      Dataset.fromGenerator(good as never, { outputSignature: { kind: 'dense', dtype: 'int32', shape: [] } as never }),
    ).toThrow(/has kind 'dense'; expected 'sparse' or 'ragged'/);
  });

  test('bad arguments are TypeErrors naming them', () => {
    expect(errorOf(() => Dataset.fromGenerator(42 as never, { outputSignature: int64 })).message).toMatch(
      /fromGenerator: fn must be a function/,
    );
    expect(errorOf(() => Dataset.fromGenerator(() => count(1), {} as never)).message).toMatch(
      /fromGenerator: options.outputSignature is required/,
    );
    expect(
      errorOf(() =>
        Dataset.fromGenerator((() => count(1)) as never, {
          outputSignature: { dtype: 'complex64', shape: [] } as never,
        }),
      ).message,
    ).toMatch(/outputSignature: component 0 has dtype 'complex64', not one of float32/);
    expect(
      errorOf(() =>
        Dataset.fromGenerator((() => count(1)) as never, { outputSignature: { dtype: 'int64', shape: [-1] } as never }),
      ).message,
    ).toMatch(/outputSignature: component 0 has shape \[-1\]; dims are integers >= 0 or null/);
    expect(
      errorOf(() => Dataset.fromGenerator(() => count(1), { outputSignature: int64 }).toGraphDef()).message,
    ).toMatch(/reads from JavaScript/);
  });

  test('fn must return an iterable: else the iteration rejects with a TypeError', async () => {
    const e = await Dataset.fromGenerator((() => 5) as never, { outputSignature: int64 })
      .toArray()
      .catch((x) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/must return an iterable or async iterable/);
  });

  test('aborting while a slow generator is awaited rejects at once and frees the step', async () => {
    async function* stall() {
      yield 1n;
      await new Promise(() => undefined);
    }
    const controller = new AbortController();
    const it = Dataset.fromGenerator(stall, { outputSignature: int64 }).iterator({ signal: controller.signal });
    expect((await it.next()).value.get()).toBe(1n);
    const pending = it.next();
    setTimeout(() => controller.abort(new Error('stop')), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(2000);
    // The pipeline still works for a new iteration.
    const again = Dataset.fromGenerator(() => count(2), { outputSignature: int64 });
    expect(nums(await again.toArray())).toEqual([0, 1]);
  });

  test('timeoutMs cancels a step waiting on a generator', async () => {
    async function* stall() {
      await new Promise(() => undefined);
      yield 1n;
    }
    const e = await Dataset.fromGenerator(stall, { outputSignature: int64 })
      .toArray({ timeoutMs: 200 })
      .catch((x) => x);
    expect(e).toBeInstanceOf(TFError);
    expect(e.code).toBe('DEADLINE_EXCEEDED');
  });
});

describe('fromGenerator: what users hand it', () => {
  test('a reused Buffer or TypedArray is copied per element (chunks never alias it)', async () => {
    const shared = Buffer.alloc(2);
    function* reuse() {
      for (let i = 0; i < 4; i++) yield shared.fill(i);
    }
    const out = await Dataset.fromGenerator(reuse, { outputSignature: { dtype: 'uint8', shape: [2] } }).toArray();
    expect(out.map((t) => Array.from(t.data as Uint8Array))).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  test('the same Tensor yielded again (and returned again by mapJs) stays usable', async () => {
    const one = tensor([1, 2], 'int32');
    function* same() {
      yield one;
      yield one;
    }
    const ragged = { dtype: 'int32', shape: [null] } as const;
    const out = await Dataset.fromGenerator(same, { outputSignature: ragged }).toArray();
    expect(out.map((t) => Array.from(t.data as Int32Array))).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const mapped = await Dataset.range(3)
      .mapJs(() => one, { outputSignature: { dtype: 'int32', shape: [2] } })
      .toArray();
    expect(mapped.length).toBe(3);
    expect(one.toArray()).toEqual([1, 2]);
  });

  test('a hand-written async iterable whose iterator has no Symbol.asyncIterator', async () => {
    const iterable: AsyncIterable<bigint> = {
      [Symbol.asyncIterator]() {
        let i = 0n;
        return {
          next: async (): Promise<IteratorResult<bigint>> =>
            i < 3n ? { value: i++, done: false } : { value: undefined, done: true },
        };
      },
    };
    const out = await Dataset.fromGenerator(() => iterable, { outputSignature: int64 }).toArray();
    expect(nums(out)).toEqual([0, 1, 2]);
  });

  test('a Uint8Array (TextEncoder output) is one string element', async () => {
    function* bytes() {
      yield new TextEncoder().encode('ok');
    }
    const [t] = await Dataset.fromGenerator(bytes, { outputSignature: { dtype: 'string', shape: [] } }).toArray();
    expect(Buffer.from((t.data as Uint8Array[])[0]).toString()).toBe('ok');
  });

  test('throwing undefined is still an error, not the end of the data', async () => {
    function* g() {
      yield 1n;
      throw undefined;
    }
    const outcome = await Dataset.fromGenerator(g, { outputSignature: int64 })
      .toArray()
      .then(
        () => 'resolved',
        (e) => ['rejected', e],
      );
    expect(outcome).toEqual(['rejected', undefined]);
  });

  test('process.exit while a kernel waits on a stalled generator exits at once', async () => {
    // The child prints when it calls process.exit; the parent notes when it is gone.
    const script = `
      const { Dataset } = require(${JSON.stringify(require.resolve('../dist/cjs'))});
      async function* stall() { yield 1; await new Promise(() => {}); }
      const it = Dataset.fromGenerator(stall, { outputSignature: { dtype: 'int32', shape: [] } }).iterator();
      it.next().then(() => {
        it.next().catch(() => {});
        setTimeout(() => { process.stdout.write(String(Date.now())); process.exit(5); }, 100);
      });
    `;
    const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    const exitedAfterMs = Date.now() - Number(out);
    expect(code).toBe(5);
    expect(exitedAfterMs).toBeLessThan(1000); // the exit gate's bounded wait is 2 s: not waited out
  });
});

describe('mapJs', () => {
  test('a JS function per element, sync or async, with numParallelCalls', async () => {
    const ds = Dataset.range(6).mapJs((x) => ({ sq: Number(x.get()) ** 2, tag: `n${x.get()}` }), {
      outputSignature: { sq: { dtype: 'float64', shape: [] }, tag: { dtype: 'string', shape: [] } },
    });
    const out = await ds.toArray();
    expect(out.map((e) => e.sq.get())).toEqual([0, 1, 4, 9, 16, 25]);
    expect(out.map((e) => Buffer.from((e.tag.data as Uint8Array[])[0]).toString())).toEqual([
      'n0',
      'n1',
      'n2',
      'n3',
      'n4',
      'n5',
    ]);
    const slow = Dataset.range(8).mapJs(
      async (x) => {
        await new Promise((r) => setTimeout(r, 5));
        return tensor(Number(x.get()) * 10, 'int32');
      },
      { outputSignature: { dtype: 'int32', shape: [] }, numParallelCalls: 4 },
    );
    expect(nums(await slow.toArray())).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
  });

  test('an error thrown by fn rejects with that error; a wrong output is a TypeError', async () => {
    const oops = new Error('tokenizer failed');
    await expect(
      Dataset.range(3)
        .mapJs(
          (x) => {
            if (x.get() === 1n) throw oops;
            return 0;
          },
          { outputSignature: { dtype: 'int32', shape: [] } },
        )
        .toArray(),
    ).rejects.toBe(oops);
    const e = await Dataset.range(2)
      .mapJs(() => [1, 2, 3], { outputSignature: { dtype: 'int32', shape: [2] } })
      .toArray()
      .catch((x) => x);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toMatch(/mapJs: element \d+, component '\(the element\)': expected int32\[2\], got int32\[3\]/);
  });

  test('bad arguments are TypeErrors', () => {
    expect(errorOf(() => Dataset.range(2).mapJs(7 as never, { outputSignature: int64 })).message).toMatch(
      /mapJs: fn must be a function/,
    );
    expect(errorOf(() => Dataset.range(2).mapJs(() => 1, undefined as never)).message).toMatch(
      /mapJs: options must be an object/,
    );
  });
});
