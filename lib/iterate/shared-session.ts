// Iterators that start in about a millisecond. Opening a TensorFlow session, building its
// executors and finalising a dataset (tf.data's graph rewrites) cost ~20 ms; an iterator over an
// already finalised dataset costs well under one. So a pipeline graph gets one long-lived
// session, shared by every Dataset that compiles to the same graph (the cache below); each such
// Dataset stores its dataset once in that session (its "slot", see compile.ts: its host data fed
// once, its seed generators and memory cache shared by its iterators, as in Python); each
// iterator runs over that dataset on a lane (a native thread of its own), in the graph's iterator
// seat (fed nothing per step; emptied when it closes) when no other iterator holds it, else in an
// anonymous iterator named by a handle fed to each step (destroyed when it closes).
import { GraphContext } from '../graph/context';
import { IN_CALLER_THREAD, openSession } from './open-session';
import { NativeLane, NativeSession, NativeTensorHandle, OutputRef, addon } from '../native';
import { Tensor } from '../tensor/tensor';

/** The ops of a pipeline graph for iterators on a shared session (compile.ts adds them). */
export interface SharedIteratorOps {
  /** Stores the dataset (run once per Dataset, with its host feeds) in a new slot... */
  store: number;
  /** ...whose string handle this fetches. */
  slotHandle: OutputRef;
  /** Placeholder(string) for a slot's handle. */
  slotIn: OutputRef;
  /** Destroys the slot named by `slotIn` (when its Dataset is collected). */
  release: number;
  /** Starts one iterator over the dataset of the slot named by `slotIn`. */
  start: number;
  /** The string handle of the iterator `start` made (kept by the lane). */
  handle: OutputRef;
  /** Placeholder(string) the lane feeds that handle to. */
  handleIn: OutputRef;
  /** IteratorGetNext of the iterator named by `handleIn` (a timed iterator's pull)... */
  next: OutputRef[];
  /** ...and IteratorGetNextSync (in the lane's thread: the pull without a timeout; compile.ts). */
  nextSync: OutputRef[];
  /** Destroys the iterator named by `handleIn` (the lane's cleanup). */
  destroy: number;
  /**
   * The graph's seat, taken by one open iterator at a time: `start` makes it over the dataset of
   * the slot named by `slotIn`, `next` and `nextSync` pull from it with nothing fed, `empty`
   * empties it (over the same slot) once its iterator has closed.
   */
  seat: { start: number; next: OutputRef[]; nextSync: OutputRef[]; empty: number };
}

// A closed iterator's step still running after this long is taken as stuck (a filter that
// never passes, a source that never answers): read-ahead steps end within the iterator's 2 ms
// chunk budget plus one element. Only closing its session cancels it (TensorFlow's C API has
// no per-step cancel), so the session is retired: new iterators get a new one, and the old one
// closes, cancelling the stuck step, once its other iterators have closed.
const STUCK_AFTER_MS = 250;

/** One long-lived session over one pipeline graph. */
class SharedSession {
  readonly session: NativeSession;
  /** Lanes not yet closed, or closed with a step still running (weakly: a dropped iterator's goes). */
  readonly lanes = new Set<WeakRef<TrackedLane>>();
  /** Whether the seat is free (no open iterator holds it, and it has been emptied). */
  seatFree = true;
  retired = false;

  constructor(
    readonly ctx: GraphContext,
    readonly ops: SharedIteratorOps,
    readonly key: string | undefined,
  ) {
    this.session = openSession(ctx);
  }

  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.key !== undefined && cache.get(this.key) === this) cache.delete(this.key);
    this.closeIfOnlyStuck();
  }

  closeIfOnlyStuck(): void {
    if (!this.retired) return;
    for (const ref of this.lanes) {
      const lane = ref.deref();
      if (!lane) this.lanes.delete(ref);
      else if (!lane.stuck) return;
    }
    this.session.close();
  }
}

/** A lane that knows whether a step is running, so that closing it can tell a stuck step. */
class TrackedLane {
  private inFlight = 0;
  private closed = false;
  private readonly ref = new WeakRef(this);
  stuck = false;

  constructor(
    private readonly shared: SharedSession,
    readonly native: NativeLane,
    /** Runs once the lane is closed and none of its steps runs any more (never for a stuck one). */
    private readonly whenIdle?: () => void,
  ) {
    shared.lanes.add(this.ref);
  }

  run(...args: Parameters<NativeLane['run']>): ReturnType<NativeLane['run']> {
    return this.track(this.native.run(...args));
  }

