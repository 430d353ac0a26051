// Pulling elements out of a compiled pipeline: each iterator on a lane of the pipeline's shared
// session (shared-session.ts), or, for pipelines that read from JavaScript or wait on a
// preflight, on a session of its own; elements fetched in growing chunks on that native thread
// (never on the event loop), two chunks always queued so that the lane never waits for JavaScript.
import { splitRows } from './rows';
import { GraphContext } from '../graph/context';
import { IN_CALLER_THREAD, openSession, stepRunOptions } from './open-session';
import { NativeSession, OutputRef, RawTensor, RepeatedRun } from '../native';
import { IteratorLane, PipelineSlot, SharedIteratorOps } from './shared-session';
import { Skeleton, unflatten } from '../tensor/structure';
import { Sym } from '../graph/sym';
import { Tensor } from '../tensor/tensor';

import { TFError } from '../errors';
import { beginIteration, closeIteration, newIterationToken, setIterationTimeout, takeJsError } from './js-host';

const MAX_CHUNK = 256;
const MAX_BATCH_CHUNK = 1;
// Two chunks queued on the lane: while JavaScript receives one, TensorFlow already runs the next.
// With one, the lane sat idle for each crossing: ~0.2 ms per chunk, 8 % of W4b's run.
const CHUNKS_IN_FLIGHT = 2;
const CANCELLED = 1;
/** @internal A chunk returns at most ~2 ms after its first element (bench/run.mjs reads it too). */
export const CHUNK_BUDGET_MICROS = 2000;
// RunOptions.timeout_in_ms is an int64; we take what a JS timer could also express.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const DEADLINE_EXCEEDED = 4;
// The seat's ops and the synchronous pulls (compile.ts), named in errors as their counterparts of
// a fed, timed iterator are.
const RENAMED_OPS = new Map([
  ['next/seat', 'next'],
  ['next/seat/sync', 'next'],
  ['next/sync', 'next'],
  ['seat/start', 'start_iterator'],
]);

function checkTimeout(timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number')
    throw new TypeError(`timeoutMs must be a number of milliseconds, got ${typeof timeoutMs}`);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new RangeError(`timeoutMs must be an integer from 1 to ${MAX_TIMEOUT_MS}, got ${timeoutMs}`);
  }
  return timeoutMs;
}

// One abort listener per signal, holding its iterators only weakly; an iterator leaves the set
// when it closes or is collected. A long-lived, app-wide signal must neither keep dropped
// iterators (and their sessions) alive nor pile up listeners.
type Watchers = Set<WeakRef<{ close(): void }>>;
const watchersOf = new WeakMap<AbortSignal, Watchers>();
const collected = new FinalizationRegistry<{ watchers: Watchers; ref: WeakRef<{ close(): void }> }>(
  ({ watchers, ref }) => watchers.delete(ref),
);

function watch(signal: AbortSignal, iterator: { close(): void }): () => void {
  let watchers = watchersOf.get(signal);
  if (!watchers) {
    const set: Watchers = new Set();
    watchers = set;
    watchersOf.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        for (const ref of [...set]) ref.deref()?.close();
        set.clear();
      },
      { once: true },
    );
  }
  const ref = new WeakRef(iterator);
  const set = watchers;
  set.add(ref);
  collected.register(iterator, { watchers: set, ref }, ref);
  return () => {
    set.delete(ref);
    collected.unregister(ref);
  };
}

// An iterator collected without being closed still ends its generators.
const abandoned = new FinalizationRegistry<bigint>((token) => closeIteration(token));

/** The pipeline graph of one dataset, with its iterator ops, built once and shared by iterators. */
export class CompiledPipeline {
  private cardinalityOp: Sym | undefined;
  /** This Dataset's place in a shared session, when its iterators share one. */
  readonly slot: PipelineSlot | undefined;

  constructor(
    readonly ctx: GraphContext,
    readonly makeIterator: number,
    readonly next: OutputRef[],
    readonly skeleton: Skeleton,
    shared?: SharedIteratorOps,
    /** `next` fetches batches whose rows are the elements (see rows.ts). */
    readonly batchedRows = false,
  ) {
    this.slot = shared ? new PipelineSlot(ctx, shared, this) : undefined;
  }

  /** What a step feeds: the captured host tensors, and the iteration token when a JS source needs one. */
  feeds(token: bigint = newIterationToken()): [OutputRef, ReturnType<Tensor['handle']>][] {
    const feeds: [OutputRef, ReturnType<Tensor['handle']>][] = this.ctx.feeds.map(([ref, t]) => [ref, t.handle()]);
    const tokenRef = this.ctx.iterationTokenRef;
    if (tokenRef) feeds.push([tokenRef, new Tensor('int64', [], BigInt64Array.of(token)).handle()]);
    return feeds;
  }

  /** Whether iterators must tell JS sources when they end (fromGenerator, mapJs). */
  get hasJsSource(): boolean {
    return this.ctx.iterationTokenRef !== undefined;
  }

  newSession(): NativeSession {
    return openSession(this.ctx);
  }

