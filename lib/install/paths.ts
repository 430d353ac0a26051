import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

/** The TensorFlow release this package is built and tested against. */
export const PINNED_TF_VERSION = '2.21.0';

/** Oldest and newest TF_Version() accepted at load (the C API we call is stable across 2.x). */
export const SUPPORTED_TF_RANGE = { min: '2.13.0', maxMajor: 2 } as const;

/** A TensorFlow wheel on PyPI whose libraries the fetcher unpacks. */
export interface PinnedWheel {
  /** The PyPI project (`tensorflow-cpu`, or `tensorflow` where no -cpu wheel exists). */
  project: string;
  /** The TensorFlow version. */
  version: string;
  /** The wheel's file name (its tags say Python and platform). */
  file: string;
  /** pip's `--python-version` for this wheel. */
  pythonVersion: string;
  /** pip's `--platform` for this wheel. */
  platform: string;
  /** The wheel's SHA-256 (checked after download, whatever the index says). */
  sha256: string;
}

/**
 * The wheels `fetch` takes, per Node `process.arch`. The C libraries inside are the same for every
 * Python tag, so one (cp311) is pinned. tensorflow-cpu 2.21.0 has no aarch64 wheel on PyPI;
 * `tensorflow`'s manylinux aarch64 wheel is CPU-only anyway (no CUDA builds for aarch64).
 */
export const PINNED_WHEELS: Readonly<Record<string, PinnedWheel>> = {
  x64: {
    project: 'tensorflow-cpu',
    version: PINNED_TF_VERSION,
    file: 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl',
    pythonVersion: '3.11',
    platform: 'manylinux_2_27_x86_64',
    sha256: '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
  },
  arm64: {
    project: 'tensorflow',
    version: PINNED_TF_VERSION,
    file: 'tensorflow-2.21.0-cp311-cp311-manylinux_2_27_aarch64.whl',
    pythonVersion: '3.11',
    platform: 'manylinux_2_27_aarch64',
    sha256: '4b24aca16d527a3cf1c37f720c04c484c3d20f4d0fdfa98632ac8b9f3be6eb5c',
  },
};

/** The pinned wheel for `arch` (default: this process's), or an Error naming the supported ones. */
export function pinnedWheel(arch: string = process.arch): PinnedWheel {
  const wheel = PINNED_WHEELS[arch];
  if (!wheel)
    throw new Error(
      `no TensorFlow wheel is pinned for linux-${arch} (supported: ${Object.keys(PINNED_WHEELS).join(', ')})`,
    );
  return wheel;
}

/** Google's C library tarballs (published up to 2.15); TFDATA_MIRROR replaces the host part. */
export function tarballUrl(version: string): string {
  const base = process.env.TFDATA_MIRROR ?? 'https://storage.googleapis.com/tensorflow/versions';
  return `${base.replace(/\/$/, '')}/${version}/libtensorflow-cpu-linux-x86_64.tar.gz`;
}

/** `~/.cache/tfdata-node` (or TFDATA_CACHE_DIR, or $XDG_CACHE_HOME/tfdata-node). */
export function cacheRoot(): string {
  if (process.env.TFDATA_CACHE_DIR) return path.resolve(process.env.TFDATA_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && xdg.length > 0 ? xdg : path.join(os.homedir(), '.cache'), 'tfdata-node');
}

/**
 * Where one TF version lives once fetched: `<cache>/<version>/{lib,include}` for x64 (the first
 * platform, whose caches already exist), `<cache>/<version>-<arch>/` for another CPU.
 */
export function cacheDir(version: string = PINNED_TF_VERSION, arch: string = process.arch): string {
  return path.join(cacheRoot(), arch === 'x64' ? version : `${version}-${arch}`);
}

/** The package root (holds package.json), from either lib/ or dist/cjs/. */
export function packageRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'tfdata-node') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..');
}

/**
 * The Python venv with the pinned tensorflow-cpu that tests, benchmarks and `gen:ops` use
 * (TFDATA_TEST_VENV overrides).
 */
export function venvDir(): string {
  return process.env.TFDATA_TEST_VENV || path.join(cacheRoot(), `py-${PINNED_TF_VERSION}`);
}

/** The venv's python, or undefined when the venv is not set up (`node scripts/setup-python.js`). */
export function venvPython(): string | undefined {
  const python = path.join(venvDir(), 'bin', 'python');
  return fs.existsSync(python) ? python : undefined;
}
