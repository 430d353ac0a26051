// Training a TensorFlow.js model from a tfdata-node pipeline: the pipeline (shuffle, map, batch,
// prefetch) runs in TensorFlow; `toTfjs()` hands each batch to tfjs as tensors over the same
// memory. Needs @tensorflow/tfjs (or tfjs-core + tfjs-data + a backend, and tfjs-layers for the
// model), optional peers of tfdata-node: this repository has them as devDependencies.
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfd from '@tensorflow/tfjs-data';
import * as tfl from '@tensorflow/tfjs-layers';
import { Dataset, tensor } from 'tfdata-node';

console.log('06 — training a tfjs model from a pipeline with ds.toTfjs()');
tfc.enableProdMode(); // tfjs's own notice (install tfjs-node) stays off the terminal
await tfc.setBackend('cpu');
const tf = { ...tfc, data: tfd };

// 1024 points of y = 3·a − 2·b + 1 with a little noise, made in JS once.
const n = 1024;
const features = new Float32Array(n * 2);
const labels = new Float32Array(n);
for (let i = 0; i < n; i++) {
  const a = Math.sin(i) * 0.5 + 0.5;
  const b = Math.cos(i * 0.7) * 0.5 + 0.5;
  features.set([a, b], 2 * i);
  labels[i] = 3 * a - 2 * b + 1 + Math.sin(i * 13) * 0.01;
}

const train = Dataset.fromTensorSlices({ x: tensor(features, 'float32', [n, 2]), y: tensor(labels, 'float32', [n, 1]) })
  .shuffle(n, { seed: 1 })
  .map(({ x, y }) => ({ xs: x.mul(2).sub(1), ys: y })) // scaled in TensorFlow
  .batch(64)
  .prefetch('auto');

const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
model.compile({ optimizer: tfc.train.adam(0.05), loss: 'meanSquaredError' });

const history = await model.fitDataset(train.toTfjs({ tf }), { epochs: 40, verbose: 0 });
const loss = history.history.loss;
console.log(`loss: epoch 1 ${loss[0].toFixed(4)}, epoch ${loss.length} ${loss[loss.length - 1].toFixed(4)}`);
const [w, b] = model.getWeights().map((t) => Array.from(t.dataSync()).map((v) => v.toFixed(2)));
// x was scaled to 2x − 1, so y = 1.5·x'a − 1·x'b + 1.5.
console.log(`learned weights ${w.join(', ')} and bias ${b} (expected about 1.50, -1.00 and 1.50)`);
console.log(`tfjs tensors alive after training: ${tfc.memory().numTensors} (the model's weights and optimizer state)`);
