import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as path from 'node:path';

import { PINNED_TF_VERSION, PINNED_WHEEL, cacheDir, cacheRoot, tarballUrl } from './paths';
import { libraryIn } from './locate';

/** Where `fetch` takes libtensorflow from. */
export type FetchSource = 'wheel' | 'tarball' | 'file';

/** Options of `fetchLibrary` (and `npx tfdata-node fetch`). */
export interface FetchOptions {
  /** TensorFlow version (default: the pinned one). */
  version?: string;
  /** wheel (default), tarball or file. */
  from?: FetchSource;
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

/** A one-line progress bar on stderr (only on a terminal). */
function progressBar(label: string, total: number): (done: number) => void {
  const tty = process.stderr.isTTY;
  let last = -1;
  return (done) => {
    const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
    if (!tty || pct === last) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${(done / 1e6).toFixed(0)} MB`,
    );
    if (done >= total) process.stderr.write('\n');
  };
}

/** HTTPS download with redirects and a progress bar. */
function download(url: string, dest: string, redirects = 5): Promise<void> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, (res) => {
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
        res.resume();
        download(new URL(res.headers.location, url).toString(), dest, redirects - 1).then(resolve, reject);
        return;
      }
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url} answered ${res.statusCode}`));
        return;
      }
      const total = Number(res.headers['content-length'] ?? 0);
      const bar = progressBar(`downloading ${path.basename(dest)}`, total);
      let done = 0;
      const out = fs.createWriteStream(dest);
      res.on('data', (c: Buffer) => {
        done += c.length;
        bar(done);
      });
      res.pipe(out);
      out.on('finish', () => resolve());
      out.on('error', reject);
      res.on('error', reject);
    });
    req.on('error', (e) =>
      reject(new Error(`cannot download ${url}: ${e.message} (offline? use --from wheel or --from file)`)),
    );
  });
}

/** `pip download` of the tensorflow-cpu wheel for the pinned Python/platform tags. */
function downloadWheel(version: string, dir: string, log: (s: string) => void): string {
  const pinned = version === PINNED_WHEEL.version ? path.join(dir, PINNED_WHEEL.file) : undefined;
  if (pinned && fs.existsSync(pinned) && sha256Of(pinned) === PINNED_WHEEL.sha256) {
    log(`using the cached wheel ${pinned}`);
    return pinned;
  }
  log(`downloading tensorflow-cpu==${version} with pip (about 270 MB)…`);
  const args = [
    '-m',
    'pip',
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--python-version',
    PINNED_WHEEL.pythonVersion,
    '--platform',
    PINNED_WHEEL.platform,
    '-d',
    dir,
    `tensorflow-cpu==${version}`,
  ];
  const r = spawnSync(python(), args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error || r.status !== 0) {
    throw new Error(
      `pip download failed (${r.error?.message ?? `exit ${r.status}`}); ` +
        `is ${python()} with pip installed and PyPI reachable? ` +
        'Set PIP_INDEX_URL for a mirror, or HTTPS_PROXY for a proxy.',
    );
  }
  const wheel = fs.readdirSync(dir).find((f) => f.startsWith(`tensorflow_cpu-${version}-`) && f.endsWith('.whl'));
  if (!wheel) throw new Error(`pip reported success but no tensorflow_cpu-${version} wheel is in ${dir}`);
  return path.join(dir, wheel);
}

/** Pulls the two libraries and the C headers out of a wheel (a zip) with Python's zipfile. */
function extractWheel(wheel: string, into: string): void {
  const script = [
    'import sys, zipfile, os',
    'z = zipfile.ZipFile(sys.argv[1]); out = sys.argv[2]',
    'want = {"tensorflow/libtensorflow_cc.so.2": "lib/libtensorflow_cc.so.2", ' +
      '"tensorflow/libtensorflow_framework.so.2": "lib/libtensorflow_framework.so.2"}',
    'names = z.namelist()',
    'missing = [n for n in want if n not in names]',
    'if missing: sys.exit("wheel lacks " + ", ".join(missing))',
    'for n in names:',
    '    dest = want.get(n) or (n[len("tensorflow/"):] if n.startswith("tensorflow/include/tensorflow/c/") else None)',
    '    if dest is None or n.endswith("/"): continue',
    '    p = os.path.join(out, dest); os.makedirs(os.path.dirname(p), exist_ok=True)',
    '    with z.open(n) as src, open(p, "wb") as dst:',
    '        while True:',
    '            b = src.read(1 << 22)',
    '            if not b: break',
    '            dst.write(b)',
  ].join('\n');
  const r = spawnSync(python(), ['-c', script, wheel, into], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr || '').trim().split('\n').pop();
    throw new Error(`cannot unpack ${path.basename(wheel)} with ${python()}: ${why}`);
  }
}

/**
 * Fills the cache `<cache>/<version>/` with libtensorflow: from the tensorflow-cpu wheel
 * (default; PyPI via pip), Google's C tarball (≤ 2.15; TFDATA_MIRROR overrides the host) or a
 * local file. Checks the SHA-256, then unpacks into a temporary folder renamed into place.
 */
export async function fetchLibrary(options: FetchOptions = {}): Promise<FetchResult> {
  const version = options.version ?? PINNED_TF_VERSION;
  const from: FetchSource = options.from ?? (options.file ? 'file' : 'wheel');
  const log = options.log ?? ((s: string) => process.stderr.write(`tfdata-node: ${s}\n`));
  const dir = cacheDir(version);
  const existing = libraryIn(dir);
  if (existing.path && !options.force) return { dir, library: existing.path, source: from, reused: true };

  const downloads = path.join(cacheRoot(), 'downloads');
  fs.mkdirSync(downloads, { recursive: true });
  let archive: string;
  if (from === 'wheel') {
    archive = downloadWheel(version, downloads, log);
  } else if (from === 'tarball') {
    archive = path.join(downloads, `libtensorflow-cpu-linux-x86_64-${version}.tar.gz`);
    if (!fs.existsSync(archive) || options.force) {
      const partial = `${archive}.partial`;
      await download(tarballUrl(version), partial);
      fs.renameSync(partial, archive);
    }
  } else {
    if (!options.file) throw new TypeError('--from file needs --file PATH (a .whl or .tar.gz)');
    archive = path.resolve(options.file);
    if (!fs.existsSync(archive)) throw new Error(`${archive} does not exist`);
  }

  const expected = options.sha256 ?? (path.basename(archive) === PINNED_WHEEL.file ? PINNED_WHEEL.sha256 : undefined);
  const actual = sha256Of(archive);
  if (expected && actual !== expected.toLowerCase()) {
    throw new Error(
      `checksum mismatch for ${archive}: expected ${expected}, got ${actual}. Delete it and fetch again.`,
    );
  }
  if (!expected) log(`no pinned checksum for ${path.basename(archive)}; its SHA-256 is ${actual}`);

  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  log(`unpacking ${path.basename(archive)} into ${dir}`);
  try {
    if (archive.endsWith('.whl')) {
      extractWheel(archive, staging);
    } else {
      execFileSync('tar', ['-xzf', archive, '-C', staging], { stdio: 'inherit' });
    }
    const lib = libraryIn(staging);
    if (!lib.path) throw new Error(`${archive} holds no libtensorflow (${lib.why})`);
    fs.writeFileSync(
      path.join(staging, 'source.json'),
      JSON.stringify({ version, from, archive: path.basename(archive), sha256: actual }, null, 2),
    );
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const final = libraryIn(dir).path as string;
  log(`libtensorflow ${version} is ready: ${final}`);
  return { dir, library: final, source: from, reused: false };
}
