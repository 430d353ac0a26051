// How iterators share the machine with the event loop (lib/iterate/iterator.ts, native/session.cc):
// lanes below the event loop's scheduling priority, two chunks queued per iterator, and next()
// handing out buffered elements in order however it is called.
import { readFileSync, readdirSync } from 'node:fs';
import { Dataset, TFError, ops as tf } from '../lib';

const linux = process.platform === 'linux';

const SCHED_OTHER = 0; // Linux's default scheduling policy number

/** Each thread of this process by id, with its name, nice value and policy (from /proc; Linux only). */
function threads(): Map<number, { name: string; nice: number; policy: number }> {
  const out = new Map<number, { name: string; nice: number; policy: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the parenthesised name: state is field 3, nice field 19, policy field 41.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), { name, nice: Number(fields[16]), policy: Number(fields[38]) });
    } catch {
      // a thread that ended meanwhile
    }
  }
  return out;
}

(linux ? describe : describe.skip)('lanes run below the event loop (Linux)', () => {
  test('an open iterator’s lane and the pipeline threads it started have nice +5, the policy unchanged', async () => {
    const before = threads();
    const base = (before.get(process.pid) as { nice: number }).nice; // this (the event loop's) thread
    const it = Dataset.range(1_000_000)
      .map((x) => x.add(1), { numParallelCalls: 2 })
      .prefetch(2)
      .iterator();
    try {
      await it.next();
      // A thread takes its creator's name and priority: the lane, and the threads TensorFlow
      // started from it for this pipeline (prefetch, parallel map, autotuning).
      const now = threads();
      const started = [...now].filter(([tid, t]) => !before.has(tid) && t.name === 'tfdata-lane');
      expect(started.length).toBeGreaterThanOrEqual(3);
      for (const [, t] of started) expect(t.nice).toBe(Math.min(base + 5, 19));
      // SCHED_BATCH held back the pipeline's own handoffs (W3 ~40 % slower): not used.
      for (const [, t] of started) expect(t.policy).toBe(SCHED_OTHER);
      expect(now.get(process.pid)?.nice).toBe(base); // the event loop's own thread keeps its priority
      expect(now.get(process.pid)?.policy).toBe(SCHED_OTHER); // and its policy
    } finally {
      it.close();
    }
  });
});

describe('next() serves calls in order', () => {
  // 1 / ((x - 2)(x - 4)) is infinite at x = 2 and x = 4: CheckNumerics fails those two elements.
  const checked = () =>
    Dataset.range(7).map((x) => {
      const f = tf.cast(x, 'float32');
      return tf.raw.CheckNumerics({ tensor: tf.div(1, f.sub(2).mul(f.sub(4))), message: 'infinite' });
    });
  const settle = (p: Promise<IteratorResult<unknown>>) =>
    p.then(
      (r) => (r.done ? 'done' : Number((r.value as { data: Float32Array }).data[0]).toFixed(4)),
      (e: unknown) => (e instanceof TFError ? e.code : String(e)),
    );

  test('calls made at once, before and after elements are buffered, settle in element order', async () => {
    const awaited: string[] = [];
    const oneByOne = checked().iterator();
    for (let i = 0; i < 8; i++) awaited.push(await settle(oneByOne.next()));

    const it = checked().iterator();
    const atOnce = [it.next(), it.next(), it.next()].map(settle); // before anything is buffered
    const first = await Promise.all(atOnce);
    // The rest are buffered now (one chunk holds them): handed out at once, still in order.
    const rest = await Promise.all([it.next(), it.next(), it.next(), it.next(), it.next()].map(settle));
    expect([...first, ...rest]).toEqual(awaited);
    expect(awaited.filter((v) => v === 'INVALID_ARGUMENT')).toHaveLength(2);
    expect(awaited[7]).toBe('done');
  });

  test('a next() called while an earlier one waits is not served first', async () => {
    const it = Dataset.range(5).iterator();
    const a = it.next(); // starts the iterator
    const b = it.next();
    const order: number[] = [];
    await Promise.all([a.then(() => order.push(0)), b.then(() => order.push(1))]);
    const c = await it.next();
    expect(order).toEqual([0, 1]);
    expect(Number((c.value as { data: BigInt64Array }).data[0])).toBe(2);
    it.close();
  });
});
