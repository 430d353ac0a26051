// Compile-time checks of the typed API (checked by test/types.test.ts with tsc).
// Each @ts-expect-error line must fail to compile; every other line must compile.
import {
  AnyHostElement,
  Dataset,
  Element,
  SparseSym,
  SparseTensor,
  SpecStructure,
  Sym,
  Tensor,
  tensor,
  ops as tf,
} from '../../lib';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

const images = Dataset.fromTensorSlices({
  image: tensor(new Uint8Array(12), 'uint8', [3, 2, 2]),
  label: new Int32Array(3),
});

// The map callback's parameter is typed from the element structure.
images.map(({ image, label }) => {
  assert<Equal<typeof image, Sym<'uint8'>>>();
  assert<Equal<typeof label, Sym<'int32'>>>();
  return { x: tf.cast(image, 'float32').div(255), y: label };
});

// Iteration yields host tensors of the right dtypes, in the same structure.
async function iterate(): Promise<void> {
  const mapped = images.map(({ image, label }) => [tf.cast(image, 'float32'), label.add(1)] as const);
  for await (const [x, _y] of mapped) {
    assert<Equal<typeof x, Tensor<'float32'>>>();
    assert<Equal<typeof _y, Tensor<'int32'>>>();
    const data: Float32Array = x.data;
    void data;
  }
  const r = await Dataset.range(3).toArray();
  assert<Equal<typeof r, Tensor<'int64'>[]>>();
  const v: bigint = r[0].get();
  void v;
}
void iterate;

// Wrong uses fail to compile.
// @ts-expect-error int32 plus float32 Sym: no silent promotion
images.map(({ image, label }) => label.add(tf.cast(image, 'float32')));
// @ts-expect-error the record has no 'pixels'
images.map(({ pixels }) => pixels);
// @ts-expect-error logicalAnd needs bool
images.map(({ label }) => label.logicalAnd(label));
// @ts-expect-error batch size must be a number
images.batch('8');
// @ts-expect-error cast takes a dtype name
images.map(({ label }) => tf.cast(label, 'float128'));
Dataset.range(2)
  .toArray()
  .then((t) => {
    // @ts-expect-error a Tensor<'int64'> element has no Float32Array data
    const f: Float32Array = t[0].data;
    void f;
  });
// @ts-expect-error sum of a bool Sym
Dataset.range(2).map((x) => x.greater(1n).sum());

// Generated builders (tf.raw): inputs take the dtypes their type attr allows, attrs are typed,
// outputs follow their type attr, several outputs are a record.
images.map(({ image, label }) => {
  const c = tf.raw.Cumsum({ x: label, axis: 0, exclusive: true });
  assert<Equal<typeof c, Sym<'int32'>>>();
  const unique = tf.raw.Unique({ x: label, out_idx: 'int64' });
  assert<Equal<typeof unique.y, Sym<'int32'>>>();
  assert<Equal<typeof unique.idx, Sym<'int64'>>>();
  void unique;
  const parts = tf.raw.StringSplitV2({ input: tf.raw.AsString({ input: label }), sep: ',' });
  assert<Equal<typeof parts.values, Sym<'string'>>>();
  const rows = tf.raw.Unpack({ value: image, num: 3 });
  assert<Equal<typeof rows, Sym<'uint8'>[]>>();
  void rows;
  // @ts-expect-error Cumsum does not take strings
  tf.raw.Cumsum({ x: parts.values, axis: 0 });
  // @ts-expect-error exclusive is a bool attr
  tf.raw.Cumsum({ x: label, axis: 0, exclusive: 1 });
  // @ts-expect-error axis must be int32 or int64
  tf.raw.Cumsum({ x: label, axis: tf.cast(label, 'float32') });
  // @ts-expect-error padding allows only the strings its OpDef lists
  tf.raw.MaxPool({ input: tf.cast(image, 'float32'), ksize: [1, 2, 2, 1], strides: [1, 1, 1, 1], padding: 'FULL' });
  // @ts-expect-error no such attr
  tf.raw.Cumsum({ x: label, axis: 0, exclusiv: true });
  // @ts-expect-error a required input is missing
  tf.raw.Cumsum({ x: label });
  return c;
});

// The tf.data service: distribute keeps the element type; fromService types it from the spec.
const served = images.distribute({ service: 'localhost:5050', processingMode: 'dynamic', jobName: 'train' });
assert<Equal<typeof served, typeof images>>();
void served;
const read = Dataset.fromService('grpc://localhost:5050', 'id', {
  elementSpec: { image: { dtype: 'uint8', shape: [3, 2, 2] }, label: { dtype: 'int32', shape: [] } },
  processingMode: 'off',
});
assert<Equal<typeof read, Dataset<{ image: Sym<'uint8'>; label: Sym<'int32'> }>>>();
void read;
const readBack = Dataset.fromService('localhost:5050', 'id', {
  elementSpec: images.elementSpec,
  processingMode: 'off',
});
assert<Equal<typeof readBack, Dataset<{ image: Sym<'uint8'>; label: Sym<'int32'> }>>>();
void readBack;
const registered: Promise<string> = Dataset.registerWithService(images, 'localhost:5050', { compression: 'none' });
void registered;
// @ts-expect-error processingMode is required
images.distribute({ service: 'localhost:5050' });
// @ts-expect-error 'parallel_epochs' is Python's old name: 'off'
images.distribute({ service: 'localhost:5050', processingMode: 'parallel_epochs' });
// @ts-expect-error fromService needs the element spec
Dataset.fromService('localhost:5050', 'id', { processingMode: 'off' });

