// Event-loop delay, read from a repeating timer: how late each tick came, beyond the timer's own
// period. Node's monitorEventLoopDelay records the whole interval between two ticks, period
// included (an idle Node 20 here, resolution 1 / 5 / 20 ms: median 1.12 / 4.85 / 20.0 ms), so its
// percentiles are the period plus the delay; every event-loop figure of the bench is the delay.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The period of the timer every probe ticks (libuv's clock has whole milliseconds). */
export const TIMER_MS = 1;

/** A histogram of the intervals between ticks of a `TIMER_MS` timer (enable() to start). */
export const loopHistogram = () => monitorEventLoopDelay({ resolution: TIMER_MS });

/** How late a tick came, in ms, from the interval since the one before it. */
export const delayMs = (intervalMs) => Math.max(0, intervalMs - TIMER_MS);

/** The figures reported for a probed run: delays, and the raw interval p99 beside them. */
export function loopFigures(histogram) {
  const intervalMs = (p) => histogram.percentile(p) / 1e6;
  return {
    eventLoopP50ms: delayMs(intervalMs(50)),
    eventLoopP99ms: delayMs(intervalMs(99)),
    timerIntervalP99ms: intervalMs(99),
  };
}
