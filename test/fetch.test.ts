// Fetching libtensorflow with Node alone, against local servers: a PEP 503 (HTML) and a PEP 691
// (JSON) mirror, a SHA-256 mismatch, a download cut off and resumed with a Range request, and an
// HTTPS mirror reached through a CONNECT proxy. The wheel here is a small one of a made-up version
// built by the test; test:pack fetches the real pinned wheel from a local mirror.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

import { fetchLibrary } from '../lib/install/fetch';
import { proxyFor } from '../lib/install/http';
import { locateLibrary } from '../lib/install/locate';
import { chooseIndex, indexUrlInPipConf, parseProjectPage } from '../lib/install/package-index';
import { extractEntry, listZip } from '../lib/install/zip';
import { rejectionOf } from './helpers';

const VERSION = '9.9.9';
const WHEEL = `tensorflow_cpu-${VERSION}-cp311-cp311-manylinux_2_27_x86_64.whl`;

/** A zip archive of the given files (deflated, or stored when `stored`), as a wheel is. */
function makeZip(files: Record<string, Buffer | string>, stored = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const body = stored ? data : zlib.deflateRawSync(data);
    const crc = zlib.crc32(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, body);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// A wheel with the two libraries, a C header and files fetch must leave out; big enough (2 MB of
// incompressible bytes) that a cut-off download really is partial.
const LIBRARY_BYTES = Buffer.from(Array.from({ length: 1 << 21 }, (_, i) => (i * 2654435761) >>> 24));
const wheel = makeZip({
  'tensorflow/libtensorflow_cc.so.2': LIBRARY_BYTES,
  'tensorflow/libtensorflow_framework.so.2': 'framework',
  'tensorflow/include/tensorflow/c/c_api.h': '/* c api */',
  'tensorflow/python/not_wanted.py': 'x = 1',
  'tensorflow_cpu-9.9.9.dist-info/METADATA': 'Name: tensorflow-cpu',
});
const wheelSha = createHash('sha256').update(wheel).digest('hex');

let work: string;
const saved = { ...process.env };
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-fetch-'));
  process.env.TFDATA_CACHE_DIR = path.join(work, 'cache');
  for (const v of [
    'TFDATA_INDEX_URL',
    'PIP_INDEX_URL',
    'PIP_CONFIG_FILE',
    'HTTPS_PROXY',
    'https_proxy',
    'HTTP_PROXY',
    'http_proxy',
    'NO_PROXY',
    'no_proxy',
  ])
    delete process.env[v];
  // pip.conf files of this machine must not choose the index for these tests.
  process.env.XDG_CONFIG_DIRS = path.join(work, 'none');
  process.env.XDG_CONFIG_HOME = path.join(work, 'none');
});
afterEach(() => {
  process.env = { ...saved };
  fs.rmSync(work, { recursive: true, force: true });
});

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: (http.Server | net.Server)[] = [];
afterAll(() => servers.forEach((s) => s.close()));

