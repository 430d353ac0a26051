// Starting a tf.data service server (`npx tfdata-node service dispatcher|worker`): TensorFlow's
// own Python servers, run by scripts/service.py in a Python that has TensorFlow (the test venv, or
// one named with --python). The Python process is the server; this one forwards SIGTERM/SIGINT to
// it and exits with it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

import { PINNED_TF_VERSION, packageRoot, venvPython } from './paths';

/** The server script, shipped with the package. */
export function serviceScript(): string {
  return path.join(packageRoot(), 'scripts', 'service.py');
}

/** The Python to run servers with: `explicit`, else the test venv's; an Error says how to get one. */
export function servicePython(explicit: string | undefined): string {
  if (explicit !== undefined) {
    if (!fs.existsSync(explicit)) throw new Error(`--python ${explicit}: no such file`);
    return explicit;
  }
  const venv = venvPython();
  if (venv) return venv;
  const pin = PINNED_TF_VERSION;
  throw new Error(
    `no Python with TensorFlow to run the server: pass --python /path/to/python (with tensorflow ${pin}, e.g. ` +
      `\`python3 -m venv v && v/bin/pip install tensorflow-cpu==${pin}\`), or create the test venv with ` +
      '`node scripts/setup-python.js` in a checkout',
  );
}

/**
 * Runs the server in the foreground until it exits; resolves to the exit code. Its stdout (the
 * JSON `ready` and `stopped` lines) is passed through; a TensorFlow other than the pinned one is
 * reported on stderr.
 */
export function runServer(python: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [serviceScript(), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      console.log(line);
      const ready = line.startsWith('{"ready"') ? (JSON.parse(line) as { tensorflow?: string }) : undefined;
      if (ready?.tensorflow && ready.tensorflow !== PINNED_TF_VERSION)
        console.error(
          `tfdata-node service: the server runs TensorFlow ${ready.tensorflow}, tested with ${PINNED_TF_VERSION}`,
        );
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0));
    });
  });
}
