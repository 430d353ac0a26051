// Work that must finish before a pipeline's TensorFlow session may run: a dataset node may name
// an async step (the tf.data service's reachability check and registration), and the compiled
// pipeline's sessions then wait for it before their first run, feeding what it returns. The
// iterator needs no change: it sees an ordinary session whose first run starts a little later.
import { CompiledPipeline } from '../iterate/iterator';
import type { SharedIteratorOps } from '../iterate/shared-session';
import { GraphContext } from '../graph/context';
import { NativeSession, NativeTensorHandle, OutputRef, RawTensor, RepeatedRun } from '../native';
import { TFError } from '../errors';
import { decodeProto, protoInt } from '../proto';
import { Skeleton } from '../tensor/structure';
import { DatasetInput, DatasetNode } from './definition';

/** A value a session's runs feed. */
export type Feed = [OutputRef, NativeTensorHandle];

/**
 * Runs before a session's first run, in the graph `ctx`; `starting` is true when that run starts
 * an iterator, and `runOptions` are the run's (its timeout applies). Resolves to extra feeds.
 */
export type Preflight = (ctx: GraphContext, starting: boolean, runOptions: Uint8Array | undefined) => Promise<Feed[]>;

const preflights = new WeakMap<DatasetNode, Preflight>();

/** Makes every pipeline that contains `node` run `step` before its sessions' first run. */
export function setPreflight(node: DatasetNode, step: Preflight): void {
  preflights.set(node, step);
}

/** Whether a pipeline over `root` must run a preflight before its sessions' first run. */
export function hasPreflight(root: DatasetInput): boolean {
  return preflightsOf(root).length > 0;
}

function preflightsOf(root: DatasetInput): Preflight[] {
  const found = new Set<Preflight>();
  const seen = new Set<DatasetInput>();
  const walk = (d: DatasetInput) => {
    if (seen.has(d)) return;
    seen.add(d);
    const step = preflights.get(d.node);
    if (step) found.add(step);
    d.node.inputs.forEach(walk);
  };
  walk(root);
  return [...found];
}

const DEADLINE_EXCEEDED = 4;

/** RunOptions.timeout_in_ms (field 2) of a run, if it has one. */
function timeoutOf(runOptions: Uint8Array | undefined): number | undefined {
  const field = runOptions && decodeProto(runOptions).find((e) => e.field === 2);
  return field ? protoInt(field) : undefined;
}

/**
 * `steps` run in order, within the run's timeout: they may wait on TensorFlow kernels that retry
 * without looking at the step's deadline, so the timeout is kept here too.
 */
async function runSteps(
  steps: Preflight[],
  ctx: GraphContext,
  starting: boolean,
  runOptions: Uint8Array | undefined,
): Promise<Feed[]> {
  const all = (async () => {
    const extra: Feed[] = [];
    for (const step of steps) extra.push(...(await step(ctx, starting, runOptions)));
    return extra;
  })();
  const timeoutMs = timeoutOf(runOptions);
  if (timeoutMs === undefined) return all;
  let timer: NodeJS.Timeout | undefined;
  const late = `the work before the first step (reaching the tf.data service) took over ${timeoutMs} ms`;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TFError(late, DEADLINE_EXCEEDED)), timeoutMs);
  });
  try {
    return await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
    all.catch(() => undefined); // settles later, unobserved
  }
}

/** A session whose runs wait for the preflights; closing it stops the wait at once. */
class GatedSession implements NativeSession {
  private ready: Promise<Feed[]> | undefined;
  private stop: (() => void) | undefined;
  private readonly stopped = new Promise<undefined>((resolve) => (this.stop = () => resolve(undefined)));

  constructor(
    private readonly inner: NativeSession,
    private readonly ctx: GraphContext,
    private readonly steps: Preflight[],
  ) {}

  async run(feeds: Feed[], fetches: OutputRef[], targets: number[], runOptions?: Uint8Array): Promise<RawTensor[]> {
    if (!this.ready) {
      this.ready = runSteps(this.steps, this.ctx, targets.length > 0, runOptions);
      this.ready.catch(() => undefined); // a step still running when the session closes
    }
    const extra = await Promise.race([this.ready, this.stopped]);
    if (extra === undefined || this.inner.closed) throw new Error('the session was closed');
    return this.inner.run([...feeds, ...extra], fetches, targets, runOptions);
  }

  runRepeated(fetches: OutputRef[], maxRuns: number, maxMicros: number, runOptions?: Uint8Array): Promise<RepeatedRun> {
    return this.inner.runRepeated(fetches, maxRuns, maxMicros, runOptions);
  }

  close(): void {
    this.inner.close();
    this.stop?.();
  }

  get closed(): boolean {
    return this.inner.closed;
  }
}

class GatedPipeline extends CompiledPipeline {
  constructor(
    ctx: GraphContext,
    makeIterator: number,
    next: OutputRef[],
    skeleton: Skeleton,
    private readonly steps: Preflight[],
  ) {
    super(ctx, makeIterator, next, skeleton);
  }

  override newSession(): NativeSession {
    return new GatedSession(super.newSession(), this.ctx, this.steps);
  }
}

/** The compiled pipeline of `root`: gated when one of its nodes has a preflight. */
export function pipelineOf(
  root: DatasetInput,
  ctx: GraphContext,
  makeIterator: number,
  next: OutputRef[],
  skeleton: Skeleton,
  shared?: SharedIteratorOps,
  batchedRows = false,
): CompiledPipeline {
  const steps = preflightsOf(root);
  if (steps.length === 0) return new CompiledPipeline(ctx, makeIterator, next, skeleton, shared, batchedRows);
  return new GatedPipeline(ctx, makeIterator, next, skeleton, steps);
}
