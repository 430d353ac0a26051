// One shard of the stress fuzzing, run in a child process by reliability.stress.ts: tensors of
// every dtype/shape through a pipeline unchanged, and random transformation chains against the
// JS model of tf.data. Resolves with the number of cases run; a failed case rejects.
import assert from 'node:assert';
import fc from 'fast-check';
import { DType, Dataset, Tensor, tensor } from '../../lib';
import { applyStep, fuzzChain, referenceChain, tensorArbitrary } from '../fuzz-models';

const exact = (v: unknown) =>
  JSON.stringify(v, (_k, x) =>
    typeof x === 'bigint' ? `${x}n` : Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : x,
  );

export async function main(seed: string, runs: string): Promise<{ cases: number }> {
  let cases = 0;
  const numRuns = Number(runs);
  await fc.assert(
    fc.asyncProperty(tensorArbitrary(), async ({ dtype, shape, values }) => {
      cases++;
      const t = tensor(values as never, dtype as DType, shape);
      const [out] = (await Dataset.fromTensors(t).batch(1).unbatch().toArray()) as Tensor[];
      assert.deepStrictEqual(out.shape, shape);
      assert.strictEqual(exact(out.toArray()), exact(t.toArray()));
    }),
    { numRuns, seed: Number(seed) },
  );
  await fc.assert(
    fc.asyncProperty(fuzzChain(), async ({ n, steps }) => {
      cases++;
      let ds = Dataset.range(n);
      for (const s of steps) ds = applyStep(ds, s);
      assert.deepStrictEqual(
        (await ds.toArray()).map((t) => (t as Tensor).toArray()),
        referenceChain(n, steps),
      );
    }),
    { numRuns, seed: Number(seed) + 1 },
  );
  return { cases };
}
