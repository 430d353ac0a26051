// Runs test/differential/reference.py in the venv that `npm test`'s set-up makes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PINNED_TF_VERSION, cacheRoot } from '../../lib/install/paths';

export interface EncodedTensor {
  dtype: string;
  shape: number[];
  values: string[];
}
export type Reference = Record<string, EncodedTensor[][] | { error: string }>;

export function venvPython(): string | undefined {
  const venv = process.env.TFDATA_TEST_VENV || path.join(cacheRoot(), `py-${PINNED_TF_VERSION}`);
  const python = path.join(venv, 'bin', 'python');
  return fs.existsSync(python) ? python : undefined;
}

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
