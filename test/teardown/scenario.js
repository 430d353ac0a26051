// One cell of the teardown matrix, run in a child process: brings a pipeline to a moment (a pull
// in flight, an iterator starting…) and ends an environment there in one way (worker terminated,
// process.exit…). Exits with the code the way asked for; prints "main survived" when the main
// thread ran a pipeline after a worker went away. Usage: node scenario.js <way> <moment> [delayMs]
'use strict';
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const LIB = path.resolve(__dirname, '../../dist/cjs');
const WAYS = ['terminate', 'worker-exit', 'exit', 'throw', 'drain'];
const MOMENTS = ['pull', 'stream', 'start', 'close', 'trace', 'idle', 'many', 'cardinality', 'generator', 'mapjs'];
// Exit codes each way asks for (terminate: Node reports 1 for a terminated worker).
const WORKER_EXIT_CODE = 7;
const MAIN_EXIT_CODE = 3;

/** Brings the pipeline to `moment`, then calls `end()` (synchronously, at that exact moment). */
async function reach(moment, end, finite) {
  const { Dataset, ops: tf } = require(LIB);
  switch (moment) {
    case 'pull': {
      // A step that runs for as long as the process lives (finite when the loop must drain).
      const it = Dataset.range(finite ? 20_000 : 2 ** 53)
        .filter((x) => x.less(0n))
        .iterator();
      const pending = it.next();
      pending.catch(() => undefined);
      setTimeout(end, Number(process.env.TEARDOWN_DELAY ?? 50));
      return;
    }
    case 'stream': {
      let n = 0;
      for await (const b of Dataset.range(finite ? 3000 : 1e12).batch(100)) {
        void b;
        if (++n === 10) end();
      }
      return;
    }
    case 'start': {
      const ds = Dataset.range(100).shuffle(50, { seed: 1 }).prefetch(4);
      for (let i = 0; i < 8; i++)
        ds.iterator()
          .next()
          .catch(() => undefined);
      end();
      return;
    }
    case 'close': {
      const its = [];
      for (let i = 0; i < 8; i++)
        its.push(
          Dataset.range(1e6)
            .map((x) => x.add(1n), { numParallelCalls: 2 })
            .prefetch(8)
            .iterator(),
        );
      await Promise.all(its.map((it) => it.next()));
      for (const it of its) void it.return();
      end();
      return;
    }
    case 'trace': {
      let depth = 0;
      Dataset.range(4).map((x) => {
        let y = x;
        for (let i = 0; i < 50; i++) {
          y = tf.add(y, 1n);
          if (++depth === 25) end();
        }
        return y;
      });
      return;
    }
    case 'idle': {
      const its = [
        Dataset.range(10).repeat().prefetch(8).iterator(),
        Dataset.range(5)
          .repeat()
          .map((x) => x.mul(2n), { numParallelCalls: 2 })
          .iterator(),
      ];
      for (const it of its) await it.next();
      globalThis.keep = its;
      end();
      return;
    }
    case 'many': {
      const ds = Dataset.range(1e9)
        .map((x) => x.add(1n))
        .prefetch(2);
      const its = Array.from({ length: 64 }, () => ds.iterator());
      await Promise.all(its.map((it) => it.next()));
      for (const it of its) it.next().catch(() => undefined);
      globalThis.keep = its;
      end();
      return;
    }
    case 'cardinality': {
      const ds = Dataset.range(1000)
        .filter((x) => x.less(500n))
        .repeat(3);
      for (let i = 0; i < 4; i++) ds.cardinality().catch(() => undefined);
      end();
      return;
    }
    case 'generator': {
      // A kernel waiting on JavaScript: a slow async generator behind shuffle and prefetch.
      async function* slow() {
        for (let i = 0; !finite || i < 300; i++) {
          await new Promise((r) => setTimeout(r, 1));
          yield i;
        }
      }
      const it = Dataset.fromGenerator(slow, { outputSignature: { dtype: 'int32', shape: [] } })
        .shuffle(100, { seed: 1 })
        .prefetch(2)
        .iterator();
      it.next().catch(() => undefined);
      setTimeout(end, Number(process.env.TEARDOWN_DELAY ?? 50));
      return;
    }
    case 'mapjs': {
      // Parallel mapJs calls in flight, each answered after a timer.
      const it = Dataset.range(finite ? 200 : 1e9)
        .mapJs((x) => new Promise((r) => setTimeout(() => r(Number(x.get())), 1)), {
          outputSignature: { dtype: 'float64', shape: [] },
          numParallelCalls: 4,
        })
        .prefetch(4)
        .iterator();
      it.next().catch(() => undefined);
      setTimeout(end, Number(process.env.TEARDOWN_DELAY ?? 50));
      return;
    }
    default:
      throw new Error(`unknown moment ${moment}`);
  }
}

async function survive() {
  const { Dataset } = require(LIB);
  const got = await Dataset.range(5)
    .map((x) => x.mul(3n))
    .toArray();
  if (got.map((t) => Number(t.get())).join() !== '0,3,6,9,12') throw new Error('main computed a wrong result');
  console.log('main survived');
}

if (!isMainThread) {
  const { way, moment } = workerData;
  // Only terminate() may end this worker: without work left, its loop would drain first.
  if (way === 'terminate') setInterval(() => undefined, 1000);
  reach(
    moment,
    () => (way === 'worker-exit' ? process.exit(WORKER_EXIT_CODE) : parentPort.postMessage('moment')),
    false,
  ).catch((e) => parentPort.postMessage(`error ${e.message}`));
} else if (require.main === module) {
  const [way, moment] = process.argv.slice(2);
  if (!WAYS.includes(way) || !MOMENTS.includes(moment)) {
    console.error(`usage: scenario.js <${WAYS.join('|')}> <${MOMENTS.join('|')}>`);
    process.exit(64);
  }
  if (way === 'terminate' || way === 'worker-exit') {
    const worker = new Worker(__filename, { workerData: { way, moment } });
    worker.on('message', (m) => {
      if (m === 'moment') void worker.terminate();
      else console.log(m);
    });
    worker.on('error', (e) => console.log(`worker error ${e.message}`));
    worker.on('exit', (code) => {
      console.log(`worker exit ${code}`);
      survive().catch((e) => {
        console.log(`main failed ${e.message}`);
        process.exitCode = 70;
      });
    });
  } else {
    const end = () => {
      if (way === 'exit') process.exit(MAIN_EXIT_CODE);
      if (way === 'throw')
        setImmediate(() => {
          throw new Error('teardown-matrix uncaught');
        });
      // drain: nothing; the event loop ends when the pipeline's work does
    };
    reach(moment, end, way === 'drain').catch((e) => {
      console.log(`error ${e.message}`);
      process.exitCode = 70;
    });
  }
}

module.exports = { WAYS, MOMENTS, WORKER_EXIT_CODE, MAIN_EXIT_CODE };