// fromGenerator / mapJs: the element type comes from outputSignature.
const generated = Dataset.fromGenerator(
  function* () {
    yield { x: Float32Array.of(1, 2), label: 3 };
  },
  { outputSignature: { x: { dtype: 'float32', shape: [2] }, label: { dtype: 'int32', shape: [] } } },
);
generated.map(({ x, label }) => {
  assert<Equal<typeof x, Sym<'float32'>>>();
  assert<Equal<typeof label, Sym<'int32'>>>();
  return x.add(tf.cast(label, 'float32'));
});
const tokens = Dataset.range(3).mapJs((x) => ({ n: Number(x.get()) }), {
  outputSignature: { n: { dtype: 'float64', shape: [] } },
});
tokens.map(({ n }) => {
  assert<Equal<typeof n, Sym<'float64'>>>();
  return n;
});
function* yieldsOne() {
  yield 1;
}
function* yieldsY() {
  yield { y: 1 };
}
// @ts-expect-error outputSignature is required
Dataset.fromGenerator(yieldsOne, {});
// @ts-expect-error a yielded record must have the signature's keys
Dataset.fromGenerator(yieldsY, { outputSignature: { x: { dtype: 'int32', shape: [] } } });
// A spec only known at run time gives the general element type.
declare const someSpec: SpecStructure;
const untyped = Dataset.fromService('localhost:5050', 'id', { elementSpec: someSpec, processingMode: 'off' });
assert<Equal<typeof untyped, Dataset<Element>>>();
void untyped;

// Arrays of Buffers are string tensors; a single Buffer is a uint8 tensor (a TypedArray).
Dataset.fromTensorSlices({ raw: [Buffer.from('a'), Buffer.from('b')], one: Buffer.from('xy') }).map(({ raw, one }) => {
  assert<Equal<typeof raw, Sym<'string'>>>();
  assert<Equal<typeof one, Sym<'uint8'>>>();
  return [raw, one] as const;
});

// Dataset.zip of an array literal and a callback returning an array literal infer tuples.
Dataset.zip([Dataset.range(3), Dataset.fromTensorSlices(new Float32Array(3))]).map((pair) => {
  assert<Equal<typeof pair, [Sym<'int64'>, Sym<'float32'>]>>();
  const [i, f] = pair;
  return [f, i] as const;
});
Dataset.range(3)
  .map((x) => [x, tf.cast(x, 'float32')])
  .map(([i, f]) => {
    assert<Equal<typeof i, Sym<'int64'>>>();
    assert<Equal<typeof f, Sym<'float32'>>>();
    return i.add(tf.cast(f, 'int64'));
  });

// Counts inside callbacks may be integer Syms; a float Sym is refused.
Dataset.range(1, 4).flatMap((x) => Dataset.fromTensors(x).repeat(x).take(x).skip(tf.cast(x, 'int32')).batch(x));
Dataset.range(1, 4).flatMap((x) => Dataset.range(6).shuffle(x).paddedBatch(x));
// @ts-expect-error counts are integers
Dataset.range(1, 4).flatMap((x) => Dataset.range(6).take(tf.cast(x, 'float32')));

// Sparse and ragged components in a generator's signature: yielded as host composites, Syms inside.
Dataset.fromGenerator(
  function* () {
    yield { s: new SparseTensor(tensor([[0n]]), tensor([1.5], 'float32'), tensor([2n])), n: 1 };
  },
  { outputSignature: { s: { kind: 'sparse', dtype: 'float32', shape: [2] }, n: { dtype: 'int32', shape: [] } } },
).map(({ s, n }) => {
  assert<Equal<typeof s, SparseSym<'float32'>>>();
  assert<Equal<typeof n, Sym<'int32'>>>();
  void s;
  return n;
});
Dataset.fromGenerator(
  // @ts-expect-error a sparse component is yielded as a SparseTensor
  function* () {
    yield tensor([1.5], 'float32');
  },
  { outputSignature: { kind: 'sparse', dtype: 'float32', shape: [2] } },
);
// A Dataset whose element type is known only at run time iterates to any host element.
declare const dynamic: Dataset<Element>;
void (async () => {
  const all = await dynamic.toArray();
  assert<Equal<typeof all, AnyHostElement[]>>();
  void all;
})();
