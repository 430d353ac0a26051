// The tf.data service, for real: a dispatcher (started through `tfdata-node service`) and two
// workers from the test venv's TensorFlow, on loopback. Pipelines registered by Node are read by
// Node and by Python tf.data, compared with the same pipeline run locally; failures (no
// dispatcher, a dead worker) are checked for their errors and their timing.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { Dataset, RaggedTensor, SparseTensor, Sym, TFError, Tensor, tensor, ops as tf } from '../lib';
import { venvPython } from '../lib/install/paths';
import { errorOf, plain, rejectionOf } from './helpers';
import { Server, isAlive, readyLine, startServer, stopAll, stopProcess, track, trackPid } from './service/servers';

const python = venvPython();
const skip = process.env.TFDATA_SKIP_PYTHON === '1' && !python;
if (skip)
  console.warn('service tests skipped: TFDATA_SKIP_PYTHON=1 and no venv (node scripts/setup-python.js makes it)');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'scripts', 'cli.js');
// Short task refreshes: a job's end reaches a consumer up to one refresh late.
const REFRESH = { taskRefreshMs: 100 };

const ROWS = tensor(
  Float32Array.from({ length: 40 }, (_, i) => i / 8 - 2),
  'float32',
  [10, 4],
);
const W = new Float32Array([0.5, -1, 2, 0.25]);
const NAMES = tensor(Array.from({ length: 10 }, (_, i) => `row-${i}`));
const INDEX = tensor(BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i)));

/**
 * Records, strings, int64 and captured host data: all of it travels in the registration. One
 * source: in 'dynamic' mode the service splits each source of a zip on its own.
 */
function pipeline() {
  return Dataset.fromTensorSlices({ x: ROWS, name: NAMES, i: INDEX }).map(({ i, x, name }) => ({
    i,
    y: x.mul(W).add(1),
    name,
  }));
}

/** A map that waits `micros` per element (SleepDataset inside), a latency-bound stage. */
function slowly(x: Sym<'int64'>, micros: bigint): Sym<'int64'> {
  const one = tf.raw.TensorDataset({ components: [x], output_shapes: [[]] });
  const slept = tf.raw.SleepDataset({
    input_dataset: one,
    sleep_microseconds: micros,
    output_types: ['int64'],
    output_shapes: [[]],
  });
  const [value] = tf.raw.DatasetToSingleElement({ dataset: slept, output_types: ['int64'], output_shapes: [[]] });
  return value as Sym<'int64'>;
}

/** Elements as sorted JSON texts: a multiset. */
const multiset = (elements: unknown[]) => elements.map((e) => JSON.stringify(plain(e), big)).sort();
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
const times = <T>(xs: T[], n: number) => Array.from({ length: n }, () => xs).flat();
const int = (t: Tensor) => Number((t.data as BigInt64Array)[0]);

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