function listen(server: http.Server | net.Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

/** A simple-index mirror serving `file` as the wheel; the page lists `sha`. */
function mirror(options: { sha?: string; file?: Buffer; json?: boolean; onWheel?: Handler } = {}): Handler {
  const file = options.file ?? wheel;
  const sha = options.sha ?? wheelSha;
  return (req, res) => {
    if (req.url === '/simple/tensorflow-cpu/') {
      if (options.json && String(req.headers.accept).includes('application/vnd.pypi.simple.v1+json')) {
        res.setHeader('content-type', 'application/vnd.pypi.simple.v1+json');
        res.end(
          JSON.stringify({
            meta: { 'api-version': '1.0' },
            name: 'tensorflow-cpu',
            files: [
              { filename: 'tensorflow_cpu-1.0-py3-none-any.whl', url: '/files/other.whl', hashes: {} },
              { filename: WHEEL, url: `/files/${WHEEL}`, hashes: { sha256: sha }, size: file.length },
            ],
          }),
        );
      } else {
        res.setHeader('content-type', 'text/html');
        res.end(
          `<!DOCTYPE html><html><body><a href="../../files/${WHEEL}#sha256=${sha}">${WHEEL}</a><br/>` +
            '<a href="../../files/tensorflow_cpu-9.9.9-cp311-cp311-win_amd64.whl">windows</a></body></html>',
        );
      }
      return;
    }
    if (req.url === `/files/${WHEEL}`) {
      if (options.onWheel) return options.onWheel(req, res);
      res.setHeader('content-length', file.length);
      res.end(file);
      return;
    }
    res.statusCode = 404;
    res.end();
  };
}

async function serve(handler: Handler): Promise<string> {
  const port = await listen(http.createServer(handler));
  return `http://127.0.0.1:${port}/simple/`;
}

const quiet = () => {};

test('the zip reader lists a wheel and extracts stored and deflated entries, checking CRC-32', async () => {
  for (const stored of [false, true]) {
    const file = path.join(work, `a${stored}.zip`);
    fs.writeFileSync(file, makeZip({ 'a/b.txt': 'hello', 'big.bin': LIBRARY_BYTES, empty: '' }, stored));
    const entries = listZip(file);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['a/b.txt', 5],
      ['big.bin', LIBRARY_BYTES.length],
      ['empty', 0],
    ]);
    for (const e of entries) await extractEntry(file, e, path.join(work, 'out', e.name));
    expect(fs.readFileSync(path.join(work, 'out', 'a/b.txt'), 'utf8')).toBe('hello');
    expect(fs.readFileSync(path.join(work, 'out', 'big.bin')).equals(LIBRARY_BYTES)).toBe(true);
  }
  // One flipped byte in a stored entry: the CRC-32 catches it.
  const bad = makeZip({ 'x.txt': 'hello' }, true);
  bad[30 + 'x.txt'.length] ^= 1;
  const file = path.join(work, 'bad.zip');
  fs.writeFileSync(file, bad);
  const e = await rejectionOf(extractEntry(file, listZip(file)[0], path.join(work, 'x.txt')));
  expect(e.message).toMatch(/CRC-32 mismatch/);
  fs.writeFileSync(file, 'not a zip at all');
  expect(() => listZip(file)).toThrow(/is not a zip archive/);
});

test('the index: TFDATA_INDEX_URL, else PIP_INDEX_URL, else pip.conf index-url, else PyPI', () => {
  expect(chooseIndex()).toEqual({ url: 'https://pypi.org/simple/', from: 'default' });
  const conf = path.join(work, 'pip.conf');
  fs.writeFileSync(conf, '[global]\nindex-url = https://mirror.example/simple\n[install]\nindex-url=https://no/\n');
  process.env.PIP_CONFIG_FILE = conf;
  expect(chooseIndex()).toEqual({ url: 'https://mirror.example/simple/', from: conf });
  process.env.PIP_INDEX_URL = 'https://pip-env.example/simple/';
  expect(chooseIndex().from).toBe('PIP_INDEX_URL');
  process.env.TFDATA_INDEX_URL = 'https://ours.example/pypi/simple';
  expect(chooseIndex()).toEqual({ url: 'https://ours.example/pypi/simple/', from: 'TFDATA_INDEX_URL' });
  expect(indexUrlInPipConf('[global]\nindex_url: https://a/\n[download]\nindex-url = https://b/\n')).toBe('https://b/');
  // PEP 503 links: relative hrefs, the hash fragment, HTML entities.
  const files = parseProjectPage(
    '<a href="../x/p-1.whl#sha256=' + 'AB'.repeat(32) + "\">p-1.whl</a><a href='/y/q.whl?a=1&amp;b=2'>q</a>",
    'text/html',
    'https://m.example/simple/p/',
  );
  expect(files).toEqual([
    { filename: 'p-1.whl', url: 'https://m.example/simple/x/p-1.whl', sha256: 'ab'.repeat(32) },
    { filename: 'q.whl', url: 'https://m.example/y/q.whl?a=1&b=2', sha256: undefined },
  ]);
});

