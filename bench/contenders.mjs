// The Node contenders of each workload: tfdata-node (also on the tf.data service), plain JS and
// tfjs-data. Each returns an
// async iterable of batches/elements (TypedArrays or tensors) and a way to read them.
import { Dataset, tensor, ops as tf } from 'tfdata-node';
import { w10Data, w11Strings, w1Data, w3Images } from './data.mjs';
import { tfdataJsDataset, tfjsJsDataset } from './js-sources.mjs';
import { tfdataFormatsDataset } from './formats.mjs';

// ---- tfdata-node ----

export function tfdataDataset(workload, n) {
  const fromJs = tfdataJsDataset(workload, n);
  if (fromJs) return fromJs;
  const fromFiles = tfdataFormatsDataset(workload, n);
  if (fromFiles) return fromFiles;
  if (workload === 'w1' || workload === 'w2') {
    const { x, w, b } = w1Data(n);
    const ds = Dataset.fromTensorSlices(tensor(x, 'float32', [n, 32])).map((r) => r.mul(w).add(b));
    return workload === 'w1' ? ds.batch(1024).prefetch('auto') : ds;
  }
  if (workload === 'w3') {
    return Dataset.fromTensorSlices(tensor(w3Images(n), 'uint8', [n, 64, 64, 3]))
      .enumerate()
      .map(
        ([i, im]) =>
          tf.resizeBilinear(
            tf.statelessRandomFlipLeftRight(tf.cast(im, 'float32').div(255), tf.stack([i, 7n])),
            [32, 32],
          ),
        { numParallelCalls: 'auto' },
      )
      .batch(128)
      .prefetch('auto');
  }
  if (workload === 'w4_scalar')
    return Dataset.range(n)
      .map((v) => v.add(1))
      .batch(256);
  if (workload === 'w4_vector')
    return Dataset.range(n)
      .batch(256)
      .map((v) => v.add(1));
  if (workload === 'w10') {
    // Realistic record preprocessing: normalise, clip, one-hot label, one row of 26 floats.
    const { x, y, mean, std } = w10Data(n);
    return Dataset.fromTensorSlices([tensor(x, 'float32', [n, 16]), y])
      .map(([f, label]) => tf.concat([tf.clipByValue(f.sub(mean).div(std), -3, 3), tf.oneHot(label, 10)], 0))
      .batch(1024);
  }
  if (workload === 'w11')
    // String ops have no batched rule: the map stays per element (the declined path).
    return Dataset.fromTensorSlices(w11Strings(n))
      .map((s) => tf.stringToNumber(s).mul(2))
      .batch(1024);
  if (workload === 's1') return Dataset.range(n).map((v) => slowly(v, SLEEP_MICROS));
  if (workload === 's2') return tfdataDataset('w1', n);
  throw new Error(`unknown workload ${workload}`);
}

// ---- tfdata-node on the tf.data service (bench/service.mjs starts the servers) ----

/**
 * S1's per-element latency: a stage that waits, as one reading a remote store would. The wait
 * happens twice per element (DatasetToSingleElement also asks for the end), 10 ms in all.
 */
export const SLEEP_MICROS = 5_000n;

/** `v` after a wait of `micros` (SleepDataset over the one element, inside the map function). */
function slowly(v, micros) {
  const one = tf.raw.TensorDataset({ components: [v], output_shapes: [[]] });
  const slept = tf.raw.SleepDataset({
    input_dataset: one,
    sleep_microseconds: micros,
    output_types: ['int64'],
    output_shapes: [[]],
  });
  return tf.raw.DatasetToSingleElement({ dataset: slept, output_types: ['int64'], output_shapes: [[]] })[0];
}

/**
 * The workload's pipeline run by the service's workers, in `processingMode` ('off' or 'dynamic').
 * It is registered before timing (its host data travels then; inputs are built untimed for all).
 */
export async function servicePrepare(workload, n, service, processingMode) {
  const ds = tfdataDataset(workload, n);
  await Dataset.registerWithService(ds, service);
  const served = ds.distribute({ service, processingMode, taskRefreshMs: 100 });
  return async function* () {
    for await (const t of served) yield t.data;
  };
}

/**
 * Builds the pipeline (host data copied into TensorFlow), then returns the timed iteration.
 * `options` (withOptions) lets a map → batch workload run with `vectorize: false`.
 */
export async function tfdataPrepare(workload, n, _flips, options) {
  const ds = options ? tfdataDataset(workload, n).withOptions(options) : tfdataDataset(workload, n);
  // Built before timing, as Python's dataset is when it is defined and the floor's graph and
  // session are: compiled, its session opened and the dataset stored. The timed part starts
  // with a new iterator (finalising the dataset, tf.data's rewrites), as Python's and the floor's do.
  await ds.prepare();
  return async function* () {
    for await (const t of ds) yield t.data;
  };
}