  runRepeated(...args: Parameters<NativeLane['runRepeated']>): ReturnType<NativeLane['runRepeated']> {
    return this.track(this.native.runRepeated(...args));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
    if (this.inFlight === 0) return this.leave();
    setTimeout(() => {
      if (this.inFlight === 0) return;
      this.stuck = true;
      this.shared.retire();
    }, STUCK_AFTER_MS).unref();
  }

  private leave(): void {
    this.shared.lanes.delete(this.ref);
    this.shared.closeIfOnlyStuck();
    this.whenIdle?.();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight++;
    const done = () => {
      if (--this.inFlight === 0 && this.closed) this.leave();
    };
    p.then(done, done);
    return p;
  }
}

/** What an iterator on a shared session pulls through. */
export type IteratorLane = Pick<TrackedLane, 'runRepeated' | 'close'>;

// ---- the cache of shared sessions ----

/** The default bound of the pipeline cache: sessions of distinct pipeline graphs kept warm. */
export const DEFAULT_PIPELINE_CACHE_SIZE = 64;

const cache = new Map<string, SharedSession>(); // in least- to most-recently used order
let maxEntries = DEFAULT_PIPELINE_CACHE_SIZE;
let hits = 0;
let misses = 0;

/** Counters of the pipeline cache (see `configurePipelineCache`). */
export interface PipelineCacheStats {
  /** Distinct pipeline graphs whose session is kept. */
  entries: number;
  /** The bound on `entries`. */
  maxEntries: number;
  /** Datasets whose graph was already there (no new session). */
  hits: number;
  /** Datasets that opened a session. */
  misses: number;
}

/** @internal The seats of the cached sessions: taken by an open iterator (or being emptied), or free. */
export function seatStats(): { taken: number; free: number } {
  let free = 0;
  for (const shared of cache.values()) if (shared.seatFree) free++;
  return { taken: cache.size - free, free };
}

/** The pipeline cache's counters. */
export function pipelineCacheStats(): PipelineCacheStats {
  return { entries: cache.size, maxEntries, hits, misses };
}

/**
 * Bounds the pipeline cache: how many distinct pipeline graphs keep a warm session for new
 * Datasets that trace to the same graph (least recently used first out; 0 turns sharing between
 * Datasets off). A Dataset keeps its own session while it lives, cached or not.
 */
export function configurePipelineCache(options: { maxEntries: number }): void {
  const n = options?.maxEntries;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new RangeError(`configurePipelineCache: maxEntries must be an integer ≥ 0, got ${String(n)}`);
  }
  maxEntries = n;
  trim();
}

function trim(): void {
  while (cache.size > maxEntries) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest); // its Datasets keep the session; it closes when they are collected
  }
}

/**
 * The key of a pipeline graph: a digest of its nodes (ops, attrs, constants, traced functions by
 * their content-hashed names; host data fed through placeholders is not in it). Equal keys run
 * identically for the same feeds.
 */
function keyOf(ctx: GraphContext): string {
  return ctx.structureDigest();
}

/** The shared session for `ctx`'s graph: a cached one for an identical graph, or a new one. */
function sharedSessionFor(ctx: GraphContext, ops: SharedIteratorOps): SharedSession {
  if (maxEntries === 0) {
    misses++;
    return new SharedSession(ctx, ops, undefined);
  }
  const key = keyOf(ctx);
  const known = cache.get(key);
  if (known && !known.retired && !known.session.closed && sameFeeds(known.ctx, ctx)) {
    hits++;
    cache.delete(key);
    cache.set(key, known);
    return known;
  }
  misses++;
  const made = new SharedSession(ctx, ops, key);
  cache.delete(key);
  cache.set(key, made);
  trim();
  return made;
}

function sameFeeds(a: GraphContext, b: GraphContext): boolean {
  return a.feedNames.length === b.feedNames.length && a.feedNames.every((n, i) => n === b.feedNames[i]);
}

// A Dataset collected frees its stored dataset (its host data, cache, seed state) at once.
const released = new FinalizationRegistry<{ shared: SharedSession; slot: NativeTensorHandle }>(({ shared, slot }) => {
  if (shared.session.closed) return;
  shared.session.run([[shared.ops.slotIn, slot]], [], [shared.ops.release]).catch(() => undefined);
});

// A seated lane collected without being closed frees its seat (see startIterator).
const dropped = new FinalizationRegistry<() => void>((free) => free());

