// The data-format differential tests' Python side: reference.py writes the fixture files with
// Python's own writers and computes each case's elements with tf.data.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { RaggedTensor, SparseTensor, Tensor } from '../../lib';
import { venvPython } from '../../lib/install/paths';

import { EncodedTensor, encodeTensor, expectSameElements } from '../differential/python';

export { encodeTensor };
/** A case's elements, or the error Python raised (its class, and how many elements came before it). */
export type Reference = Record<string, EncodedTensor[][] | { error: string; class: string; before: number }>;

/** Runs reference.py: writes the fixtures into `dir` when `write`, then computes the named cases. */
export function runFormatsReference(dir: string, names: string[], write: boolean): Reference {
  const python = venvPython();
  if (!python) throw new Error('the Python venv is missing: run `node scripts/setup-python.js` (npm test does it)');
  const r = spawnSync(python, [path.join(__dirname, 'reference.py')], {
    input: JSON.stringify({ dir, names, write }),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Reference;
}

/** An element's tensors in reference.py's order (composites expanded, records by sorted key). */
export function flattenHost(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (v instanceof SparseTensor) return [v.indices, v.values, v.denseShape];
  if (v instanceof RaggedTensor) return [...v.nestedRowSplits, v.flatValues];
  if (Array.isArray(v)) return v.flatMap(flattenHost);
  if (v && typeof v === 'object')
    return Object.keys(v)
      .sort()
      .flatMap((k) => flattenHost((v as Record<string, unknown>)[k]));
  throw new Error(`unexpected leaf ${String(v)}`);
}

/** Element by element against Python's elements (a case Python failed is a test failure). */
export function expectSame(name: string, mine: EncodedTensor[][], theirs: Reference[string]): void {
  if (!Array.isArray(theirs)) throw new Error(`${name}: Python failed: ${theirs.error}`);
  expectSameElements(name, mine, theirs);
}

/** TensorFlow's Python error classes by our TFError codes. */
export const PYTHON_ERROR_CLASS: Record<string, string> = {
  INVALID_ARGUMENT: 'InvalidArgumentError',
  DATA_LOSS: 'DataLossError',
  NOT_FOUND: 'NotFoundError',
  OUT_OF_RANGE: 'OutOfRangeError',
};
