// Runs test/differential/reference.py in the venv that `npm test`'s set-up makes.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { Tensor } from '../../lib';
import { venvPython } from '../../lib/install/paths';

// The venv's location is defined once, in lib/install/paths (TFDATA_TEST_VENV overrides it).
export { venvPython };

/** One tensor as the reference scripts encode it (strings as hex, numbers and bools as text). */
export interface EncodedTensor {
  dtype: string;
  shape: number[];
  values: string[];
}
export type Reference = Record<string, EncodedTensor[][] | { error: string }>;

/**
 * Runs a reference script (default: this folder's reference.py) on case names and parses the JSON
 * it prints: `R` is its result type.
 */
export function runReference<R = Reference>(
  names: string[],
  env: Record<string, string> = {},
  script = path.join(__dirname, 'reference.py'),
): R {
  const python = venvPython();
  if (!python) throw new Error('the Python venv is missing: run `node scripts/setup-python.js` (npm test does it)');
  const r = spawnSync(python, [script], {
    input: JSON.stringify(names),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.status !== 0) throw new Error(`${path.basename(script)} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as R;
}

/** Runs `code` in the venv's Python with `json` and TensorFlow (as tf) imported; its last line parsed as JSON. */
export function runPython(code: string): unknown {
  const interpreter = venvPython();
  if (!interpreter)
    throw new Error('the Python venv is missing: run `node scripts/setup-python.js` (npm test does it)');
  const out = execFileSync(interpreter, ['-c', `import json, tensorflow as tf\n${code}`], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

/** One tensor encoded as the reference scripts encode theirs. */
export function encodeTensor(t: Tensor): EncodedTensor {
  const flat = (t.size === 0 ? [] : ([] as unknown[]).concat(...[t.toArray()].flat(Infinity as 1))) as unknown[];
  const values =
    t.dtype === 'string'
      ? (t.data as Uint8Array[]).map((b) => Buffer.from(b).toString('hex'))
      : flat.map((v) => String(v));
  return { dtype: t.dtype, shape: [...t.shape], values };
}

/** Equal values; floats within float32's or float64's rounding, NaN equal to NaN. */
function sameValue(a: string, b: string, dtype: string): boolean {
  if (dtype !== 'float32' && dtype !== 'float64') return a === b;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  const tol = dtype === 'float32' ? 1e-6 : 1e-12;
  return Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y));
}

/** Element by element: same count, and per component the same dtype, shape and values. */
export function expectSameElements(name: string, mine: EncodedTensor[][], theirs: EncodedTensor[][]): void {
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
