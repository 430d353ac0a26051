// The iterator seat (lib/dataset/compile.ts, lib/iterate/shared-session.ts): one iterator at a time
// per shared session runs in the graph's fixed iterator (its steps feed nothing); the others are
// named by a fed handle. The seat is reused once its iterator has closed, its lane is idle and it
// has been emptied, or once an iterator dropped without closing is collected.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Dataset, TFError, tensor, ops as tf } from '../lib';
import { seatStats } from '../lib/iterate/shared-session';
import { rejectionOf, settle } from './helpers';

// Each test starts with every seat free (an ended iterator's seat is emptied once its lane is idle).
beforeEach(async () => {
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0);
});

const first = (e: unknown) => Number((e as { data: ArrayLike<number | bigint> }).data[0]);

test('iterators open at once, one seated and the others fed, each see every element in order', async () => {
  const ds = Dataset.range(30).map((x) => x.mul(3n));
  const its = Array.from({ length: 5 }, () => ds.iterator());
  const got: number[][] = its.map(() => []);
  // Interleaved: every iterator is open and part-way through while the others step.
  for (let step = 0; step <= 30; step++) {
    const rows = await Promise.all(its.map((it) => it.next()));
    rows.forEach((r, i) => r.done || got[i].push(first(r.value)));
    if (step === 0) expect(seatStats().taken).toBe(1);
  }
  const expected = Array.from({ length: 30 }, (_, i) => i * 3);
  for (const g of got) expect(g).toEqual(expected);
  // Each closed itself at its end; the seat is free once its lane is idle and it is emptied.
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0);
});

test('a closed iterator’s seat goes to a later iterator, which starts from the beginning', async () => {
  const ds = Dataset.range(1000).shuffle(1000, { seed: 5 }).batch(10);
  const a = ds.iterator();
  await a.next();
  expect(seatStats().taken).toBe(1);
  await a.return();
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0); // a's seat is free again
  const b = ds.iterator();
  const all: number[] = [];
  const take = (batch: unknown) => all.push(...Array.from((batch as { data: BigInt64Array }).data, Number));
  take((await b.next()).value);
  expect(seatStats().taken).toBe(1); // b sits in the seat a left
  for await (const batch of b) take(batch);
  expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
});

test('an iterator dropped without closing frees the seat once collected', async () => {
  const ds = Dataset.range(10 ** 6).map((x) => x.add(1n));
  await (async () => {
    const it = ds.iterator();
    expect(first((await it.next()).value)).toBe(1);
    expect(seatStats().taken).toBe(1);
  })(); // `it` is dropped here, mid-iteration, with chunks read ahead
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0);
  const again = ds.iterator();
  expect(first((await again.next()).value)).toBe(1);
  await again.return();
});

test('epochs started back to back (in the seat, or fed while it is emptied) each complete, reshuffled', async () => {
  const ds = Dataset.range(100).shuffle(100, { seed: 3 });
  const orders: number[][] = [];
  for (let epoch = 0; epoch < 4; epoch++) orders.push((await ds.toArray()).map(first));
  for (const o of orders) expect([...o].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect(new Set(orders.map((o) => o.join())).size).toBe(4); // reshuffled each epoch, seat or not
});

test('a failure in the seated iterator names `next`, the node of a standalone graph', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-seats-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.tfrecord'), Buffer.from('not a TFRecord file at all'));
    const e = await rejectionOf(Dataset.tfRecords(path.join(dir, 'bad.tfrecord')).toArray());
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).op).toBe('next');
    expect(e.message).toMatch(/next\/seat/); // it did run in the seat
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('untimed iterators pull synchronously, timed ones asynchronously; a failure names `next` either way', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-seats-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.tfrecord'), Buffer.from('not a TFRecord file at all'));
    const ds = Dataset.tfRecords(path.join(dir, 'bad.tfrecord'));
    // Started together: one takes the seat, the others are fed a handle.
    const [a, b, timed] = await Promise.all([
      rejectionOf(ds.toArray()),
      rejectionOf(ds.toArray()),
      rejectionOf(ds.toArray({ timeoutMs: 60_000 })),
    ]);
    for (const e of [a, b, timed]) {
      expect(e).toBeInstanceOf(TFError);
      expect((e as TFError).op).toBe('next');
    }
    for (const e of [a, b]) expect(e.message).toMatch(/next\/(seat\/)?sync/); // IteratorGetNextSync
    expect(timed.message).not.toMatch(/next\/(seat\/)?sync/); // IteratorGetNext, which a deadline can cut
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an iterator started while the seated one closes, chunks still queued, is fed and whole', async () => {
  const ds = Dataset.range(5000).map((x) => x.mul(2n));
  const a = ds.iterator();
  await a.next(); // a holds the seat, with read-ahead chunks queued on its lane
  void a.return(); // not awaited: its lane may still run a step
  const b = ds.iterator();
  const got: number[] = [];
  for await (const e of b) got.push(first(e));
  expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => 2 * i));
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0);
});

test('a seated iterator that timed out frees the seat (emptying has no timeout)', async () => {
  // Slow elements (a 256×256 matrix product each): emptying the seat waits for the calls in
  // flight, longer than the iterator's 2 ms timeout.
  const m = tensor(new Float32Array(256 * 256).fill(0.5), 'float32', [256, 256]);
  const ds = Dataset.range(10 ** 7)
    .map((x) => tf.sum(tf.matMul(m, m)).add(tf.cast(x, 'float32')), { numParallelCalls: 4 })
    .prefetch(64);
  const it = ds.iterator({ timeoutMs: 2 });
  await it.next().catch(() => undefined); // the first step may itself time out
  await it.return();
  await settle(() => seatStats().taken === 0);
  expect(seatStats().taken).toBe(0);
  const again = ds.iterator();
  await again.next();
  expect(seatStats().taken).toBe(1);
  await again.return();
});
