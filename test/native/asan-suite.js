// A small suite exercising every native entry point, run under AddressSanitizer/LeakSanitizer
// by test/native/asan.sh (the addon built with -fsanitize=address). Exits non-zero on failure.
'use strict';
const assert = require('node:assert');
const { Dataset, tensor, ops: tf, TFError, nativeStats } = require('../../dist/cjs');

async function main() {
  // tensors of every dtype, both ways
  for (const [dtype, values] of [
    ['float32', [1.5, -2]],
    ['float64', [Math.PI, -0]],
    ['int8', [-128, 127]],
    ['int16', [1, -1]],
    ['int32', [7, -7]],
    ['int64', [1n, -1n]],
    ['uint8', [0, 255]],
    ['uint16', [1, 2]],
    ['uint32', [3, 4]],
    ['uint64', [5n, 6n]],
    ['bool', [true, false]],
    ['string', ['short', 'a string long enough to live on the heap, not inline']],
  ]) {
    const [out] = await Dataset.fromTensors(tensor(values, dtype)).toArray();
    assert.deepStrictEqual(out.toArray(), tensor(values, dtype).toArray());
  }
  // graph building errors and runtime errors
  assert.throws(() => Dataset.range(3).map((x) => tf.rawOp('NoSuchOp', [x])[0]), TFError);
  assert.throws(() => Dataset.range(3).map((x) => x.add(tensor([1.5]))), TypeError);
  await assert.rejects(
    Dataset.fromTensorSlices(tensor(['1', 'x']))
      .map((s) => tf.stringToNumber(s))
      .toArray(),
    TFError,
  );
  // a real pipeline with captures, cond, batching, strings, shuffle, interleave
  const words = tensor(['alpha beta', 'gamma', 'delta epsilon zeta']);
  const ds = Dataset.fromTensorSlices(words)
    .map((s) =>
      tf.cond(
        tf.size(tf.stringSplit(s)).greater(1),
        () => tf.regexReplace(s, ' ', '_'),
        () => s,
      ),
    )
    .repeat(50)
    .shuffle(20, { seed: 3 })
    .batch(7);
  assert.strictEqual((await ds.toArray()).length, Math.ceil(150 / 7));
  const inter = Dataset.range(4).interleave((x) => Dataset.range(x), { cycleLength: 2, numParallelCalls: 2 });
  assert.strictEqual((await inter.toArray()).length, 6);
  // early break, concurrent iterators, abort
  for (let i = 0; i < 20; i++) {
    for await (const _ of Dataset.range(1e6).map((x) => x.mul(2n))) break;
  }
  await Promise.all(Array.from({ length: 16 }, () => Dataset.range(100).toArray()));
  const controller = new AbortController();
  const it = Dataset.range(10).repeat().iterator({ signal: controller.signal });
  await it.next();
  controller.abort();
  await assert.rejects(it.next());
  // outputs never alias TensorFlow's buffers (copied on the session thread when shared)
  const L = tensor([1, 2, 3]);
  for await (const e of Dataset.fromTensorSlices(L)) e.data[0] = 0;
  assert.deepStrictEqual(
    (await Dataset.fromTensorSlices(L).toArray()).map((t) => t.get()),
    [1, 2, 3],
  );
  // JS-backed kernels: a generator (chunked and not), mapJs, a throw, an abort while JS is awaited
  function* rows() {
    for (let i = 0; i < 600; i++) yield { x: Float32Array.of(i, -i), s: `r${i}` };
  }
  const sig = { x: { dtype: 'float32', shape: [2] }, s: { dtype: 'string', shape: [] } };
  const generated = await Dataset.fromGenerator(rows, { outputSignature: sig })
    .shuffle(50, { seed: 1 })
    .batch(64)
    .toArray();
  assert.strictEqual(generated.length, Math.ceil(600 / 64));
  const ragged = await Dataset.fromGenerator(
    function* () {
      yield [1, 2];
      yield [];
    },
    { outputSignature: { dtype: 'int32', shape: [null] } },
  ).toArray();
  assert.strictEqual(ragged.length, 2);
  const viaJs = await Dataset.range(20)
    .mapJs((x) => Number(x.get()) * 2, { outputSignature: { dtype: 'float64', shape: [] }, numParallelCalls: 3 })
    .toArray();
  assert.strictEqual(viaJs[19].get(), 38);
  const thrown = new Error('from the generator');
  await assert.rejects(
    Dataset.fromGenerator(
      function* () {
        yield 1;
        throw thrown;
      },
      { outputSignature: { dtype: 'int32', shape: [] } },
    ).toArray(),
    (e) => e === thrown,
  );
  const stalled = new AbortController();
  const waiting = Dataset.fromGenerator(
    async function* () {
      yield 1;
      await new Promise(() => undefined);
    },
    { outputSignature: { dtype: 'int32', shape: [] } },
  ).iterator({ signal: stalled.signal });
  await waiting.next();
  const awaited = waiting.next();
  setTimeout(() => stalled.abort(), 20);
  await assert.rejects(awaited);
  const cached = Dataset.range(4).batch(4).cache();
  for await (const e of cached) e.data.fill(9n);
  assert.deepStrictEqual((await cached.toArray())[0].toArray(), [0n, 1n, 2n, 3n]);
  // a step cancelled by a timeout, by return() mid-pull, and sizes refused before TF sees them
  const endless = Dataset.range(2 ** 53).filter((x) => x.less(0n));
  await assert.rejects(endless.iterator({ timeoutMs: 100 }).next(), (e) => e.code === 'DEADLINE_EXCEEDED');
  const pulling = endless.iterator();
  const pending = pulling.next();
  await new Promise((r) => setTimeout(r, 50));
  await pulling.return();
  assert.deepStrictEqual(await pending, { done: true, value: undefined });
  // the stuck step's session is retired and closed; the Dataset goes on in a new one
  await new Promise((r) => setTimeout(r, 400));
  await assert.rejects(endless.iterator({ timeoutMs: 100 }).next(), (e) => e.code === 'DEADLINE_EXCEEDED');
  // lanes of dropped iterators end on collection; a cache hit feeds a new Dataset's data
  const shared = Dataset.range(1000).prefetch(2);
  for (let i = 0; i < 8; i++) await shared.iterator().next();
  global.gc?.();
  const scaled = (n) => Dataset.fromTensorSlices(tensor(Float32Array.from([n, n + 1]), 'float32')).map((x) => x.mul(2));
  for (let n = 0; n < 3; n++)
    assert.deepStrictEqual(
      (await scaled(n).toArray()).map((t) => t.get()),
      [2 * n, 2 * n + 2],
    );
  assert.throws(() => Dataset.range(3).shuffle(2 ** 50), RangeError);
  assert.throws(
    () => new (require('../../dist/cjs').Tensor)('float64', [2 ** 31, 2 ** 30], new Float64Array(0)),
    RangeError,
  );
  console.log('asan suite ok', JSON.stringify(nativeStats()));
}

main().then(
  () => {
    global.gc?.();
    setTimeout(() => process.exit(0), 200);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