test.each([
  ['PEP 503 HTML', false],
  ['PEP 691 JSON', true],
])('fetch from a %s mirror unpacks only the libraries and the C headers', async (_, json) => {
  process.env.TFDATA_INDEX_URL = await serve(mirror({ json }));
  const r = await fetchLibrary({ version: VERSION, arch: 'x64', log: quiet });
  expect(r.reused).toBe(false);
  const dir = path.join(work, 'cache', VERSION);
  expect(r.library).toBe(path.join(dir, 'lib', 'libtensorflow_cc.so.2'));
  const all = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => path.relative(dir, f))
    .sort();
  expect(all).toEqual([
    'include/tensorflow/c/c_api.h',
    'lib/libtensorflow_cc.so.2',
    'lib/libtensorflow_framework.so.2',
    'source.json',
  ]);
  expect(fs.readFileSync(r.library).equals(LIBRARY_BYTES)).toBe(true);
  expect(JSON.parse(fs.readFileSync(path.join(dir, 'source.json'), 'utf8'))).toMatchObject({
    version: VERSION,
    from: 'wheel',
    sha256: wheelSha,
  });
  // A second fetch reuses the cache.
  expect((await fetchLibrary({ version: VERSION, arch: 'x64', log: quiet })).reused).toBe(true);
});

test('a wheel whose bytes do not match the SHA-256 is refused and deleted', async () => {
  const tampered = Buffer.from(wheel);
  tampered[100] ^= 0xff;
  process.env.TFDATA_INDEX_URL = await serve(mirror({ file: tampered }));
  const e = await rejectionOf(fetchLibrary({ version: VERSION, arch: 'x64', log: quiet }));
  expect(e.message).toMatch(
    new RegExp(`checksum mismatch for ${WHEEL}: expected SHA-256 ${wheelSha}, got [0-9a-f]{64}`),
  );
  expect(fs.existsSync(path.join(work, 'cache', 'downloads', WHEEL))).toBe(false);
  expect(fs.existsSync(path.join(work, 'cache', VERSION))).toBe(false);
  // --sha256 that the index contradicts: refused before downloading.
  process.env.TFDATA_INDEX_URL = await serve(mirror());
  const e2 = await rejectionOf(fetchLibrary({ version: VERSION, arch: 'x64', sha256: '0'.repeat(64), log: quiet }));
  expect(e2.message).toMatch(/lists tensorflow_cpu-9.9.9.* with SHA-256 [0-9a-f]{64}, expected 0{64}/);
  await expect(fetchLibrary({ version: VERSION, sha256: 'xyz', log: quiet })).rejects.toThrow(
    /options.sha256 must be 64 hex digits/,
  );
});

test('a download cut off mid-way is resumed with a Range request', async () => {
  const seen: (string | undefined)[] = [];
  const half = Math.floor(wheel.length / 2);
  process.env.TFDATA_INDEX_URL = await serve(
    mirror({
      onWheel: (req, res) => {
        seen.push(req.headers.range);
        if (seen.length === 1) {
          // Announce the whole file, send half, then drop the connection.
          res.writeHead(200, { 'content-length': wheel.length });
          res.write(wheel.subarray(0, half), () => setTimeout(() => res.socket?.destroy(), 50));
          return;
        }
        const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
        res.writeHead(206, {
          'content-length': wheel.length - start,
          'content-range': `bytes ${start}-${wheel.length - 1}/${wheel.length}`,
        });
        res.end(wheel.subarray(start));
      },
    }),
  );
  const lines: string[] = [];
  const r = await fetchLibrary({ version: VERSION, arch: 'x64', log: (s) => lines.push(s) });
  expect(fs.readFileSync(r.library).equals(LIBRARY_BYTES)).toBe(true);
  expect(seen[0]).toBeUndefined();
  expect(seen.length).toBe(2);
  const resumedFrom = Number(/bytes=(\d+)-/.exec(seen[1] ?? '')?.[1]);
  expect(resumedFrom).toBeGreaterThan(0);
  expect(resumedFrom).toBeLessThanOrEqual(half);
  expect(lines.some((l) => /retrying in/.test(l))).toBe(true);
});

test('a mirror that is down is retried, then reported with the index and the setting that chose it', async () => {
  let hits = 0;
  process.env.TFDATA_INDEX_URL = await serve((_req, res) => {
    hits++;
    res.statusCode = 503;
    res.end();
  });
  const e = await rejectionOf(fetchLibrary({ version: VERSION, arch: 'x64', log: quiet }));
  expect(e.message).toMatch(
    /cannot read http:\/\/127.0.0.1:\d+\/simple\/tensorflow-cpu\/ \(index from TFDATA_INDEX_URL\).*answered 503/,
  );
  expect(hits).toBe(5);
}, 30_000);

