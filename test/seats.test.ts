// Iterator seats (lib/dataset/compile.ts, lib/iterate/shared-session.ts): an iterator of a shared
// session takes one of the graph's fixed iterators while it is open (its steps feed nothing); past
// the last seat it is named by a fed handle. Seats are reused once their iterator has closed and
// its lane is idle, or once an iterator dropped without closing is collected.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Dataset, TFError } from '../lib';
import { rejectionOf } from './helpers';
import { seatStats } from '../lib/iterate/shared-session';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const settle = async (until: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!until() && Date.now() < end) {
    gc();
    await new Promise((r) => setTimeout(r, 25));
  }
};
// Each test starts with no seat taken (an ended iterator's seat is freed once its lane is idle).
beforeEach(() => settle(() => seatStats().taken === 0));

const first = (e: unknown) => Number((e as { data: ArrayLike<number | bigint> }).data[0]);

test('twelve iterators open at once (eight seats, then fed handles) each see every element in order', async () => {
  const ds = Dataset.range(30).map((x) => x.mul(3n));
  const before = seatStats();
  const its = Array.from({ length: 12 }, () => ds.iterator());
  const got: number[][] = its.map(() => []);
  // Interleaved: every iterator is open and part-way through while the others step.
  for (let step = 0; step <= 30; step++) {
    const rows = await Promise.all(its.map((it) => it.next()));
    rows.forEach((r, i) => r.done || got[i].push(first(r.value)));
    if (step === 0) expect(seatStats().taken - before.taken).toBe(8);
  }
  const expected = Array.from({ length: 30 }, (_, i) => i * 3);
  for (const g of got) expect(g).toEqual(expected);
  // Each closed itself at its end; its seat is free once its lane is idle.
  await settle(() => seatStats().taken === before.taken);
  expect(seatStats().taken).toBe(before.taken);
});

test('a closed iterator’s seat goes to the next iterator, which starts from the beginning', async () => {
  const ds = Dataset.range(1000).shuffle(1000, { seed: 5 }).batch(10);
  const a = ds.iterator();
  await a.next();
  const freeBefore = seatStats().free;
  await a.return();
  await settle(() => seatStats().free > freeBefore);
  const { free } = seatStats();
  const b = ds.iterator();
  const all: number[] = [];
  const take = (batch: unknown) => all.push(...Array.from((batch as { data: BigInt64Array }).data, Number));
  take((await b.next()).value);
  expect(seatStats().free).toBe(free - 1); // b sits in the seat a left
  for await (const batch of b) take(batch);
  expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
});

test('an iterator dropped without closing frees its seat once collected', async () => {
  const ds = Dataset.range(10 ** 6).map((x) => x.add(1n));
  const before = seatStats().taken;
  await (async () => {
    const it = ds.iterator();
    expect(first((await it.next()).value)).toBe(1);
    expect(seatStats().taken).toBe(before + 1);
  })(); // `it` is dropped here, mid-iteration, with chunks read ahead
  await settle(() => seatStats().taken === before);
  expect(seatStats().taken).toBe(before);
  const again = ds.iterator();
  expect(first((await again.next()).value)).toBe(1);
  await again.return();
});

test('a failure in a seated iterator names `next`, the node of a standalone graph', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-seats-'));
  try {
    fs.writeFileSync(path.join(dir, 'bad.tfrecord'), Buffer.from('not a TFRecord file at all'));
    const e = await rejectionOf(Dataset.tfRecords(path.join(dir, 'bad.tfrecord')).toArray());
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).op).toBe('next');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
