// Runs test/differential/reference.py in the venv that `npm test`'s set-up makes.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { venvPython } from '../../lib/install/paths';

// The venv's location is defined once, in lib/install/paths (TFDATA_TEST_VENV overrides it).
export { venvPython };

export interface EncodedTensor {
  dtype: string;
  shape: number[];
  values: string[];
}
export type Reference = Record<string, EncodedTensor[][] | { error: string }>;

export function runReference(names: string[], env: Record<string, string> = {}): Reference {
  const python = venvPython();
  if (!python) throw new Error('the Python venv is missing: run `node scripts/setup-python.js` (npm test does it)');
  const r = spawnSync(python, [path.join(__dirname, 'reference.py')], {
    input: JSON.stringify(names),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.status !== 0) throw new Error(`reference.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Reference;
}
