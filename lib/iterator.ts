// Pulling elements out of a compiled pipeline: one session per iterator, elements fetched in
// growing chunks on libuv worker threads (never on the event loop), the next chunk requested as
// soon as one arrives.
import { GraphContext } from './graph';
import { NativeSession, OutputRef, RawTensor, RepeatedRun, addon } from './native';
import { Skeleton, unflatten } from './structure';
import { Sym } from './sym';
import { Tensor } from './tensor';

import { encodeProto } from './opdef';

const MAX_CHUNK = 256;
// RunOptions { inter_op_thread_pool: -1 }: each IteratorGetNext step runs in the calling (libuv
// worker) thread instead of hopping to TensorFlow's inter-op pool; the pipeline's own threads
// (prefetch, parallel map) are unaffected. Measured: per-element fetches ~45 % cheaper.
const CALLER_THREAD = encodeProto([[3, -1]]);
const CHUNK_BUDGET_MICROS = 2000; // a chunk returns at most ~2 ms after its first element

/** The pipeline graph of one dataset, with its iterator ops, built once and shared by iterators. */
export class CompiledPipeline {
  private cardinalityOp: Sym | undefined;

  constructor(
    readonly ctx: GraphContext,
    readonly makeIterator: number,
    readonly next: OutputRef[],
    readonly skeleton: Skeleton,
  ) {}

  feeds(): [OutputRef, ReturnType<Tensor['handle']>][] {
    return this.ctx.feeds.map(([ref, t]) => [ref, t.handle()]);
  }

  newSession(): NativeSession {
    return new (addon().Session)(this.ctx.native);
  }

  /** DatasetCardinality, run in a session of its own. */
  async cardinality(variant: Sym): Promise<number> {
    if (!this.cardinalityOp) this.cardinalityOp = this.ctx.addOp('DatasetCardinality', [variant], {}, { lenient: true })[0];
    const session = this.newSession();
    try {
      const [raw] = await session.run(this.feeds(), [this.cardinalityOp.ref], []);
      return Number((Tensor.fromRaw(raw).data as BigInt64Array)[0]);
    } finally {
      session.close();
    }
  }
}

/** Options of `iterator()`, `toArray()` and `forEach()`. */
export interface IteratorOptions {
  /** Aborting closes the iterator; a pending `next()` rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * An async iterator over a dataset's elements. Close it with `return()`, `break` in `for await`,
 * `await using`, or an AbortSignal; its native session is released at once.
 */
export class DatasetIterator<E> implements AsyncIterableIterator<E> {
  private session: NativeSession | undefined;
  private started: Promise<void> | undefined;
  private buffer: RawTensor[][] = [];
  private pending: Promise<RepeatedRun> | undefined;
  private ended = false;
  private failure: Error | undefined;
  private closed = false;
  private chunk = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort = () => this.close();

  /** @internal */
  constructor(private readonly pipeline: CompiledPipeline, options: IteratorOptions = {}) {
    this.signal = options.signal;
    if (this.signal?.aborted) this.close();
    else this.signal?.addEventListener('abort', this.onAbort, { once: true });
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
    const result = this.queue.then(() => this.nextInOrder());
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
    this.signal?.removeEventListener('abort', this.onAbort);
    this.session?.close(); // deferred natively until a chunk in flight has finished
  }

  /** True once closed, ended, failed or aborted. */
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
    if (this.closed) return { done: true, value: undefined }; // closed while starting
    while (this.buffer.length === 0) {
      if (this.failure) {
        const error = this.failure;
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
    const row = this.buffer.shift() as RawTensor[];
    return { done: false, value: unflatten(this.pipeline.skeleton, row.map((r) => Tensor.fromRaw(r))) as E };
  }

  private async start(): Promise<void> {
    this.session = this.pipeline.newSession();
    try {
      await this.session.run(this.pipeline.feeds(), [], [this.pipeline.makeIterator]);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  private request(): void {
    const session = this.session as NativeSession;
    this.pending = session.runRepeated(this.pipeline.next, this.chunk, CHUNK_BUDGET_MICROS, CALLER_THREAD);
    this.pending.catch(() => undefined);
    this.chunk = Math.min(this.chunk * 2, MAX_CHUNK);
  }

  private async pull(): Promise<void> {
    if (!this.pending) this.request();
    let run: RepeatedRun;
    try {
      run = await (this.pending as Promise<RepeatedRun>);
    } finally {
      this.pending = undefined;
    }
    if (this.closed) return;
    this.buffer.push(...run.elements);
    if (run.end) this.ended = true;
    if (run.error) this.failure = run.error;
    // Read ahead: TensorFlow fills the next chunk while JavaScript consumes this one.
    if (!this.ended && !this.failure) this.request();
  }
}