test('an HTTPS mirror through HTTPS_PROXY: a CONNECT tunnel, in a process with no python3 on PATH', async () => {
  // A self-signed certificate for 127.0.0.1, trusted by the child through NODE_EXTRA_CA_CERTS.
  const key = path.join(work, 'key.pem');
  const cert = path.join(work, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const httpsServer = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, mirror());
  const mirrorPort = await listen(httpsServer);
  const tunnels: string[] = [];
  const proxy = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(String(req.url));
    const [host, port] = String(req.url).split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxyPort = await listen(proxy);
  // PATH: node only (no python3, no pip).
  const bin = path.join(work, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: bin,
    HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`,
    TFDATA_INDEX_URL: `https://127.0.0.1:${mirrorPort}/simple/`,
    NODE_EXTRA_CA_CERTS: cert,
  };
  const child = spawn(
    process.execPath,
    [path.resolve(__dirname, '..', 'scripts', 'cli.js'), 'fetch', '--version', VERSION, '--arch', 'x64'],
    { env },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(out).toContain(path.join(work, 'cache', VERSION, 'lib', 'libtensorflow_cc.so.2'));
  expect(code).toBe(0);
  // The index page and the wheel, each through a tunnel to the mirror.
  expect(tunnels.length).toBeGreaterThanOrEqual(2);
  expect(new Set(tunnels)).toEqual(new Set([`127.0.0.1:${mirrorPort}`]));
}, 60_000);

test('proxy settings: HTTPS_PROXY for https, HTTP_PROXY for http, NO_PROXY by host suffix and port', () => {
  process.env.HTTPS_PROXY = 'proxy.corp:3128';
  process.env.HTTP_PROXY = 'http://user:p%40ss@plain.corp:8080';
  expect(proxyFor(new URL('https://pypi.org/simple/'))?.href).toBe('http://proxy.corp:3128/');
  const plain = proxyFor(new URL('http://mirror.lan/simple/'));
  expect([plain?.hostname, plain?.username, decodeURIComponent(plain?.password ?? '')]).toEqual([
    'plain.corp',
    'user',
    'p@ss',
  ]);
  process.env.NO_PROXY = 'localhost, .internal.corp,mirror.lan:8443';
  expect(proxyFor(new URL('https://files.internal.corp/x.whl'))).toBeUndefined();
  expect(proxyFor(new URL('https://localhost:9000/'))).toBeUndefined();
  expect(proxyFor(new URL('https://mirror.lan:8443/'))).toBeUndefined();
  expect(proxyFor(new URL('https://mirror.lan/'))?.hostname).toBe('proxy.corp');
  process.env.NO_PROXY = '*';
  expect(proxyFor(new URL('https://pypi.org/'))).toBeUndefined();
});

test('a Python TensorFlow is found from the file system, without running python3', () => {
  const venv = path.join(work, 'venv');
  const site = path.join(venv, 'lib', 'python3.11', 'site-packages', 'tensorflow');
  fs.mkdirSync(site, { recursive: true });
  fs.writeFileSync(path.join(site, 'libtensorflow_cc.so.2'), '');
  fs.mkdirSync(path.join(venv, 'bin'));
  // A python3 that would leave a mark if anything ran it.
  const marker = path.join(work, 'python-ran');
  fs.writeFileSync(path.join(venv, 'bin', 'python3'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
  process.env.PATH = `${path.join(venv, 'bin')}${path.delimiter}${saved.PATH}`;
  delete process.env.VIRTUAL_ENV;
  delete process.env.TFDATA_PYTHON;
  delete process.env.TFDATA_LIBTENSORFLOW;
  delete process.env.LIBTENSORFLOW_ROOT;
  const { found } = locateLibrary();
  expect(found).toEqual({ path: path.join(site, 'libtensorflow_cc.so.2'), source: 'python' });
  expect(fs.existsSync(marker)).toBe(false);
  process.env.TFDATA_NO_PYTHON = '1';
  expect(locateLibrary().found?.source).not.toBe('python');
});