(skip ? describe.skip : describe)('tf.data service (dispatcher + 2 workers on loopback)', () => {
  let service = '';
  let dispatcherPort = 0;
  let dispatcherCli: ChildProcess;
  let dispatcherPid = 0;
  const workers: Server[] = [];

  beforeAll(async () => {
    const port = await freePort();
    dispatcherPort = port;
    service = `grpc://localhost:${port}`;
    // The dispatcher the supported way (the CLI); the workers join it as it starts.
    dispatcherCli = track(
      spawn(process.execPath, [CLI, 'service', 'dispatcher', '--port', String(port), '--python', python as string], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
      }),
    );
    const [ready, ...started] = await Promise.all([
      readyLine(dispatcherCli, 'tfdata-node service dispatcher'),
      startServer(python as string, ['worker', '--dispatcher', `localhost:${port}`, '--heartbeat-ms', '500']),
      startServer(python as string, ['worker', '--dispatcher', `localhost:${port}`, '--heartbeat-ms', '500']),
    ]);
    dispatcherPid = ready.pid as number;
    trackPid(dispatcherPid);
    workers.push(...started);
  }, 90_000);

  afterAll(stopAll, 30_000);

  test("'off': each worker produces the whole pipeline, equal to the local run (as a multiset)", async () => {
    const local = await pipeline().toArray();
    const served = await pipeline()
      .distribute({ service, processingMode: 'off', ...REFRESH })
      .toArray();
    expect(multiset(served)).toEqual(multiset(times(local, 2)));
  });

  test("'dynamic': every element exactly once; what follows distribute() runs here", async () => {
    const local = await pipeline().toArray();
    const ds = pipeline().distribute({ service, processingMode: 'dynamic', ...REFRESH });
    expect(multiset(await ds.toArray())).toEqual(multiset(local));
    const batches = await ds
      .map(({ i, y }) => ({ i, s: tf.sum(y) }))
      .batch(4)
      .toArray();
    expect(batches.map((b) => b.i.shape[0]).sort()).toEqual([2, 4, 4]);
    const indices = batches.flatMap((b) => Array.from(b.i.data as BigInt64Array, Number));
    expect(indices.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('every compression setting gives the same elements', async () => {
    const local = multiset(await pipeline().toArray());
    for (const compression of ['auto', 'none', 'snappy'] as const) {
      const ds = pipeline().distribute({ service, processingMode: 'dynamic', compression, ...REFRESH });
      expect(multiset(await ds.toArray())).toEqual(local);
    }
  });

  test('sparse and ragged components travel as they do locally; fromService takes their specs', async () => {
    // Rows of a host sparse [5, 3] and a ragged [5, null] tensor (the service runs no JS sources).
    const sparse = new SparseTensor(
      tensor([0n, 0n, 1n, 2n, 3n, 1n, 4n, 0n], 'int64', [4, 2]),
      tensor([1, 2, 3, 4], 'float32'),
      tensor([5n, 3n]),
    );
    const ragged = new RaggedTensor(tensor([1, 2, 3, 4, 5, 6], 'int32'), [tensor([0n, 2n, 2n, 3n, 6n, 6n])]);
    const source = Dataset.zip({ s: Dataset.fromTensorSlices(sparse), r: Dataset.fromTensorSlices(ragged) });
    const local = (await source.toArray()).map((e) => [e.s.toDense().toArray(), e.r.toArray()]);
    const id = await Dataset.registerWithService(source, service);
    const served = await Dataset.fromService(service, id, {
      elementSpec: source.elementSpec,
      processingMode: 'off',
      ...REFRESH,
    }).toArray();
    expect(multiset(served.map((e) => [e.s.toDense().toArray(), e.r.toArray()]))).toEqual(multiset(times(local, 2)));
  });

  test('registerWithService: one id per dataset, read back with fromService', async () => {
    const ds = pipeline();
    const id = await Dataset.registerWithService(ds, service);
    expect(await Dataset.registerWithService(ds, service)).toBe(id);
    expect(await Dataset.registerWithService(pipeline(), service)).not.toBe(id);
    const named = await Dataset.registerWithService(Dataset.range(4), service, { datasetId: 'node-range-4' });
    expect(named).toBe('node-range-4');
    const back = Dataset.fromService(service, id, {
      elementSpec: ds.elementSpec,
      processingMode: 'dynamic',
      ...REFRESH,
    });
    expect(back.elementSpec).toEqual(ds.elementSpec);
    expect(multiset(await back.toArray())).toEqual(multiset(await ds.toArray()));
    const missing = await rejectionOf(
      Dataset.fromService(service, 'no-such-dataset', {
        elementSpec: { dtype: 'int64', shape: [] },
        processingMode: 'off',
      }).toArray(),
    );
    expect(missing).toBeInstanceOf(TFError);
    expect((missing as TFError).code).toBe('NOT_FOUND');
  });

  test('a named job gives each pass of an iterator all elements (never a finished job again)', async () => {
    const ds = Dataset.range(12).distribute({ service, processingMode: 'dynamic', jobName: 'passes', ...REFRESH });
    for (let pass = 0; pass < 2; pass++) {
      const got = (await ds.toArray({ timeoutMs: 20_000 })).map(int);
      expect(got.sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    }
  });

  test('a Python consumer reads a Node-registered dataset and shares its job with a Node consumer', async () => {
    const ds = Dataset.range(300).map((x) => {
      const v = slowly(x, 5000n);
      return { v, s: tf.raw.AsString({ input: v }) };
    });
    const id = await Dataset.registerWithService(ds, service);
    const consumer = track(
      spawn(
        python as string,
        [path.join(__dirname, 'service', 'consumer.py'), service, id, 'distributed_epoch', 'shared'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
    );
    const lines: string[] = [];
    let stderr = '';
    consumer.stderr!.on('data', (d) => (stderr += d));
    readline.createInterface({ input: consumer.stdout! }).on('line', (l) => lines.push(l));
    const exited = new Promise((r) => consumer.once('exit', r));
    await readyLine(consumer, 'consumer.py');
    const spec = ds.elementSpec;
    const ours = await Dataset.fromService(service, id, {
      elementSpec: spec,
      processingMode: 'dynamic',
      jobName: 'shared',
      ...REFRESH,
    }).toArray({ timeoutMs: 30_000 });
    expect([await exited, stderr.slice(-2000)]).toEqual([0, expect.anything()]);
    const theirs = JSON.parse(lines[lines.length - 1]) as { spec: unknown; elements: [string, number][] };
    // The element spec Node put in the registration's metadata, as Python decodes it.
    expect(theirs.spec).toEqual({ s: ['string', []], v: ['int64', []] });
    // One job, split between the two: every element once, each consumer some of them.
    expect(ours.length).toBeGreaterThan(0);
    expect(theirs.elements.length).toBeGreaterThan(0);
    for (const e of ours) expect(new TextDecoder().decode((e.s.data as Uint8Array[])[0])).toBe(String(int(e.v)));
    for (const [s, v] of theirs.elements) expect(s).toBe(String(v));
    const all = [...ours.map((e) => int(e.v)), ...theirs.elements.map(([, v]) => v)];
    expect(all.sort((a, b) => a - b)).toEqual([...Array(300).keys()]);
  }, 60_000);

  test('no dispatcher: TFError UNAVAILABLE naming the address, in < 5 s', async () => {
    const closed = `localhost:${await freePort()}`;
    const silent = net.createServer((socket) => socket.on('error', () => undefined)).listen(0, '127.0.0.1');
    await new Promise((r) => silent.once('listening', r));
    const quiet = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const int64 = { elementSpec: { dtype: 'int64', shape: [] }, processingMode: 'off' } as const;
    try {
      const cases: [string, () => Promise<unknown>, RegExp][] = [
        [
          'distribute, closed port',
          () => Dataset.range(3).distribute({ service: closed, processingMode: 'off' }).toArray(),
          /unreachable|ECONNREFUSED/,
        ],
        [
          'registerWithService, closed port',
          () => Dataset.registerWithService(Dataset.range(3), closed),
          /ECONNREFUSED/,
        ],
        [
          'fromService, a worker',
          () => Dataset.fromService(workers[0].address, 'x', int64).toArray(),
          /not a dispatcher/,
        ],
        [
          'distribute, silent port',
          () => Dataset.range(3).distribute({ service: quiet, processingMode: 'off' }).toArray(),
          /no gRPC answer/,
        ],
      ];
      for (const [what, run, why] of cases) {
        const start = Date.now();
        const e = await rejectionOf(run());
        const ms = Date.now() - start;
        expect([what, e instanceof TFError && e.code]).toEqual([what, 'UNAVAILABLE']);
        expect(e.message).toMatch(why);
        expect(e.message).toContain(
          what.includes('worker') ? workers[0].address : what.includes('silent') ? quiet : closed,
        );
        expect([what, ms < 5000]).toEqual([what, true]);
      }
      // An abort while the check waits rejects with the signal's reason at once.
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop waiting')), 200);
      const start = Date.now();
      const aborted = await rejectionOf(
        Dataset.range(3).distribute({ service: quiet, processingMode: 'off' }).toArray({ signal: controller.signal }),
      );
      expect(aborted.message).toBe('stop waiting');
      expect(Date.now() - start).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });

  test('bad arguments are TypeError/RangeError naming the argument', async () => {
    const ds = Dataset.range(3);
    const bad: [() => unknown, string, RegExp][] = [
      [
        () => ds.distribute({ service: 5 as unknown as string, processingMode: 'off' }),
        'TypeError',
        /distribute: service/,
      ],
      [() => ds.distribute({ service: 'http://h:1', processingMode: 'off' }), 'RangeError', /grpc/],
      [() => ds.distribute({ service: 'localhost', processingMode: 'off' }), 'RangeError', /host:port/],
      [() => ds.distribute({ service, processingMode: 'epochs' as 'off' }), 'RangeError', /processingMode/],
      [
        () => ds.distribute({ service, processingMode: 'off', compression: 'gzip' as 'auto' }),
        'RangeError',
        /compression/,
      ],
      [() => ds.distribute({ service, processingMode: 'off', consumerIndex: 0 }), 'TypeError', /numConsumers/],
      [
        () => ds.distribute({ service, processingMode: 'off', consumerIndex: 0, numConsumers: 2 }),
        'TypeError',
        /jobName/,
      ],
      [
        () => ds.distribute({ service, processingMode: 'off', jobName: 'j', consumerIndex: 2, numConsumers: 2 }),
        'RangeError',
        /consumerIndex/,
      ],
      [() => ds.distribute({ service, processingMode: 'off', jobName: '' }), 'TypeError', /jobName/],
      [() => ds.distribute({ service, processingMode: 'off', taskRefreshMs: 0 }), 'RangeError', /taskRefreshMs/],
      [
        () => ds.distribute({ service, processingMode: 'off', maxOutstandingRequests: 1.5 }),
        'TypeError',
        /maxOutstanding/,
      ],
      [
        () => ds.distribute({ service, processingMode: 'off', targetWorkers: 'all' as 'any' }),
        'RangeError',
        /targetWorkers/,
      ],
      [() => ds.distribute({ service, processingMode: 'off', job: 'x' } as never), 'TypeError', /unknown option 'job'/],
      [
        () => Dataset.fromService(service, '', { elementSpec: { dtype: 'int64', shape: [] }, processingMode: 'off' }),
        'TypeError',
        /datasetId/,
      ],
      // (Braces: these return Dataset<Element>, which TypeScript would compare with the others.)
      [
        () => {
          Dataset.fromService(service, 'x', { processingMode: 'off' } as never);
        },
        'TypeError',
        /elementSpec/,
      ],
      [
        () => {
          Dataset.fromService(service, 'x', {
            elementSpec: { dtype: 'int65', shape: [] } as never,
            processingMode: 'off',
          });
        },
        'TypeError',
        /elementSpec: component 0 has dtype 'int65'/,
      ],
      [
        () => ds.flatMap(() => Dataset.range(2).distribute({ service, processingMode: 'off' })),
        'TypeError',
        /callback/,
      ],
      [
        () => {
          const fromJs = Dataset.fromGenerator(() => [1n], { outputSignature: { dtype: 'int64', shape: [] } });
          fromJs.distribute({ service, processingMode: 'off' });
        },
        'TypeError',
        /distribute: the pipeline takes input from this process/,
      ],
    ];
    for (const [call, name, message] of bad) {
      const e = errorOf(call);
      expect([e.name, e.message]).toEqual([name, expect.stringMatching(message)]);
    }
    const rejected = await rejectionOf(Dataset.registerWithService(ds, service, { compression: 'zip' as 'none' }));
    expect([rejected.name, rejected.message]).toEqual(['RangeError', expect.stringMatching(/compression/)]);
    const notDataset = await rejectionOf(Dataset.registerWithService({} as Dataset<unknown>, service));
    expect(notDataset.name).toBe('TypeError');
  });

  test('a dead worker stalls new jobs until timeoutMs; restarting it on its address recovers', async () => {
    const victim = workers[1];
    const ds = Dataset.range(8).distribute({ service, processingMode: 'off', ...REFRESH });
    process.kill(victim.pid, 'SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    const stalled = await rejectionOf(ds.toArray({ timeoutMs: 2000 }));
    expect(stalled).toBeInstanceOf(TFError);
    expect((stalled as TFError).code).toBe('DEADLINE_EXCEEDED');
    expect(stalled.message).toContain('timeoutMs (2000 ms)');
    const restarted = await startServer(python as string, [
      'worker',
      '--dispatcher',
      service,
      '--port',
      String(victim.port),
      '--heartbeat-ms',
      '500',
    ]);
    workers[1] = restarted;
    // The dispatcher hands the restarted worker its tasks at its first heartbeats.
    let got: number[] = [];
    for (let attempt = 0; attempt < 10 && got.length === 0; attempt++) {
      got = await ds.toArray({ timeoutMs: 3000 }).then(
        (elements) => elements.map(int),
        () => [],
      );
    }
    expect(got.sort((a, b) => a - b)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7]);
  }, 60_000);

  test('the CLI stops the dispatcher on SIGTERM; a new one on its port is given the dataset again', async () => {
    const local = multiset(await pipeline().toArray());
    const ds = pipeline().distribute({ service, processingMode: 'dynamic', ...REFRESH });
    expect(multiset(await ds.toArray())).toEqual(local);
    const code = new Promise((r) => dispatcherCli.once('exit', (c) => r(c)));
    await stopProcess(dispatcherCli, 10_000);
    expect(await code).toBe(0);
    expect(isAlive(dispatcherPid)).toBe(false);
    // Without --work-dir the new dispatcher knows no dataset: the next iterator registers it again.
    await startServer(python as string, ['dispatcher', '--port', String(dispatcherPort)]);
    let got: string[] = [];
    for (let attempt = 0; attempt < 10 && got.length === 0; attempt++) {
      got = await ds.toArray({ timeoutMs: 3000 }).then(multiset, () => []);
    }
    expect(got).toEqual(local);
  }, 60_000);

  test('servers stop cleanly on SIGTERM (exit code 0)', async () => {
    const all = [...workers.map((w) => w.child)];
    for (const child of all) {
      const code = new Promise((r) => child.once('exit', (c) => r(c)));
      await stopProcess(child, 10_000);
      expect(await code).toBe(0);
    }
  }, 30_000);
});

test('the servers CLI is shipped: scripts/service.py is in package.json "files"', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  expect(manifest.files).toContain('scripts/service.py');
});
