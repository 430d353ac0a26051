// Silent by default: importing, running pipelines (errors included), JavaScript sources and
// worker threads print nothing on stderr; TFDATA_LOG_LEVEL brings TensorFlow's logs back.
import { spawn } from 'node:child_process';

const LIB = JSON.stringify(require.resolve('../dist/cjs'));
const SCRIPT = `
  const { Worker } = require('node:worker_threads');
  const { Dataset, tensor, ops: tf } = require(${LIB});
  (async () => {
    await Dataset.range(100).map((x) => x.mul(2n)).shuffle(10, { seed: 1 }).batch(7).prefetch(2).toArray();
    await Dataset.fromTensorSlices(tensor(['1', 'x'])).map((s) => tf.stringToNumber(s)).toArray().catch(() => {});
    function* rows() { for (let i = 0; i < 50; i++) yield i; }
    await Dataset.fromGenerator(rows, { outputSignature: { dtype: 'int32', shape: [] } }).batch(8).toArray();
    const worker = new Worker('const { Dataset } = require(' + JSON.stringify(${LIB}) + ');' +
      'Dataset.range(10).toArray().then(() => process.exit(0));', { eval: true });
    await new Promise((resolve) => worker.on('exit', resolve));
    process.stdout.write('done');
  })();
`;

// The library loaded first by a worker thread, whose process.env is a copy TensorFlow never reads.
const WORKER_FIRST = `
  const { Worker } = require('node:worker_threads');
  const worker = new Worker('const { Dataset } = require(' + JSON.stringify(${LIB}) + ');' +
    'Dataset.range(10).map((x) => x.add(1n)).toArray().then(() => process.exit(0));', { eval: true });
  worker.on('exit', () => process.stdout.write('done'));
`;

function run(
  env: Record<string, string>,
  script = SCRIPT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = { ...process.env };
  delete clean.TF_CPP_MIN_LOG_LEVEL;
  delete clean.TFDATA_LOG_LEVEL;
  const child = spawn(process.execPath, ['-e', script], { env: { ...clean, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('nothing on stderr by default: import, pipelines, a failing pipeline, a generator, a worker', async () => {
  const r = await run({});
  expect(r.stdout).toBe('done');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
}, 60_000);

test('nothing on stderr when a worker thread is the first to load TensorFlow', async () => {
  const r = await run({}, WORKER_FIRST);
  expect(r.stdout).toBe('done');
  expect(r.stderr).toBe('');
}, 60_000);

test("TFDATA_LOG_LEVEL=0 brings TensorFlow's logs back", async () => {
  const r = await run({ TFDATA_LOG_LEVEL: '0' });
  expect(r.stdout).toBe('done');
  expect(r.stderr).toMatch(/oneDNN|absl::InitializeLog/);
}, 60_000);
