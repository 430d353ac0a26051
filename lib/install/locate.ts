import * as fs from 'node:fs';
import * as os from 'node:os';
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

/** Every `<prefix>/lib/python3.N/site-packages/tensorflow` (and dist-packages, Debian's name) under the prefixes. */
function tensorflowUnder(prefixes: string[]): string[] {
  const found: string[] = [];
  for (const prefix of prefixes) {
    for (const lib of ['lib', 'lib64']) {
      let versions: string[];
      try {
        versions = fs.readdirSync(path.join(prefix, lib)).filter((d) => /^python3(\.\d+)?$/.test(d));
      } catch {
        continue;
      }
      // Newest Python first (python3.12 before python3.9).
      versions.sort((a, b) => Number(b.split('.')[1] ?? 0) - Number(a.split('.')[1] ?? 0));
      for (const v of versions)
        for (const site of ['site-packages', 'dist-packages'])
          found.push(path.join(prefix, lib, v, site, 'tensorflow'));
    }
  }
  return found;
}

/**
 * The Python environments to look in, from the file system alone (no Python is run, so loading
 * costs no process start): TFDATA_PYTHON's, else the active virtualenv or conda environment, each
 * `python3` on PATH (a venv's own prefix and the interpreter's real one), and the user site.
 */
function pythonPrefixes(): { prefixes: string[]; place: string } {
  const prefixes: string[] = [];
  const add = (p: string | undefined) => {
    if (p && !prefixes.includes(p)) prefixes.push(p);
  };
  const fromInterpreter = (exe: string) => {
    // bin/python3 → its prefix; a venv's python3 is a link whose own folder is the venv's bin/.
    add(path.dirname(path.dirname(path.resolve(exe))));
    try {
      add(path.dirname(path.dirname(fs.realpathSync(exe))));
    } catch {
      /* a dangling link: nothing to add */
    }
  };
  const explicit = process.env.TFDATA_PYTHON;
  if (explicit) {
    fromInterpreter(explicit);
    return { prefixes, place: explicit };
  }
  add(process.env.VIRTUAL_ENV);
  add(process.env.CONDA_PREFIX);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const exe = path.join(dir, 'python3');
    if (fs.existsSync(exe)) fromInterpreter(exe);
  }
  add(path.join(os.homedir(), '.local'));
  return { prefixes, place: 'python3 on PATH, VIRTUAL_ENV, CONDA_PREFIX, ~/.local' };
}

/** A Python TensorFlow's `tensorflow/` directory holding the library, found without running Python. */
function pythonTensorFlow(attempts: SearchAttempt[]): string | undefined {
  if (process.env.TFDATA_NO_PYTHON === '1') {
    attempts.push({ source: 'python', place: 'site-packages', result: 'skipped (TFDATA_NO_PYTHON=1)' });
    return undefined;
  }
  const { prefixes, place } = pythonPrefixes();
  for (const dir of tensorflowUnder(prefixes)) {
    const hit = libraryIn(dir);
    if (hit.path) return hit.path;
  }
  attempts.push({ source: 'python', place, result: 'no site-packages/tensorflow with libtensorflow_cc.so.2' });
  return undefined;
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
  const pyLibrary = pythonTensorFlow(attempts);
  if (pyLibrary) return { found: { path: pyLibrary, source: 'python' }, attempts };
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
    '  - pip install tensorflow-cpu==' + PINNED_TF_VERSION + ' (found in site-packages without running Python)',
    'Run `npx tfdata-node doctor` for details.',
  ].join('\n');
}
