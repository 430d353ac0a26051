// The generated op registry (lib/ops/generated): every registered op is there, and generated
// builders run inside pipelines with their inputs and attrs named as in the OpDef.
import { Dataset, TFError, Tensor, tensor, ops as tf } from '../lib';
import { addon } from '../lib/native';
import { parseOpList } from '../lib/graph/opdef';
import { JS_OPS } from '../lib/shared/tables';
import { encodeProto, ProtoField } from '../lib/proto';

const values = (t: Tensor) => Array.from(t.data as ArrayLike<number | bigint>, Number);
const texts = (t: Tensor) => (t.data as Uint8Array[]).map((b) => Buffer.from(b).toString());

/** A tf.train.Example (example.proto): features { feature: map<string, Feature> }. */
function example(features: Record<string, { int64?: number[]; float?: number[]; bytes?: string[] }>): Uint8Array {
  const entries: ProtoField[] = Object.entries(features).map(([key, f]) => {
    let feature: ProtoField[];
    if (f.int64) feature = [[3, f.int64.map((v) => [1, v] as ProtoField)]];
    else if (f.float) {
      const packed = new Uint8Array(new Float32Array(f.float).buffer);
      feature = [[2, [[1, packed]]]];
    } else feature = [[1, (f.bytes ?? []).map((v) => [1, v] as ProtoField)]];
    return [
      1,
      [
        [1, key],
        [2, feature],
      ],
    ];
  });
  return encodeProto([[1, entries]]);
}

