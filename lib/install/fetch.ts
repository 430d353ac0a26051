// `npx tfdata-node fetch`: fills the cache with libtensorflow. The default source is the pinned
// TensorFlow wheel, downloaded by Node itself from the Python package index (no Python needed);
// pip can do the download instead (`--from pip`), and a local archive or Google's old C tarball
// are accepted too. Whatever the source, the SHA-256 is checked and only the two libraries and
// the C headers are unpacked.
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { downloadFile } from './http';
import { libraryIn } from './locate';
import { IndexFile, chooseIndex, normalizeProject, projectFiles } from './package-index';
import { PINNED_TF_VERSION, PinnedWheel, cacheDir, cacheRoot, pinnedWheel, tarballUrl } from './paths';
import { extractEntry, listZip } from './zip';

/**
 * Where `fetch` takes libtensorflow from: `wheel` (Node downloads the wheel from the package
 * index), `pip` (pip downloads it), `tarball` (Google's C tarball, ≤ 2.15) or `file`.
 */
export type FetchSource = 'wheel' | 'pip' | 'tarball' | 'file';

/** The sources `--from` accepts, in the order the usage lists them. */
export const FETCH_SOURCES: readonly FetchSource[] = ['wheel', 'pip', 'tarball', 'file'];

/** Options of `fetchLibrary` (and `npx tfdata-node fetch`). */
export interface FetchOptions {
  /** TensorFlow version (default: the pinned one). */
  version?: string;
  /** wheel (default; TFDATA_FETCH_FROM changes the default), pip, tarball or file. */
  from?: FetchSource;
  /** The CPU to fetch for (`x64` or `arm64`; default: this process's). */
  arch?: string;
  /** With `from: 'file'`: a local `.whl` or `.tar.gz`. */
  file?: string;
  /** Expected SHA-256 of the download (the pinned wheel's is built in). */
  sha256?: string;
  /** Re-download even when the cache already holds the version. */
  force?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** What `fetchLibrary` left in the cache. */
export interface FetchResult {
  /** The version's cache directory. */
  dir: string;
  /** The library file in it. */
  library: string;
  /** Where it came from. */
  source: FetchSource;
  /** True when the cache already held it. */
  reused: boolean;
}

function sha256Of(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(1 << 22);
  try {
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

function python(): string {
  return process.env.TFDATA_PYTHON ?? 'python3';
}

// The progress bar's width in characters, and how often it may redraw (a redraw per network
// chunk would flood a slow terminal).
const BAR_WIDTH = 30;
const BAR_REDRAW_MS = 200;

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
function progressBar(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => {};
  let lastDraw = 0;
  let finished = false;
  return (done, total) => {
    const now = Date.now();
    const complete = total > 0 && done >= total;
    if (finished || (!complete && now - lastDraw < BAR_REDRAW_MS)) return;
    lastDraw = now;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * BAR_WIDTH);
    const size =
      total > 0 ? `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB` : `${(done / 1e6).toFixed(0)} MB`;
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}% ${size}`,
    );
    if (complete) {
      finished = true;
      process.stderr.write('\n');
    }
  };
}

/** The wheel file for `version` on `arch` among an index's files: the pinned file, else a cp3 manylinux one. */
export function chooseWheel(
  files: IndexFile[],
  wanted: { project: string; version: string; arch: string; file?: string },
): IndexFile | undefined {
  if (wanted.file) return files.find((f) => f.filename === wanted.file);
  const machine = wanted.arch === 'arm64' ? 'aarch64' : 'x86_64';
  // Wheel names use the project name with '-' as '_' (PEP 427), any case.
  const stem = normalizeProject(wanted.project).replace(/-/g, '_');
  const pattern = new RegExp(
    `^${stem}-${wanted.version.replace(/\./g, '\\.')}-(cp3\\d+)-cp3\\d+-manylinux[\\w.]*_${machine}\\.whl$`,
    'i',
  );
  const matching = files.filter((f) => pattern.test(f.filename));
  // The C libraries are the same for every Python tag: prefer the pinned wheels' cp311, else the first.
  return matching.find((f) => f.filename.includes('-cp311-')) ?? matching[0];
}

/** Downloads the wheel with Node from the package index; returns its path and the expected SHA-256. */
async function downloadWheelWithNode(
  wheel: { project: string; version: string; arch: string; pinned?: PinnedWheel },
  dir: string,
  sha256: string | undefined,
  log: (s: string) => void,
): Promise<{ archive: string; expected?: string }> {
  const pinnedFile = wheel.pinned?.file;
  if (pinnedFile) {
    const cached = path.join(dir, pinnedFile);
    if (fs.existsSync(cached) && sha256Of(cached) === wheel.pinned?.sha256) {
      log(`using the cached wheel ${cached}`);
      return { archive: cached, expected: wheel.pinned.sha256 };
    }
  }
  const index = chooseIndex();
  log(
    `looking up ${wheel.project}==${wheel.version} on ${index.url} (${index.from === 'default' ? 'PyPI' : index.from})`,
  );
  const files = await projectFiles(index, wheel.project, log);
  const file = chooseWheel(files, { ...wheel, file: pinnedFile });
  if (!file) {
    throw new Error(
      `${index.url} lists no ${pinnedFile ?? `${wheel.project} ${wheel.version} wheel for linux-${wheel.arch}`}` +
        ` (${files.length} files on the project page)`,
    );
  }
  // A pinned wheel must have the pinned digest whatever the index says; an index that disagrees
  // serves another file under the same name.
  const expected = (sha256 ?? wheel.pinned?.sha256 ?? file.sha256)?.toLowerCase();
  if (expected && file.sha256 && file.sha256 !== expected) {
    throw new Error(
      `checksum mismatch: ${index.url} lists ${file.filename} with SHA-256 ${file.sha256}, expected ${expected}`,
    );
  }
  const dest = path.join(dir, file.filename);
  if (expected && fs.existsSync(dest) && sha256Of(dest) === expected) {
    log(`using the downloaded ${dest}`);
    return { archive: dest, expected };
  }
  const size = file.size !== undefined ? ` (${(file.size / 1e6).toFixed(0)} MB)` : '';
  log(`downloading ${file.filename}${size}`);
  await downloadFile(file.url, dest, { size: file.size, progress: progressBar(file.filename), log });
  return { archive: dest, expected };
}

/** `pip download` of the wheel for the pinned Python/platform tags (`--from pip`). */
function downloadWheelWithPip(wheel: PinnedWheel, dir: string, log: (s: string) => void): string {
  const cached = path.join(dir, wheel.file);
  if (fs.existsSync(cached) && sha256Of(cached) === wheel.sha256) {
    log(`using the cached wheel ${cached}`);
    return cached;
  }
  log(`downloading ${wheel.project}==${wheel.version} with pip (about 280 MB)…`);
  const args = [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--python-version',
    wheel.pythonVersion,
    '--platform',
    wheel.platform,
    '-d',
    dir,
    `${wheel.project}==${wheel.version}`,
  ];
  const r = spawnSync(python(), args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error || r.status !== 0) {
    throw new Error(
      `pip download failed (${r.error?.message ?? `exit ${r.status}`}); ` +
        `is ${python()} with pip installed and the index reachable? ` +
        'Without Python, use the default `--from wheel`.',
    );
  }
  if (!fs.existsSync(cached)) throw new Error(`pip reported success but ${wheel.file} is not in ${dir}`);
  return cached;
}

// What the addon needs from a wheel: the library exporting the C API, the framework library it
// links to (through its $ORIGIN RUNPATH, so the two stay side by side), and the C headers.
const WHEEL_LIBRARIES: Record<string, string> = {
  'tensorflow/libtensorflow_cc.so.2': 'lib/libtensorflow_cc.so.2',
  'tensorflow/libtensorflow_framework.so.2': 'lib/libtensorflow_framework.so.2',
};
const WHEEL_HEADERS = 'tensorflow/include/tensorflow/c/';

/** Pulls the two libraries and the C headers out of a wheel (a zip) into `into`. */
async function extractWheel(wheel: string, into: string): Promise<void> {
  const entries = listZip(wheel);
  const names = new Set(entries.map((e) => e.name));
  const missing = Object.keys(WHEEL_LIBRARIES).filter((n) => !names.has(n));
  if (missing.length) throw new Error(`${path.basename(wheel)} lacks ${missing.join(', ')}`);
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const dest =
      WHEEL_LIBRARIES[entry.name] ??
      (entry.name.startsWith(WHEEL_HEADERS) ? entry.name.slice('tensorflow/'.length) : undefined);
    if (dest === undefined || dest.split('/').includes('..')) continue;
    await extractEntry(wheel, entry, path.join(into, dest));
  }
}

/** The default source: TFDATA_FETCH_FROM (for the install step) or `wheel`. */
function defaultSource(): FetchSource {
  const env = process.env.TFDATA_FETCH_FROM;
  if (!env) return 'wheel';
  if (!(FETCH_SOURCES as readonly string[]).includes(env))
    throw new TypeError(`TFDATA_FETCH_FROM must be one of ${FETCH_SOURCES.join(', ')}, not ${env}`);
  return env as FetchSource;
}

/**
 * Fills the cache `<cache>/<version>/` with libtensorflow: from the TensorFlow wheel (default;
 * downloaded by Node from the package index), pip, Google's C tarball (≤ 2.15; TFDATA_MIRROR
 * overrides the host) or a local file. Checks the SHA-256, then unpacks into a temporary folder
 * renamed into place.
 */
export async function fetchLibrary(options: FetchOptions = {}): Promise<FetchResult> {
  const version = options.version ?? PINNED_TF_VERSION;
  const arch = options.arch ?? process.arch;
  const from: FetchSource = options.from ?? (options.file ? 'file' : defaultSource());
  if (!FETCH_SOURCES.includes(from))
    throw new TypeError(`options.from must be one of ${FETCH_SOURCES.join(', ')}, not ${String(from)}`);
  if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(options.sha256))
    throw new TypeError(`options.sha256 must be 64 hex digits, not ${options.sha256}`);
  const log = options.log ?? ((s: string) => process.stderr.write(`tfdata-node: ${s}\n`));
  const dir = cacheDir(version, arch);
  const existing = libraryIn(dir);
  if (existing.path && !options.force) return { dir, library: existing.path, source: from, reused: true };

  const downloads = path.join(cacheRoot(), 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  // The pinned wheel for this CPU when the version is the pinned one; otherwise found by name.
  const pinned = version === PINNED_TF_VERSION ? pinnedWheel(arch) : undefined;
  let archive: string;
  let expected = options.sha256?.toLowerCase();
  if (from === 'wheel') {
    const project = pinned?.project ?? pinnedWheel(arch).project;
    const got = await downloadWheelWithNode({ project, version, arch, pinned }, downloads, expected, log);
    archive = got.archive;
    expected = got.expected;
  } else if (from === 'pip') {
    if (!pinned) throw new Error(`--from pip fetches the pinned TensorFlow ${PINNED_TF_VERSION} only`);
    archive = downloadWheelWithPip(pinned, downloads, log);
    expected ??= pinned.sha256;
  } else if (from === 'tarball') {
    if (arch !== 'x64') throw new Error("Google's C tarballs are for linux-x64 only");
    archive = path.join(downloads, `libtensorflow-cpu-linux-x86_64-${version}.tar.gz`);
    if (!fs.existsSync(archive) || options.force) {
      await downloadFile(tarballUrl(version), archive, { progress: progressBar(path.basename(archive)), log });
    }
  } else {
    if (!options.file) throw new TypeError('--from file needs --file PATH (a .whl or .tar.gz)');
    archive = path.resolve(options.file);
    if (!fs.existsSync(archive)) throw new Error(`--file ${archive} does not exist`);
    if (path.basename(archive) === pinned?.file) expected ??= pinned.sha256;
  }

  const actual = sha256Of(archive);
  if (expected && actual !== expected) {
    // A download that does not match is useless: remove it so the next fetch starts afresh.
    if (from === 'wheel' || from === 'tarball') fs.rmSync(archive, { force: true });
    throw new Error(
      `checksum mismatch for ${path.basename(archive)}: expected SHA-256 ${expected}, got ${actual}` +
        (from === 'wheel' || from === 'tarball' ? ' (the download was deleted; fetch again)' : ''),
    );
  }
  if (!expected) log(`no pinned checksum for ${path.basename(archive)}; its SHA-256 is ${actual}`);

  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  log(`unpacking ${path.basename(archive)} into ${dir}`);
  try {
    if (archive.endsWith('.whl')) {
      await extractWheel(archive, staging);
    } else {
      execFileSync('tar', ['-xzf', archive, '-C', staging], { stdio: 'inherit' });
    }
    const lib = libraryIn(staging);
    if (!lib.path) throw new Error(`${archive} holds no libtensorflow (${lib.why})`);
    fs.writeFileSync(
      path.join(staging, 'source.json'),
      JSON.stringify({ version, arch, from, archive: path.basename(archive), sha256: actual }, null, 2),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const final = libraryIn(dir).path as string;
  log(`libtensorflow ${version} (linux-${arch}) is ready: ${final}`);
  return { dir, library: final, source: from, reused: false };
}