/** The flip decisions of W3 (stateless uniform < 0.5 per index), for the JS contenders. */
export async function w3Flips(n) {
  const ds = Dataset.range(n)
    .map((i) => tf.cast(tf.statelessRandomUniform([], tf.stack([i, 7n])).less(0.5), 'uint8'))
    .batch(n);
  const [t] = await ds.toArray();
  return t.data;
}

// ---- plain JS ----

export function plainPrepare(workload, n, flips) {
  if (workload === 'w1' || workload === 'w2') {
    const { x, w, b } = w1Data(n);
    return () => plainRows(workload, n, x, w, b);
  }
  if (workload === 'w3') {
    const px = w3Images(n);
    return () => plainImages(n, px, flips);
  }
  throw new Error(`plain JS has no ${workload}`);
}

async function* plainRows(workload, n, x, w, b) {
  {
    const batch = workload === 'w1' ? 1024 : 1;
    for (let start = 0; start < n; start += batch) {
      const rows = Math.min(batch, n - start);
      const out = new Float32Array(rows * 32);
      for (let r = 0; r < rows; r++) {
        const base = (start + r) * 32;
        for (let j = 0; j < 32; j++) out[r * 32 + j] = Math.fround(Math.fround(x[base + j] * w[j]) + b[j]);
      }
      yield out;
    }
  }
}

async function* plainImages(n, px, flips) {
  {
    for (let start = 0; start < n; start += 128) {
      const count = Math.min(128, n - start);
      const out = new Float32Array(count * 32 * 32 * 3);
      for (let k = 0; k < count; k++) resizeImage(px, start + k, flips[start + k] === 1, out, k * 32 * 32 * 3);
      yield out;
    }
  }
}

/** cast → /255 → optional left-right flip → bilinear 64×64 → 32×32 with half-pixel centres. */
function resizeImage(px, index, flip, out, offset) {
  const src = index * 64 * 64 * 3;
  const at = (y, x, c) => Math.fround(px[src + (y * 64 + (flip ? 63 - x : x)) * 3 + c] / 255);
  for (let oy = 0; oy < 32; oy++) {
    const sy = Math.max(0, (oy + 0.5) * 2 - 0.5);
    const y0 = Math.floor(sy),
      y1 = Math.min(y0 + 1, 63),
      dy = sy - y0;
    for (let ox = 0; ox < 32; ox++) {
      const sx = Math.max(0, (ox + 0.5) * 2 - 0.5);
      const x0 = Math.floor(sx),
        x1 = Math.min(x0 + 1, 63),
        dx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const top = at(y0, x0, c) + (at(y0, x1, c) - at(y0, x0, c)) * dx;
        const bottom = at(y1, x0, c) + (at(y1, x1, c) - at(y1, x0, c)) * dx;
        out[offset + (oy * 32 + ox) * 3 + c] = top + (bottom - top) * dy;
      }
    }
  }
}

// ---- tfjs-data (a JS function per element: the py_function analog) ----

export async function tfjsPrepare(workload, n, flips) {
  const tfc = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfd = await import('@tensorflow/tfjs-data');
  await tfc.setBackend('cpu');
  let ds;
  if (workload === 'w1' || workload === 'w2') {
    const { x, w, b } = w1Data(n);
    const wT = tfc.tensor1d(w);
    const bT = tfc.tensor1d(b);
    const rows = Array.from({ length: n }, (_, i) => x.subarray(i * 32, i * 32 + 32));
    ds = tfd.array(rows).map((r) => tfc.tidy(() => tfc.add(tfc.mul(tfc.tensor1d(r), wT), bT)));
    if (workload === 'w1') ds = ds.batch(1024).prefetch(4);
  } else if (workload === 'w3') {
    const px = w3Images(n);
    const items = Array.from({ length: n }, (_, i) => i);
    ds = tfd
      .array(items)
      .map((i) =>
        tfc.tidy(() => {
          const im = tfc.div(
            tfc.cast(tfc.tensor3d(px.subarray(i * 12288, (i + 1) * 12288), [64, 64, 3], 'int32'), 'float32'),
            255,
          );
          const flipped = flips[i] === 1 ? tfc.reverse(im, 1) : im;
          return tfc.image.resizeBilinear(flipped, [32, 32], false, true);
        }),
      )
      .batch(128)
      .prefetch(4);
  } else {
    ds = await tfjsJsDataset(workload, n, tfc, tfd);
    if (!ds) throw new Error(`tfjs-data has no ${workload}`);
  }
  return async function* () {
    const it = await ds.iterator();
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      const data = r.value.dataSync();
      r.value.dispose();
      yield data;
    }
  };
}
