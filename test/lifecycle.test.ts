// Iterator lifecycle: timeouts, aborts at every stage, cancellation of a step in flight, and
// iterators that are abandoned (to GC, or to a long-lived AbortSignal).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Dataset, TFError, liveHandles } from '../lib';
import { rejectionOf, settle } from './helpers';

// A step that never finishes on its own: the filter rejects every element of a 2^53 range.
const endless = () => Dataset.range(2 ** 53).filter((x) => x.less(0n));

describe('timeoutMs', () => {
  test('a step longer than timeoutMs rejects with DEADLINE_EXCEEDED and closes the iterator', async () => {
    const it = endless().iterator({ timeoutMs: 300 });
    const started = Date.now();
    const e = await rejectionOf(it.next());
    expect(e).toBeInstanceOf(TFError);
    expect((e as TFError).code).toBe('DEADLINE_EXCEEDED');
    expect(e.message).toMatch(/timeoutMs \(300 ms\)/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(it.isClosed).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test('toArray and forEach take timeoutMs; fast steps are unaffected', async () => {
    expect((await Dataset.range(1000).toArray({ timeoutMs: 5000 })).length).toBe(1000);
    expect(((await rejectionOf(endless().toArray({ timeoutMs: 200 }))) as TFError).code).toBe('DEADLINE_EXCEEDED');
    expect(((await rejectionOf(endless().forEach(() => undefined, { timeoutMs: 200 }))) as TFError).code).toBe(
      'DEADLINE_EXCEEDED',
    );
  });

  test('bad timeoutMs and signal values name the argument', () => {
    for (const bad of [0, -1, 1.5, 2 ** 31, Number.NaN, Infinity])
      expect(() => Dataset.range(3).iterator({ timeoutMs: bad })).toThrow(RangeError);
    expect(() => Dataset.range(3).iterator({ timeoutMs: '5' as never })).toThrow(/timeoutMs/);
    expect(() => Dataset.range(3).iterator({ signal: {} as never })).toThrow(TypeError);
  });
});

describe('abort and return()', () => {
  test('aborting while the iterator starts rejects with the signal reason (not an empty result)', async () => {
    for (let i = 0; i < 10; i++) {
      const controller = new AbortController();
      const reason = new Error(`stop ${i}`);
      const p = Dataset.range(100).shuffle(50, { seed: 1 }).toArray({ signal: controller.signal });
      if (i % 2) queueMicrotask(() => controller.abort(reason));
      else controller.abort(reason);
      await expect(p).rejects.toBe(reason);
    }
  });

  test('an abort cancels the step in flight: next() rejects promptly with the reason', async () => {
    const started = Date.now();
    const it = endless().iterator({ signal: AbortSignal.timeout(300) });
    const e = await rejectionOf(it.next());
    expect(e.name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('return() during a pull cancels it: the pending next() ends and the session is released', async () => {
    const base = liveHandles();
    const it = endless().iterator();
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await it.return();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(5_000);
    await settle(() => liveHandles() <= base + 8); // the dataset's own graph may still be alive
    expect(liveHandles()).toBeLessThanOrEqual(base + 8);
  });
});

describe('abandoned iterators', () => {
  test('iterators dropped while a long-lived signal is still listening are collected', async () => {
    const appWide = new AbortController();
    const ds = Dataset.range(1e9).prefetch(2);
    await ds.iterator().return(); // compiles the pipeline once
    await settle(() => false, 100);
    const base = liveHandles();
    for (let i = 0; i < 100; i++) await ds.iterator({ signal: appWide.signal }).next();
    await settle(() => liveHandles() <= base + 4);
    expect(liveHandles()).toBeLessThanOrEqual(base + 4);
  });

  test('GC-finalized iterators release their sessions off the event loop', async () => {
    const ds = Dataset.range(1e9)
      .map((x) => x.add(1n), { numParallelCalls: 2 })
      .prefetch(8);
    await (async () => {
      for (let i = 0; i < 32; i++) await ds.iterator().next();
    })();
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const open = liveHandles();
    await settle(() => liveHandles() <= open - 32);
    h.disable();
    expect(liveHandles()).toBeLessThanOrEqual(open - 32); // every session closed and deleted
    // Closing 32 sessions with prefetch and parallel-map threads took seconds on the event loop
    // when finalizers closed them there; now the loop only wakes their threads.
    expect(h.max / 1e6).toBeLessThan(500);
  });
});
