import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PINNED_TF_VERSION, cacheDir } from './paths';

/** Where a libtensorflow was found. */
export interface LibraryLocation {
  /** The shared library file to dlopen. */
  path: string;
  /** Which rule of the search order found it. */
  source: 'option' | 'env:TFDATA_LIBTENSORFLOW' | 'env:LIBTENSORFLOW_ROOT' | 'python' | 'cache';
}

/** One place the search looked, for the error that lists them all. */
export interface SearchAttempt {
  /** The rule (option, env var, python, cache). */
  source: string;
  /** The directory or command tried. */
  place: string;
  /** Why it did not give a library. */
  result: string;
}

// The C tarball ships libtensorflow.so.2; the wheel ships libtensorflow_cc.so.2 (which exports
// the same C API). Exact SONAME names: wheels and npm tarballs carry no symlinks.
const LIBRARY_NAMES = ['libtensorflow.so.2', 'libtensorflow_cc.so.2', 'libtensorflow.so', 'libtensorflow_cc.so'];

/** The library file inside `dir`, `dir/lib` or `dir/lib64`, or why there is none. */
export function libraryIn(dir: string): { path?: string; why: string } {
  if (!fs.existsSync(dir)) return { why: 'directory does not exist' };
  for (const sub of ['', 'lib', 'lib64']) {
    for (const name of LIBRARY_NAMES) {
      const candidate = path.join(dir, sub, name);
      if (fs.existsSync(candidate)) return { path: candidate, why: 'found' };
    }
  }
  return { why: `no ${LIBRARY_NAMES.join(' / ')} in it or its lib/, lib64/` };
}

/** The site-packages `tensorflow/` directory of the Python on PATH (or TFDATA_PYTHON), without importing it. */
function pythonTensorFlowDir(attempts: SearchAttempt[]): string | undefined {
  const python = process.env.TFDATA_PYTHON ?? 'python3';
  if (process.env.TFDATA_NO_PYTHON === '1') {
    attempts.push({ source: 'python', place: python, result: 'skipped (TFDATA_NO_PYTHON=1)' });
    return undefined;
  }
  try {
    const out = execFileSync(
      python,
      [
        '-c',
        "import importlib.util as u; s = u.find_spec('tensorflow'); " +
          "print(s.submodule_search_locations[0] if s and s.submodule_search_locations else '')",
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 },
    ).trim();
    if (!out) attempts.push({ source: 'python', place: python, result: 'no tensorflow package installed' });
    return out || undefined;
  } catch (e) {
    attempts.push({ source: 'python', place: python, result: `not runnable (${(e as Error).message.split('\n')[0]})` });
    return undefined;
  }
}

/**
 * The search order: explicit directory (option, then TFDATA_LIBTENSORFLOW, then
 * LIBTENSORFLOW_ROOT), an installed Python TensorFlow, then the cache filled by `fetch`.
 */
export function locateLibrary(
  options: {
    /** As `init({ libraryDir })`. */
    libraryDir?: string;
  } = {},
): {
  /** The library found, if any. */
  found?: LibraryLocation;
  /** Every place looked at without success. */
  attempts: SearchAttempt[];
} {
  const attempts: SearchAttempt[] = [];
  const explicit: [LibraryLocation['source'], string | undefined][] = [
    ['option', options.libraryDir],
    ['env:TFDATA_LIBTENSORFLOW', process.env.TFDATA_LIBTENSORFLOW],
    ['env:LIBTENSORFLOW_ROOT', process.env.LIBTENSORFLOW_ROOT],
  ];
  for (const [source, dir] of explicit) {
    if (!dir) continue;
    // A file path is accepted as well as a directory.
    if (fs.existsSync(dir) && fs.statSync(dir).isFile())
      return { found: { path: path.resolve(dir), source }, attempts };
    const hit = libraryIn(dir);
    if (hit.path) return { found: { path: hit.path, source }, attempts };
    attempts.push({ source, place: dir, result: hit.why });
    // An explicit choice that fails is not silently replaced by another library.
    return { attempts };
  }
  const pyDir = pythonTensorFlowDir(attempts);
  if (pyDir) {
    const hit = libraryIn(pyDir);
    if (hit.path) return { found: { path: hit.path, source: 'python' }, attempts };
    attempts.push({ source: 'python', place: pyDir, result: hit.why });
  }
  const cached = cacheDir(PINNED_TF_VERSION);
  const hit = libraryIn(cached);
  if (hit.path) return { found: { path: hit.path, source: 'cache' }, attempts };
  attempts.push({ source: 'cache', place: cached, result: hit.why });
  return { attempts };
}

/** The one error that lists every place tried and what to do. */
export function notFoundMessage(attempts: SearchAttempt[]): string {
  const lines = attempts.map((a) => `  - ${a.source}: ${a.place} — ${a.result}`);
  return [
    'tfdata-node could not find libtensorflow. Places tried, in order:',
    ...lines,
    'To fix, do one of:',
    '  - run `npx tfdata-node fetch` (downloads TensorFlow ' + PINNED_TF_VERSION + ' into the cache)',
    '  - set TFDATA_LIBTENSORFLOW=/dir/with/lib (a C tarball or a tensorflow wheel directory)',
    '  - pip install tensorflow-cpu==' + PINNED_TF_VERSION,
    'Run `npx tfdata-node doctor` for details.',
  ].join('\n');
}