  /** Opens the shared session and stores the dataset in it, as the first iterator would. */
  async prepare(): Promise<void> {
    await this.slot?.prepare(IN_CALLER_THREAD);
  }

  /** DatasetCardinality, run in a session of its own. */
  async cardinality(variant: Sym): Promise<number> {
    if (!this.cardinalityOp)
      this.cardinalityOp = this.ctx.addOp('DatasetCardinality', [variant], {}, { lenient: true })[0];
    const session = this.newSession();
    try {
      const [raw] = await session.run(this.feeds(), [this.cardinalityOp.ref], []);
      return Number((Tensor.fromRaw(raw).data as BigInt64Array)[0]);
    } finally {
      session.close();
    }
  }
}

/** An element that failed: its `next()` rejects, and the one after goes on (as tf.data's). */
class FailedElement {
  constructor(readonly error: unknown) {}
}

/**
 * Whether an error ends the iteration: a cancelled step (closing, a timeout) leaves TensorFlow's
 * iterator cancelled, and what is not a TensorFlow error did not come from an element.
 */
function endsIteration(error: unknown): boolean {
  return !(error instanceof TFError) || error.tfCode === CANCELLED || error.tfCode === DEADLINE_EXCEEDED;
}

/** Options of `iterator()`, `toArray()` and `forEach()`. */
export interface IteratorOptions {
  /**
   * Aborting closes the iterator and cancels the step TensorFlow is running; a pending `next()`
   * rejects with the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * A step that takes longer than this (starting the iterator, or producing one element) is
   * cancelled by TensorFlow (`RunOptions.timeout_in_ms`): it rejects with a `TFError` whose code
   * is `DEADLINE_EXCEEDED`, and the iterator is closed. Integer milliseconds, default none.
   */
  timeoutMs?: number;
}

/**
 * An async iterator over a dataset's elements. Close it with `return()`, `break` in `for await`,
 * `await using`, or an AbortSignal; its native iterator is released at once. As in tf.data, an
 * element that fails rejects its `next()` and the following `next()` goes on with the next
 * element; a timeout or an abort ends the iteration.
 */
export class DatasetIterator<E> implements AsyncIterableIterator<E> {
  // Exactly one of them once started: a lane of the shared session, or a session of its own.
  private lane: IteratorLane | undefined;
  private session: NativeSession | undefined;
  private nextRefs: OutputRef[] = [];
  private started: Promise<void> | undefined;
  private buffer: (RawTensor[] | FailedElement)[] = [];
  private pending: Promise<RepeatedRun>[] = [];
  private ended = false;
  private failure: Error | undefined;
  private closed = false;
  private chunk = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** `next()` calls not yet settled (served in order through `queue`). */
  private outstanding = 0;
  private readonly signal: AbortSignal | undefined;
  private readonly unwatch: (() => void) | undefined;
  private readonly timeoutMs: number | undefined;
  private readonly runOptions: Uint8Array;
  private readonly token = newIterationToken();

  /** @internal */
  constructor(
    private readonly pipeline: CompiledPipeline,
    options: IteratorOptions = {},
  ) {
    // Duck-typed: an AbortSignal from another realm (vm, jest) is still a signal.
    const signal = options.signal as Partial<AbortSignal> | undefined;
    if (
      signal !== undefined &&
      (typeof signal?.addEventListener !== 'function' || typeof signal.aborted !== 'boolean')
    ) {
      throw new TypeError('signal must be an AbortSignal');
    }
    this.timeoutMs = checkTimeout(options.timeoutMs);
    this.runOptions = stepRunOptions(this.timeoutMs);
    this.signal = options.signal;
    if (this.signal?.aborted) {
      this.close();
    } else if (this.signal) {
      this.unwatch = watch(this.signal, this);
    }
  }

