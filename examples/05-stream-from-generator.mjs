// A streaming source: rows arrive from an object-mode stream (a database cursor, an HTTP body,
// a Kafka consumer in a real service) and everything after the source runs in TensorFlow.
import { Readable } from 'node:stream';
import { Dataset } from 'tfdata-node';

console.log('05 — Dataset.fromGenerator over a Readable: shuffle, map and batch in TensorFlow');

// Stands for a source that yields records as they come in.
function rowsFromService() {
  let id = 0;
  return new Readable({
    objectMode: true,
    read() {
      if (id === 1000) return this.push(null);
      const features = Float32Array.from({ length: 4 }, (_, j) => ((id * 7 + j * 3) % 10) / 10);
      this.push({ features, label: id % 3 });
      id++;
    },
  });
}

const ds = Dataset.fromGenerator(rowsFromService, {
  outputSignature: { features: { dtype: 'float32', shape: [4] }, label: { dtype: 'int32', shape: [] } },
})
  .shuffle(256, { seed: 42 })
  .map(({ features, label }) => ({ x: features.mul(2).sub(1), y: label }))
  .batch(250);

let batches = 0;
for await (const { x, y } of ds) {
  batches++;
  if (batches === 1) console.log(`first batch: x ${x.shape.join('×')} float32, y ${y.shape.join('×')} int32`);
}
console.log(`${batches} batches of 250 rows from 1000 streamed records`);
