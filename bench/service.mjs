// The tf.data service workloads of `npm run bench` (also alone: `node bench/service.mjs [--quick]`).
// A dispatcher and workers on loopback, started the supported way (`tfdata-node service`, with
// the bench venv's TensorFlow); every contender runs in its own process (bench/child.mjs).
//   S1: a latency-bound map (10 ms per element) run here, then on 1 worker, then on 2 ('dynamic');
//   S2: W1's batched pipeline run here vs on 1 worker, 'off' (the service's own overhead) and
//       'dynamic' (which also asks the dispatcher for a split per source element).
// When the servers cannot start (no venv, no TensorFlow in it), the workloads are skipped with
// the reason: they never fail the bench.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cli = path.join(root, 'scripts', 'cli.js');
const child = path.join(here, 'child.mjs');

// S2 is smaller than W1: 'dynamic' costs a dispatcher round trip per row of its source.
export const SERVICE_SIZES = { full: { s1: 1000, s2: 200_000 }, quick: { s1: 300, s2: 50_000 } };

/** Starts `tfdata-node service <args>`; resolves to { cli, pid (the Python server's), port }. */
function startServer(python, args, servers) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [cli, 'service', ...args, '--python', python], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    });
    const server = { cli: proc, pid: undefined, port: undefined };
    servers.push(server);
    let stderr = '';
    proc.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => reject(new Error(`service ${args[0]} did not start in 60 s: ${stderr}`)), 60_000);
    proc.once('exit', (code) => reject(new Error(`service ${args[0]} exited (${code}): ${stderr}`)));
    readline.createInterface({ input: proc.stdout }).on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      Object.assign(server, JSON.parse(line));
      resolve(server);
    });
  });
}

/** SIGTERM to each CLI (it stops its server); SIGKILL for any Python server still there after 10 s. */
async function stopServers(servers) {
  const gone = (s) =>
    s.cli.exitCode !== null || s.cli.signalCode !== null
      ? Promise.resolve()
      : new Promise((r) => s.cli.once('exit', r));
  const workersFirst = [...servers].sort((a, b) => (a.role === 'dispatcher') - (b.role === 'dispatcher'));
  for (const s of workersFirst) {
    s.cli.kill('SIGTERM');
    await Promise.race([gone(s), new Promise((r) => setTimeout(r, 10_000))]);
    for (const pid of [s.pid, s.cli.pid]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/**
 * Runs the service workloads. `runJson(cmd, args)` runs one contender process and parses its
 * JSON line. Resolves to { results, agreement, ratios, lines } or { skipped } with the reason.
 */
export async function runServiceWorkloads({ scale, runJson, python }) {
  const sizes = SERVICE_SIZES[scale];
  if (!python || !existsSync(python)) return { skipped: `no venv python at ${python}` };
  const servers = [];
  const stopOnSignal = () => stopServers(servers).then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    const dispatcher = await startServer(python, ['dispatcher', '--port', '0'], servers);
    const address = `localhost:${dispatcher.port}`;
    const worker = (port = '0') => startServer(python, ['worker', '--dispatcher', address, '--port', port], servers);
    await worker();
    const results = { s1: {}, s2: {} };
    const run = (contender, workload, n, mode) => {
      process.stderr.write(`bench: ${workload} ${contender}…\n`);
      const args = ['--expose-gc', child, '--probe', mode ? 'service' : 'tfdata', workload, String(n)];
      const r = runJson(process.execPath, mode ? [...args, address, mode] : args);
      r.rows = n;
      r.rowsPerSecond = n / r.seconds;
      return r;
    };
    results.s2.local = run('local', 's2', sizes.s2);
    results.s2["service 1 worker, 'off'"] = run('service', 's2', sizes.s2, 'off');
    results.s2["service 1 worker, 'dynamic'"] = run('service', 's2', sizes.s2, 'dynamic');
    results.s1.local = run('local', 's1', sizes.s1);
    results.s1['service 1 worker'] = run('service', 's1', sizes.s1, 'dynamic');
    await worker();
    results.s1['service 2 workers'] = run('service', 's1', sizes.s1, 'dynamic');

    // 'dynamic' mode yields elements in no fixed order: compare the sum over all elements.
    const close = (a, b) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
    const agreement = Object.fromEntries(
      Object.entries(results).map(([w, byContender]) => [
        w,
        Object.fromEntries(Object.entries(byContender).map(([c, r]) => [c, close(r.total, byContender.local.total)])),
      ]),
    );
    const rate = (w, c) => results[w][c].rowsPerSecond;
    const ratios = {
      'S1 2 workers vs 1 worker (ideal 2×)': rate('s1', 'service 2 workers') / rate('s1', 'service 1 worker'),
      'S1 1 worker vs local': rate('s1', 'service 1 worker') / rate('s1', 'local'),
      "S2 service 'off' vs local": rate('s2', "service 1 worker, 'off'") / rate('s2', 'local'),
      "S2 service 'dynamic' vs local": rate('s2', "service 1 worker, 'dynamic'") / rate('s2', 'local'),
    };
    const pad = (s, n) => String(s).padEnd(n);
    const lines = [
      'S1 latency-bound map (10 ms/element) on the tf.data service (loopback, dynamic) vs here',
      'S2 W1 batched pipeline (slices → map → batch(1024)) on the tf.data service vs here',
    ].flatMap((label, k) => {
      const w = k === 0 ? 's1' : 's2';
      return [
        label,
        ...Object.entries(results[w]).map(([c, r]) => {
          const rate = Math.round(r.rowsPerSecond);
          return (
            `  ${pad(c, 32)}${pad(r.rows, 10)}${pad(r.seconds.toFixed(3), 10)}${pad(rate, 12)}` +
            `${pad(r.peakRssMB.toFixed(0), 13)}${pad(r.eventLoopP99ms.toFixed(2), 13)}${agreement[w][c] ? 'yes' : 'NO'}`
          );
        }),
      ];
    });
    return { results, agreement, ratios, lines };
  } catch (e) {
    return { skipped: e.message.split('\n')[0] };
  } finally {
    process.off('SIGINT', stopOnSignal);
    await stopServers(servers);
  }
}

// Alone: `node bench/service.mjs [--quick]` prints the S1/S2 table.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const scale = process.argv.includes('--quick') ? 'quick' : 'full';
  const { venvDir } = createRequire(import.meta.url)('../dist/cjs/install/paths.js');
  const runJson = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
    const line = (r.stdout || '').trim().split('\n').pop();
    if (r.status !== 0 || !line?.startsWith('{')) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
    return JSON.parse(line);
  };
  const out = await runServiceWorkloads({ scale, runJson, python: path.join(venvDir(), 'bin', 'python') });
  if (out.skipped) console.log(`service workloads skipped: ${out.skipped}`);
  else {
    console.log(out.lines.join('\n'));
    for (const [k, v] of Object.entries(out.ratios)) console.log(`  ${k.padEnd(48)}${v.toFixed(2)}`);
    console.log(JSON.stringify({ scale, results: out.results, ratios: out.ratios }));
  }
}