/**
 * One Dataset's place in a shared session: its slot, stored on first use. `owner` is the
 * compiled pipeline; when it is collected, the slot is released.
 */
export class PipelineSlot {
  private shared: SharedSession | undefined;
  private stored: Promise<{ shared: SharedSession; slot: NativeTensorHandle }> | undefined;

  constructor(
    private readonly ctx: GraphContext,
    private readonly ops: SharedIteratorOps,
    private readonly owner: object,
  ) {}

  /**
   * Stores the dataset (once; a failure is retried by the next iterator), in the session it
   * resolves with (`this.shared` may have moved on to a new one meanwhile).
   */
  private store(runOptions: Uint8Array): Promise<{ shared: SharedSession; slot: NativeTensorHandle }> {
    if (this.shared?.retired) {
      // Its session was retired (a stuck step): store the dataset again in a live one.
      this.shared = undefined;
      this.stored = undefined;
    }
    if (!this.stored) {
      this.stored = (async () => {
        const shared = this.shared ?? (this.shared = sharedSessionFor(this.ctx, this.ops));
        // This Dataset's host data, fed to the shared graph's placeholders of the same names.
        const feeds: [OutputRef, NativeTensorHandle][] = this.ctx.feeds.map(([, t]: [OutputRef, Tensor], i) => [
          shared.ctx.feeds[i][0],
          t.handle(),
        ]);
        const [raw] = await shared.session.run(feeds, [shared.ops.slotHandle], [shared.ops.store], runOptions);
        const slot = Tensor.fromRaw(raw).handle();
        released.register(this.owner, { shared, slot });
        return { shared, slot };
      })();
      this.stored.catch(() => (this.stored = undefined));
    }
    return this.stored;
  }

  /** Opens the shared session and stores the dataset now (what the first iterator would do). */
  async prepare(runOptions: Uint8Array): Promise<void> {
    await this.store(runOptions);
  }

  /**
   * Starts an iterator on a lane of its own; its steps then fetch what this returns (the
   * synchronous pull unless the iterator is `timed`: see compile.ts).
   */
  async startIterator(
    runOptions: Uint8Array,
    timed: boolean,
    onLane: (lane: IteratorLane) => void,
  ): Promise<OutputRef[]> {
    const { shared, slot } = await this.store(runOptions);
    const { ops } = shared;
    if (!shared.seatFree) {
      // Another iterator holds the seat: this one is named by a string handle fed to each step.
      const lane = new TrackedLane(
        shared,
        new (addon().Lane)(shared.session, ops.handleIn, [ops.destroy], IN_CALLER_THREAD),
      );
      onLane(lane);
      await lane.run([[ops.slotIn, slot]], [], [ops.start], runOptions, ops.handle);
      return timed ? ops.next : ops.nextSync;
    }
    const native = new (addon().Lane)(shared.session); // first: if it throws, the seat stays free
    shared.seatFree = false;
    const { seat } = ops;
    // The seat is free again once no step of this lane can run (a step of a closed iterator must
    // not pull from the next one's) and it has been emptied: after the lane is closed and idle,
    // or collected (an iterator dropped without closing; a queued or running step keeps it). A
    // stuck step keeps it (its session is retired). An iterator never waits for the seat being
    // emptied (that stops the closed iterator's threads, up to ~20 ms): the next one is fed, so
    // the epochs of a loop alternate between the seat and a fed handle. Emptying is a step of the
    // session's own thread, in that thread as every step is, without the iterator's timeout; if it
    // fails, the next start on the seat replaces its state anyway. (A lane of its own per emptying
    // cost W7's requests ~0.4 ms each.) So a slow teardown delays that session's next store or
    // release.
    const { owner } = this; // its stored dataset must outlive the emptying
    let freed = false;
    const free = (): void => {
      if (freed) return;
      freed = true;
      dropped.unregister(free);
      // A closed or closing session (an environment going away too) takes the seat with it.
      if (shared.session.closed) return;
      Promise.resolve()
        .then(() => shared.session.run([[ops.slotIn, slot]], [], [seat.empty], IN_CALLER_THREAD))
        .catch(() => undefined)
        .then(() => {
          if (!shared.session.closed) shared.seatFree = true;
          return owner; // held until now
        });
    };
    dropped.register(native, free, free);
    const lane = new TrackedLane(shared, native, free);
    onLane(lane);
    await lane.run([[ops.slotIn, slot]], [], [seat.start], runOptions);
    return timed ? seat.next : seat.nextSync;
  }
}
