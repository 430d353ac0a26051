// `npx tfdata-node fetch | doctor | version | service`
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { FETCH_SOURCES, FetchSource, fetchLibrary } from './install/fetch';
import { chooseIndex } from './install/package-index';
import { locateLibrary, notFoundMessage } from './install/locate';
import { PINNED_TF_VERSION, cacheDir, cacheRoot } from './install/paths';
import { runServer, servicePython } from './install/service';
import { addonCandidates, addonModule, init, loadedAddonFile } from './native';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const USAGE = `usage: tfdata-node <command>
  fetch [--version V] [--from wheel|pip|tarball|file] [--file PATH] [--sha256 HEX] [--arch x64|arm64]
        [--force] [--if-missing]
        fill the libtensorflow cache (${cacheRoot()}). wheel (default): Node downloads the
        TensorFlow wheel from the package index (TFDATA_INDEX_URL, PIP_INDEX_URL or pip.conf;
        HTTPS_PROXY honoured); pip: pip downloads it; file: a .whl/.tar.gz you have
  doctor   show the addon, the libtensorflow found, the cache and what to fix
  version  print the TensorFlow version that loads
  service dispatcher [--port P] [--work-dir D] [--worker-addresses H:P,...] [--python PY]
  service worker --dispatcher HOST:PORT [--port P] [--worker-address H:P] [--python PY]
           run a tf.data service server (TensorFlow's own, from the test venv or --python) in the
           foreground: one JSON line once it listens; SIGTERM or Ctrl-C stops it. It listens on
           all interfaces without authentication: keep it behind a firewall (README "Scaling out")`;

async function fetchCommand(args: string[]): Promise<number> {
  const arch = flag(args, '--arch');
  if (arch !== undefined && arch !== 'x64' && arch !== 'arm64')
    throw new TypeError(`--arch must be x64 or arm64, not ${arch}`);
  // Another CPU's library is looked for in its cache folder only (fetchLibrary reuses it).
  if (args.includes('--if-missing') && (arch === undefined || arch === process.arch)) {
    const { found } = locateLibrary();
    if (found) {
      console.error(`tfdata-node: libtensorflow already available (${found.source}: ${found.path})`);
      return 0;
    }
  }
  const from = flag(args, '--from') as FetchSource | undefined;
  if (from !== undefined && !FETCH_SOURCES.includes(from))
    throw new TypeError(`--from must be one of ${FETCH_SOURCES.join(', ')}, not ${from}`);
  const result = await fetchLibrary({
    version: flag(args, '--version'),
    from,
    file: flag(args, '--file'),
    sha256: flag(args, '--sha256'),
    arch,
    force: args.includes('--force'),
  });
  console.log(result.library);
  return 0;
}

function doctor(): number {
  const problems: string[] = [];
  const line = (k: string, v: string) => console.log(`${k.padEnd(16)} ${v}`);
  line('node', `${process.version} (Node-API ${process.versions.napi}) ${process.platform}-${process.arch}`);
  const cpu = os.cpus()[0];
  let flags: string;
  try {
    // AVX is an x86-64 matter: the aarch64 wheel has no such need (and its cpuinfo lists `Features`).
    if (process.arch !== 'x64') throw new Error('not x86-64');
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const f = /^flags\s*:\s*(.*)$/m.exec(info)?.[1].split(' ') ?? [];
    flags = ['avx', 'avx2', 'fma', 'avx512f'].filter((x) => f.includes(x)).join(' ');
    if (!f.includes('avx'))
      problems.push(
        'CPU lacks AVX: the TensorFlow wheels need it. Use a CPU with AVX or a TensorFlow built without it.',
      );
  } catch {
    flags = process.arch === 'x64' ? 'unknown' : process.arch;
  }
  line('cpu', `${cpu?.model ?? 'unknown'} ×${os.cpus().length} [${flags}]`);
  try {
    addonModule();
    line('addon', `${loadedAddonFile()}`);
  } catch {
    line('addon', 'NOT FOUND');
    line('  tried', addonCandidates().filter(Boolean).join(', '));
    problems.push('The native addon is missing: reinstall the package, or build it with `npm run build:native`.');
  }
  const { found, attempts } = locateLibrary();
  for (const a of attempts) line('  searched', `${a.source}: ${a.place} — ${a.result}`);
  if (found) {
    line('libtensorflow', `${found.path} (${found.source})`);
    try {
      const info = init();
      line('tf version', info.version);
      if (info.version !== PINNED_TF_VERSION)
        problems.push(`Loaded TensorFlow ${info.version}; this release is tested with ${PINNED_TF_VERSION}.`);
    } catch (e) {
      line('tf version', `FAILED: ${(e as Error).message}`);
      problems.push(`libtensorflow at ${found.path} does not load: remove it or point TFDATA_LIBTENSORFLOW elsewhere.`);
    }
  } else {
    line('libtensorflow', 'NOT FOUND');
    problems.push(notFoundMessage(attempts));
  }
  const index = chooseIndex();
  line('package index', `${index.url} (${index.from}; used by \`fetch\`)`);
  const cached = cacheDir();
  const source = path.join(cached, 'source.json');
  line(
    'cache',
    fs.existsSync(source) ? `${cached} ${fs.readFileSync(source, 'utf8').replace(/\s+/g, ' ')}` : `${cached} (empty)`,
  );
  if (problems.length === 0) {
    console.log('\nall good');
    return 0;
  }
  console.log('\nproblems and fixes:');
  for (const p of problems) console.log(`  * ${p}`);
  return 1;
}

async function serviceCommand(args: string[]): Promise<number> {
  const [role, ...rest] = args;
  if (role !== 'dispatcher' && role !== 'worker') {
    console.error('tfdata-node service: say `dispatcher` or `worker` (see `tfdata-node help`)');
    return 2;
  }
  const python = servicePython(flag(rest, '--python'));
  const i = rest.findIndex((a) => a === '--python' || a.startsWith('--python='));
  if (i >= 0) rest.splice(i, rest[i] === '--python' ? 2 : 1);
  return runServer(python, [role, ...rest]);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'fetch':
        return await fetchCommand(args);
      case 'doctor':
        return doctor();
      case 'version':
        console.log(init().version);
        return 0;
      case 'service':
        return await serviceCommand(args);
      default:
        console.log(USAGE);
        return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
    }
  } catch (e) {
    console.error(`tfdata-node ${command}: ${(e as Error).message}`);
    return 1;
  }
}
