// tf.data service servers for the tests: TensorFlow's own, started from the test venv with
// scripts/service.py on loopback. Every process spawned is remembered from the moment it starts,
// so stopAll() (in afterAll) stops each one by pid even when a start or a test failed.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'service.py');

export interface Server {
  role: 'dispatcher' | 'worker';
  pid: number;
  port: number;
  /** 'localhost:PORT' */
  address: string;
  child: ChildProcess;
}

const spawned = new Set<ChildProcess>();
// Server pids a child reported (the CLI's Python server is a grandchild of this process).
const reported = new Set<number>();

/** A child process that stopAll() will stop. */
export function track(child: ChildProcess): ChildProcess {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  return child;
}

/** A server pid that stopAll() will kill if it is still alive. */
export function trackPid(pid: number): void {
  reported.add(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The JSON line a server prints once it listens (or rejects with its stderr when it exits first). */
export function readyLine(child: ChildProcess, what: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${stderr}`)),
      timeoutMs,
    );
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${stderr}`));
    });
  });
}

/** Starts a server: `args` as scripts/service.py takes them. */
export async function startServer(python: string, args: string[]): Promise<Server> {
  const child = track(
    spawn(python, [SCRIPT, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    }),
  );
  const ready = await readyLine(child, `service.py ${args.join(' ')}`);
  return {
    role: ready.role as Server['role'],
    pid: ready.pid as number,
    port: ready.port as number,
    address: ready.address as string,
    child,
  };
}

/** Stops one process by pid: SIGTERM, then SIGKILL after `graceMs`. Resolves once it is gone. */
export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stops every server this process started (workers first: a worker stops faster with its dispatcher up). */
export async function stopAll(): Promise<void> {
  const all = [...spawned];
  const isDispatcher = (c: ChildProcess) => c.spawnargs.includes('dispatcher');
  await Promise.all(all.filter((c) => !isDispatcher(c)).map((c) => stopProcess(c)));
  await Promise.all(all.filter(isDispatcher).map((c) => stopProcess(c)));
  for (const pid of reported) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}