describe('tf.raw: the whole registry', () => {
  test('has one builder per registered op', () => {
    // Our own JS-backed ops (lib/shared/tables.ts) join the registry once a pipeline uses them.
    const ours = new Set<string>(Object.values(JS_OPS).map((o) => o.name));
    const registered = parseOpList(addon().opList())
      .map((d) => d.name)
      .filter((n) => !ours.has(n))
      .sort();
    expect(Object.keys(tf.raw).sort()).toEqual(registered);
    expect(registered.length).toBeGreaterThan(1500);
  });

  test('Cumsum: inputs and attrs by their OpDef names; a literal axis adopts the default Tidx', async () => {
    const ds = Dataset.fromTensors(tensor([1, 2, 3, 4], 'float32')).map((x) =>
      tf.raw.Cumsum({ x, axis: 0, exclusive: true }),
    );
    const [out] = await ds.toArray();
    expect(out.dtype).toBe('float32');
    expect(values(out)).toEqual([0, 1, 3, 6]);
  });

  test('StringSplitV2: several outputs come back as a record of named Syms', async () => {
    const ds = Dataset.fromTensors(tensor(['a,b', 'c'])).map((s) => {
      const { indices, values: v, shape } = tf.raw.StringSplitV2({ input: s, sep: ',', maxsplit: -1 });
      return { indices, v, shape };
    });
    const [out] = await ds.toArray();
    expect(texts(out.v)).toEqual(['a', 'b', 'c']);
    expect(values(out.indices)).toEqual([0, 0, 0, 1, 1, 0]);
    expect(values(out.shape)).toEqual([2, 2]);
  });

  test('DecodeCSV: a list input of defaults and a list output, CRLF and quoted fields', async () => {
    const lines = tensor(['1,"x,y",2.5\r', '7,,0.5']);
    const ds = Dataset.fromTensorSlices(lines).map((line) => {
      const trimmed = tf.raw.StringStrip({ input: line });
      const [a, b, c] = tf.raw.DecodeCSV({
        records: trimmed,
        record_defaults: [tensor([0], 'int32'), tensor(['?']), tensor([0], 'float32')],
      });
      return { a, b, c };
    });
    const out = await ds.toArray();
    expect(out.map((r) => r.a.get())).toEqual([1, 7]);
    expect(out.map((r) => texts(r.b)[0])).toEqual(['x,y', '?']);
    expect(out.map((r) => r.c.get())).toEqual([2.5, 0.5]);
  });

  test('ParseExampleV2: dense and sparse features of serialized Examples', async () => {
    const records = tensor(
      [
        Buffer.from(example({ label: { int64: [3] }, tags: { bytes: ['a', 'b'] } })),
        Buffer.from(example({ label: { int64: [5] }, tags: { bytes: ['c'] } })),
      ] as never,
      'string',
    );
    const ds = Dataset.fromTensors(records).map((serialized) => {
      const parsed = tf.raw.ParseExampleV2({
        serialized,
        names: tensor([] as string[], 'string'),
        sparse_keys: tensor(['tags']),
        dense_keys: tensor(['label']),
        ragged_keys: tensor([] as string[], 'string'),
        dense_defaults: [tensor([0n], 'int64')],
        num_sparse: 1,
        sparse_types: ['string'],
        ragged_value_types: [],
        ragged_split_types: [],
        dense_shapes: [[1]],
      });
      return { label: parsed.dense_values[0], tags: parsed.sparse_values[0], at: parsed.sparse_indices[0] };
    });
    const [out] = await ds.toArray();
    expect(values(out.label)).toEqual([3, 5]);
    expect(texts(out.tags)).toEqual(['a', 'b', 'c']);
    expect(values(out.at)).toEqual([0, 0, 0, 1, 1, 0]);
  });

  const shiftTestName =
    'ImageProjectiveTransformV3: output pixel (x, y) samples input (x - 1, y); outside is the fill value';
  test(shiftTestName, async () => {
    const image = tensor(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'float32', [1, 3, 3, 1]);
    const ds = Dataset.fromTensors(image).map((images) =>
      tf.raw.ImageProjectiveTransformV3({
        images,
        transforms: tensor([[1, 0, -1, 0, 1, 0, 0, 0]], 'float32'),
        output_shape: tensor([3, 3], 'int32'),
        fill_value: -1,
        interpolation: 'NEAREST',
        fill_mode: 'CONSTANT',
      }),
    );
    const [out] = await ds.toArray();
    expect(out.shape).toEqual([1, 3, 3, 1]);
    expect(values(out)).toEqual([-1, 1, 2, -1, 4, 5, -1, 7, 8]);
  });

  test('a func attr takes a traced function (While counting to 5)', async () => {
    const ds = Dataset.fromTensors(tensor(0, 'int32')).map((start) => {
      const condFn = tf.traceFunction([{ dtype: 'int32', shape: [] }], (i) => i.less(5));
      const bodyFn = tf.traceFunction([{ dtype: 'int32', shape: [] }], (i) => i.add(1));
      const [end] = tf.raw.While({ input: [start], cond: condFn, body: bodyFn });
      return end;
    });
    const [out] = await ds.toArray();
    expect(out.get()).toBe(5);
  });

  test('wrong names, missing inputs and ops that cannot run are clear TypeErrors', () => {
    const caught: Error[] = [];
    Dataset.fromTensors(tensor([1, 2], 'float32')).map((x) => {
      for (const call of [
        () => tf.raw.Cumsum({ x, axis: 0, exclusiv: true } as never),
        () => tf.raw.Cumsum({ x } as never),
        () => tf.raw.Assign({ ref: x, value: x } as never),
        () => tf.raw.TPUReplicatedInput({ inputs: [x] } as never),
      ]) {
        try {
          call();
        } catch (e) {
          caught.push(e as Error);
        }
      }
      return x;
    });
    expect(caught.map((e) => e.constructor.name)).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError']);
    expect(caught[0].message).toMatch(
      /Cumsum has no input or attr 'exclusiv' \(it has: x, axis, exclusive, reverse, T, Tidx\)/,
    );
    expect(caught[1].message).toMatch(/Cumsum input 'axis' is missing/);
    expect(caught[2].message).toMatch(/Assign cannot be used in a pipeline: it takes reference-typed/);
    expect(caught[3].message).toMatch(/TPUReplicatedInput cannot be used in a pipeline: no CPU kernel/);
  });

  test('resource ops run as TensorFlow allows in a function; state they need but lack is a TFError', async () => {
    const table = Dataset.fromTensors(tensor(['a'])).map((keys) => {
      const t = tf.raw.HashTableV2({ key_dtype: 'string', value_dtype: 'int64' });
      return tf.raw.LookupTableFindV2({ table_handle: t, keys, default_value: tensor(-1n) });
    });
    await expect(table.toArray()).rejects.toMatchObject({
      name: 'TFError',
      code: 'FAILED_PRECONDITION',
      message: expect.stringMatching(/Table not initialized/),
    });
    const variable = Dataset.fromTensors(tensor(1, 'float32')).map(() => {
      const h = tf.raw.VarHandleOp({ dtype: 'float32', shape: [], shared_name: 'never_created' });
      return tf.raw.ReadVariableOp({ resource: h, dtype: 'float32' });
    });
    await expect(variable.toArray()).rejects.toMatchObject({ name: 'TFError', code: 'FAILED_PRECONDITION' });
    // A queue made inside the function works: an op with resource outputs is not refused.
    const queue = Dataset.fromTensors(tensor(1, 'float32')).map(() =>
      tf.raw.QueueSizeV2({ handle: tf.raw.FIFOQueueV2({ component_types: ['float32'] }) }),
    );
    expect((await queue.toArray())[0].get()).toBe(0);
  });

  test("TensorFlow's own errors from a raw op surface as TFError with its code", async () => {
    const ds = Dataset.fromTensors(tensor(['1,2'])).map((records) =>
      tf.raw.DecodeCSV({ records, record_defaults: [tensor([0], 'int32')] }),
    );
    await expect(ds.toArray()).rejects.toMatchObject({ name: 'TFError', code: 'INVALID_ARGUMENT' });
    expect(TFError).toBeDefined();
  });
});
