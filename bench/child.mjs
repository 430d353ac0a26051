// One contender × workload in its own process (clean peak RSS): prints one JSON line.
// usage: node bench/child.mjs [--probe] <tfdata|tfdata-novec|plain|tfjs> <workload> <n> [flips file]
//        | graphdef <workload> <n> <out.pb>
//        | service <workload> <n> <dispatcher address> <off|dynamic>
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { init, nativeStats } from 'tfdata-node';
import { checksum } from './data.mjs';
import { TIMER_MS, loopFigures, loopHistogram } from './loop-delay.mjs';
import { plainPrepare, servicePrepare, tfdataDataset, tfdataPrepare, tfjsPrepare, w3Flips } from './contenders.mjs';

// --probe: measure the event loop (a 1 ms timer and its delay, loop-delay.mjs) instead of timing
// the pipeline alone. The probe wakes the event loop ~2000 times a second, which costs the
// pipeline beside it: W4b ran ~14 % slower with it (medians of 5, alternating), a cost the floor
// and Python never pay. So timed runs go without it and the event-loop figures come from
// runs of their own.
const probe = process.argv[2] === '--probe';
const [contender, workload, nText, extra, mode] = process.argv.slice(probe ? 3 : 2);
const n = Number(nText);

if (contender === 'graphdef') {
  // The same graph as the iterator runs, its feeds as raw files listed in <out>.feeds (one line
  // per Placeholder: name, TF dtype number, rank, dims…, data file), and the addon's serialized
  // session ConfigProto in <out>.session-config, its iterators' RunOptions in <out>.run-options.
  const ds = tfdataDataset(workload, n);
  writeFileSync(extra, ds.toGraphDef());
  // TF enum numbers from the shared table (lib/shared/tables.ts), which floor.cc's header is generated from.
  const { DTYPE_TABLE } = createRequire(import.meta.url)('../dist/cjs/shared/tables.js');
  const enums = Object.fromEntries(DTYPE_TABLE.map((d) => [d.name, d.tf]));
  const lines = ds.graphFeeds().map(({ name, tensor }, i) => {
    const file = `${extra}.feed${i}`;
    writeFileSync(file, tensor.data);
    return [name, enums[tensor.dtype], tensor.shape.length, ...tensor.shape, file].join(' ');
  });
  writeFileSync(`${extra}.feeds`, lines.map((l) => `${l}\n`).join(''));
  // The addon's session configuration and its iterators' step options, for the floor's session
  // mode (one source: open-session.ts).
  const { SESSION_CONFIG, IN_CALLER_THREAD } = createRequire(import.meta.url)('../dist/cjs/iterate/open-session.js');
  writeFileSync(`${extra}.session-config`, SESSION_CONFIG);
  writeFileSync(`${extra}.run-options`, IN_CALLER_THREAD);
  console.log(JSON.stringify({ outputs: 1, feeds: lines.length }));
  process.exit(0);
}
if (contender === 'flips') {
  writeFileSync(extra, await w3Flips(n));
  console.log(JSON.stringify({ flips: n }));
  process.exit(0);
}

const flips = extra && contender !== 'service' ? readFileSync(extra) : undefined;
// Loading libtensorflow (~1 s for the 800 MB library) is not part of any contender's timing.
if (contender.startsWith('tfdata') || contender === 'service') init();
const prepare = {
  tfdata: tfdataPrepare,
  // The same pipeline with automatic vectorisation off: what map → batch costs per element.
  'tfdata-novec': (w, count) => tfdataPrepare(w, count, undefined, { vectorize: false }),
  plain: plainPrepare,
  tfjs: tfjsPrepare,
  service: servicePrepare,
}[contender];
const loop = loopHistogram();
let ticks = 0;
const timer = probe ? setInterval(() => ticks++, TIMER_MS) : undefined; // a timer ticking alongside the pipeline
const statsBefore = contender.startsWith('tfdata') ? nativeStats() : undefined;
// Inputs are built (and, for tfdata-node, copied into TensorFlow) before timing, as Python's are.
const run = await prepare(workload, n, contender === 'service' ? extra : flips, mode);
// Every JS contender starts its timed loop from a settled heap (run.mjs passes --expose-gc): the
// first full collection of what loading the library and building the pipeline allocated would
// otherwise land in the loop once, as a 4-12 ms pause (W4b's event-loop p99: 3.1 → 2.2 ms, 6 runs each).
globalThis.gc?.();
if (probe) loop.enable();
const start = process.hrtime.bigint();
let elements = 0;
let first = 0;
let last = 0;
let total = 0; // order-free: the service's 'dynamic' mode yields elements in no fixed order
for await (const data of run()) {
  last = checksum(data);
  total += last;
  if (elements === 0) first = last;
  elements++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
loop.disable();
if (timer) clearInterval(timer);
const result = {
  seconds,
  elements,
  first,
  last,
  total,
  peakRssMB: process.resourceUsage().maxRSS / 1024,
  ...(probe ? { ...loopFigures(loop), timerTicks: ticks } : {}),
};
if (statsBefore) {
  const after = nativeStats();
  result.bytesCopiedIn = after.bytesCopiedIn - statsBefore.bytesCopiedIn;
  result.bytesCopiedOut = after.bytesCopiedOut - statsBefore.bytesCopiedOut;
}
console.log(JSON.stringify(result));
