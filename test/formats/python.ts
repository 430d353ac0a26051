// The data-format differential tests' Python side: reference.py writes the fixture files with
// Python's own writers and computes each case's elements with tf.data.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { RaggedTensor, SparseTensor, Tensor } from '../../lib';
import { venvPython } from '../../lib/install/paths';

export interface EncodedTensor {
  dtype: string;
  shape: number[];
  values: string[];
}
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

/** One tensor as reference.py encodes it (strings as hex, numbers as text). */
export function encodeTensor(t: Tensor): EncodedTensor {
  const flat = (t.size === 0 ? [] : ([] as unknown[]).concat(...[t.toArray()].flat(Infinity as 1))) as unknown[];
  const values =
    t.dtype === 'string'
      ? (t.data as Uint8Array[]).map((b) => Buffer.from(b).toString('hex'))
      : t.dtype === 'bool'
        ? flat.map((v) => (v ? 'true' : 'false'))
        : flat.map((v) => String(v));
  return { dtype: t.dtype, shape: [...t.shape], values };
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

function sameValue(a: string, b: string, dtype: string): boolean {
  if (dtype !== 'float32' && dtype !== 'float64') return a === b;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  const tol = dtype === 'float32' ? 1e-6 : 1e-12;
  return x === y || Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Element by element: same count, and per component the same dtype, shape and values. */
export function expectSame(name: string, mine: EncodedTensor[][], theirs: Reference[string]): void {
  if (!Array.isArray(theirs)) throw new Error(`${name}: Python failed: ${theirs.error}`);
  expect({ case: name, elements: mine.length }).toEqual({ case: name, elements: theirs.length });
  mine.forEach((element, i) => {
    expect({ case: name, element: i, components: element.length }).toEqual({
      case: name,
      element: i,
      components: theirs[i].length,
    });
    element.forEach((c, j) => {
      const r = theirs[i][j];
      const where = `${name} element ${i} component ${j}`;
      expect({ where, dtype: c.dtype, shape: c.shape }).toEqual({ where, dtype: r.dtype, shape: r.shape });
      const bad = c.values.findIndex((v, k) => !sameValue(v, r.values[k], c.dtype));
      expect({ where, firstMismatch: bad, ours: c.values[bad], python: r.values[bad] }).toEqual({
        where,
        firstMismatch: -1,
        ours: undefined,
        python: undefined,
      });
    });
  });
}

/** TensorFlow's Python error classes by our TFError codes. */
export const PYTHON_ERROR_CLASS: Record<string, string> = {
  INVALID_ARGUMENT: 'InvalidArgumentError',
  DATA_LOSS: 'DataLossError',
  NOT_FOUND: 'NotFoundError',
  OUT_OF_RANGE: 'OutOfRangeError',
};