  /** Iterators are iterable (`for await (const e of ds.iterator())`). */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using it = ds.iterator()` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** The next element; calls are served in order even when not awaited one by one. */
  next(): Promise<IteratorResult<E>> {
    // An element already here and no earlier call outstanding: handed out at once, without the
    // chain of promises that keeps calls in order (most calls of a `for await` loop).
    if (this.outstanding === 0 && this.buffer.length > 0 && !this.signal?.aborted) {
      try {
        return Promise.resolve(this.takeBuffered());
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.outstanding++;
    const result = this.queue.then(() => this.nextInOrder()).finally(() => this.outstanding--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Closes the iterator (what `break` in `for await` calls). */
  async return(): Promise<IteratorResult<E>> {
    this.close();
    return { done: true, value: undefined };
  }

  /** Releases the native iterator now (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.unwatch?.();
    // A lane lets a step in flight finish (a stuck one is cancelled, see shared-session.ts), then
    // destroys its iterator; a session of its own cancels the step. Either way off the event loop.
    this.lane?.close();
    this.session?.close();
    // Generators of this iteration are closed (return()), and kernels waiting on them released.
    if (this.pipeline.hasJsSource) {
      closeIteration(this.token);
      abandoned.unregister(this);
    }
  }

  /** True once closed, ended, aborted, or failed in a way that ends the iteration (a timeout). */
  get isClosed(): boolean {
    return this.closed;
  }

  private abortReason(): unknown {
    return this.signal?.reason ?? new Error('iteration aborted');
  }

  private async nextInOrder(): Promise<IteratorResult<E>> {
    if (this.signal?.aborted) throw this.abortReason();
    if (this.closed) return { done: true, value: undefined };
    if (!this.started) this.started = this.start();
    await this.started;
    if (this.signal?.aborted) throw this.abortReason(); // aborted while starting
    if (this.closed) return { done: true, value: undefined }; // closed while starting
    while (this.buffer.length === 0) {
      if (this.failure) {
        const error = this.explain(this.failure); // before close(), which forgets the iteration's JS errors
        this.close();
        throw error;
      }
      if (this.ended) {
        this.close();
        return { done: true, value: undefined };
      }
      await this.pull();
      if (this.signal?.aborted) throw this.abortReason();
      if (this.closed) return { done: true, value: undefined };
    }
    return this.takeBuffered();
  }

  /** The first buffered element (there is one), or its error thrown. */
  private takeBuffered(): IteratorResult<E> {
    const row = this.buffer.shift() as RawTensor[] | FailedElement;
    if (row instanceof FailedElement) throw this.explain(row.error);
    return {
      done: false,
      value: unflatten(
        this.pipeline.skeleton,
        row.map((r) => Tensor.fromRaw(r)),
      ) as E,
    };
  }

  private async start(): Promise<void> {
    const { slot } = this.pipeline;
    if (!slot) {
      this.nextRefs = this.pipeline.next;
      this.session = this.pipeline.newSession();
    }
    try {
      if (slot) await this.startOnLane(slot);
      else await this.startOwnSession(this.session as NativeSession);
    } catch (e) {
      if (this.closed) return; // closed or aborted meanwhile: the cancelled step is not an error
      const error = this.explain(e);
      this.close();
      throw error;
    }
  }

  /** An iterator on a lane of the pipeline's shared session. */
  private async startOnLane(slot: PipelineSlot): Promise<void> {
    this.nextRefs = await slot.startIterator(this.runOptions, this.timeoutMs !== undefined, (lane) => {
      this.lane = lane;
      if (this.closed) lane.close(); // closed while the dataset was being stored
    });
  }

  /** An iterator in a session of its own (JS sources: the iteration token is fed here). */
  private async startOwnSession(session: NativeSession): Promise<void> {
    if (this.pipeline.hasJsSource) {
      beginIteration(this.token);
      abandoned.register(this, this.token, this);
      if (this.timeoutMs !== undefined) setIterationTimeout(this.token, this.timeoutMs);
    }
    await session.run(this.pipeline.feeds(this.token), [], [this.pipeline.makeIterator], this.runOptions);
  }

  /** A timed-out step says which limit it hit; an error thrown by JS code is rethrown as itself. */
  private explain(error: unknown): unknown {
    // Whether an iterator ran in the seat, and which pull it used, is ours: an element's error
    // names `next`, the node of a standalone graph, either way.
    const renamed = error instanceof TFError && error.op !== undefined ? RENAMED_OPS.get(error.op) : undefined;
    if (renamed) error = new TFError((error as TFError).message, (error as TFError).tfCode, renamed);
    if (error instanceof TFError) {
      const thrown = takeJsError(error.message);
      if (thrown) return thrown.error;
    }
    if (error instanceof TFError && error.tfCode === DEADLINE_EXCEEDED && this.timeoutMs !== undefined) {
      return new TFError(
        `iterator step exceeded timeoutMs (${this.timeoutMs} ms): ${error.message}`,
        error.tfCode,
        error.op,
      );
    }
    return error;
  }

  private request(): void {
    const runner = (this.lane ?? this.session) as IteratorLane | NativeSession;
    const run = runner.runRepeated(this.nextRefs, this.chunk, CHUNK_BUDGET_MICROS, this.runOptions);
    run.catch(() => undefined);
    this.pending.push(run);
    // Batches of rows: one per crossing, so JavaScript hands out at most a batch's rows between
    // two turns of the event loop (more per crossing raised W2's event-loop delay p99 from 2 to 7 ms).
    this.chunk = Math.min(this.chunk * 2, this.pipeline.batchedRows ? MAX_BATCH_CHUNK : MAX_CHUNK);
  }

  private async pull(): Promise<void> {
    if (this.pending.length === 0) this.request();
    const run = await (this.pending.shift() as Promise<RepeatedRun>);
    if (this.closed) return;
    this.buffer.push(...(this.pipeline.batchedRows ? run.elements.flatMap(splitRows) : run.elements));
    if (run.end) this.ended = true;
    if (run.error && endsIteration(run.error)) this.failure = run.error;
    else if (run.error) this.buffer.push(new FailedElement(run.error));
    // Read ahead: TensorFlow fills the next chunks while JavaScript consumes this one. A chunk
    // requested after the end (or an error that ends the iteration) finds the same end: ignored.
    if (this.ended || this.failure) return;
    while (this.pending.length < CHUNKS_IN_FLIGHT) this.request();
  }
}
