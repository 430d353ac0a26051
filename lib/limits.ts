// Bounds on the sizes this library passes to TensorFlow. TensorFlow allocates or schedules what
// it is told up front (a shuffle buffer, a reserved batch, a thread per cycle element) and fails
// with std::bad_alloc or a CHECK that ends the process; we refuse such sizes with a RangeError
// that names the argument instead.
import * as os from 'node:os';

/** Most calls/elements in flight for numParallelCalls and cycleLength (65 536 ran fine in TF 2.21). */
export const MAX_PARALLELISM = 65_536;
/** Most threads of a private pool (4 096 started in 1.3 s on 2 vCPUs; 10^6 exhausts the process). */
export const MAX_PRIVATE_THREADS = 4_096;
/**
 * Bytes TensorFlow reserves per slot of a shuffle buffer or a dropRemainder batch, before any
 * element arrives (a std::vector<Tensor>).
 */
export const SLOT_BYTES = 24;

/** What one up-front allocation may take: half the machine's memory. */
export function allocationLimit(): number {
  return Math.floor(os.totalmem() / 2);
}

/** Throws a RangeError naming `name` when `count` items of `bytesEach` exceed the allocation limit. */
export function checkAllocation(name: string, count: number, bytesEach: number): void {
  const bytes = count * bytesEach;
  const limit = allocationLimit();
  if (bytes > limit) {
    throw new RangeError(
      `${name} = ${count} asks TensorFlow to allocate ${formatBytes(bytes)} up front; ` +
        `this machine allows ${formatBytes(limit)} (half its memory)`,
    );
  }
}

/** Throws a RangeError naming `name` when `value` is above `max`. */
export function checkAtMost(name: string, value: number, max: number, why: string): void {
  if (value > max) throw new RangeError(`${name} must be at most ${max} (${why}), got ${value}`);
}

function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}
