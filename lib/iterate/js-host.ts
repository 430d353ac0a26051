// The JavaScript side of JS-backed ops (native/js_ops.cc). A kernel on a TensorFlow thread asks;
// this module answers on the event loop, now or after awaiting a generator, and never blocks it:
//   open  (token, ...args) → a new generator instance for one iteration (its id)
//   pull  (instance)       → the next chunk of elements, stacked, or OUT_OF_RANGE at the end
//   close (instance)       → the generator's return() (tf.data's finalize function)
//   call  (...inputs)      → the outputs of a mapJs function for one element
// Errors thrown by user code cross TensorFlow as a status whose message carries a tag; the
// iterator that receives it rethrows the original error object (takeJsError).
import { addon } from '../native';
import { TF_CODES } from '../errors';
import { JS_OPS as JS_OP_TABLE } from '../shared/tables';
import { DType, arrayCtor } from '../tensor/dtypes';
import { Tensor } from '../tensor/tensor';

const CODE = (name: (typeof TF_CODES)[number]) => TF_CODES.indexOf(name);
const OUT_OF_RANGE = CODE('OUT_OF_RANGE');
const CANCELLED = CODE('CANCELLED');
const FAILED_PRECONDITION = CODE('FAILED_PRECONDITION');
const DEADLINE_EXCEEDED = CODE('DEADLINE_EXCEEDED');

/** What kernels ask: the kind each request carries (the table shared with native/js_ops.cc). */
const OPEN = JS_OP_TABLE.open.kind;
const PULL = JS_OP_TABLE.pull.kind;
const CLOSE = JS_OP_TABLE.close.kind;
const CALL = JS_OP_TABLE.call.kind;

/**
 * Elements per crossing. Measured with bench W5 (200k elements, 2 vCPUs): 16 rows per crossing
 * gave 0.11 M scalars/s, 64 gave 0.21 M, 256 gave 0.33 M, 1024 gave 0.41 M but an event-loop
 * p99 of 6.5 ms (2.8 ms at 256). 256 keeps the loop under the 5 ms target.
 */
export const MAX_CHUNK_ROWS = 256;
/**
 * A synchronous generator is read for at most this long per crossing, so the event loop stays
 * responsive (W5b rows: 4 ms gave a p99 of 2.4–3.6 ms, 2 ms gave 2.8–2.9 ms for 3 % less throughput).
 */
export const CHUNK_BUDGET_MS = 2;

/** A fromGenerator source: one generator per iteration, elements encoded as flat tensors. */
export interface GeneratorSource {
  kind: 'generator';
  /** Calls the user's function with the iteration's args; `async` tells which protocol it gave. */
  open(args: Tensor[]): { iterator: Iterator<unknown> | AsyncIterator<unknown>; async: boolean };
  /** One yielded element → its components, checked against the signature (throws TypeError). */
  encode(element: unknown, index: number): Tensor[];
  /** Whether elements are stacked into chunks (else each crosses alone, unstacked); chunked
   * signatures have fully known shapes, so the rows of a chunk always stack. */
  chunked: boolean;
  dtypes: readonly DType[];
}

/** A mapJs source: a function of one element's components. */
export interface CallSource {
  kind: 'call';
  call(inputs: Tensor[]): Promise<Tensor[]> | Tensor[];
}

type Source = GeneratorSource | CallSource;

interface Instance {
  token: bigint;
  iterator: Iterator<unknown> | AsyncIterator<unknown>;
  async: boolean;
  produced: number;
  /** A next() of an async generator still pending when the last chunk was sent. */
  pendingNext: Promise<IteratorResult<unknown>> | undefined;
  /** Thrown after elements that were still sent: raised at the next pull (any value, even undefined). */
  deferred: { error: unknown } | undefined;
  done: boolean;
  closed: boolean;
}

const sources = new Map<number, Source>();
const instances = new Map<number, Instance>();
const byToken = new Map<bigint, Set<number>>();
const jsErrors = new Map<number, { error: unknown; token: bigint | undefined }>();
// Requests not answered yet, by iteration: closing or timing out an iteration answers them.
const pendingByToken = new Map<bigint, Map<number, ReturnType<typeof setTimeout> | undefined>>();
const tokenOfRequest = new Map<number, bigint>();
const timeouts = new Map<bigint, number>();
// Iterations started and not yet closed: a request of any other (an interleave still opening a
// generator after close) is answered CANCELLED without calling user code.
const liveTokens = new Set<bigint>();
let nextInstance = 1;
let nextError = 1;
let nextToken = 1n;
let installed = false;
const JS_ERROR_TAG = /\[tfdata-js-error#(\d+)\]/;

// A source dropped with its Dataset: kernels still holding its id fail with FAILED_PRECONDITION.
const released = new FinalizationRegistry<number>((id) => {
  sources.delete(id);
  try {
    addon().dropJsSource(id);
  } catch {
    /* the process is exiting */
  }
});

function install(): void {
  if (installed) return;
  const a = addon();
  a.registerJsOps();
  a.setJsHandler(handle);
  installed = true;
}

/** Op type names of the JS-backed ops (registered on first use). */
export const JS_OPS = {
  open: JS_OP_TABLE.open.name,
  pull: JS_OP_TABLE.pull.name,
  close: JS_OP_TABLE.close.name,
  call: JS_OP_TABLE.call.name,
} as const;

/** Makes the ops exist and registers `source`; it lives as long as `owner`. Returns its id. */
export function registerJsSource(source: Source, owner: object): number {
  install();
  const id = addon().jsSource();
  sources.set(id, source);
  released.register(owner, id);
  return id;
}

/** A fresh value for a pipeline's iteration token. */
export function newIterationToken(): bigint {
  return nextToken++;
}

/** An iteration starts: its requests are served until closeIteration(token). */
export function beginIteration(token: bigint): void {
  liveTokens.add(token);
}

/**
 * Steps of this iteration that wait on JavaScript longer than `ms` fail with DEADLINE_EXCEEDED
 * (TensorFlow cannot cancel a kernel that waits on us; the iterator's timeoutMs).
 */
export function setIterationTimeout(token: bigint, ms: number): void {
  timeouts.set(token, ms);
}

function track(request: number, token: bigint): void {
  let pending = pendingByToken.get(token);
  if (!pending) pendingByToken.set(token, (pending = new Map()));
  const ms = timeouts.get(token);
  const timer =
    ms === undefined
      ? undefined
      : setTimeout(() => {
          if (!tokenOfRequest.has(request)) return;
          settle(request, DEADLINE_EXCEEDED, `waited on JavaScript for more than ${ms} ms`, null);
        }, ms);
  timer?.unref();
  pending.set(request, timer);
  tokenOfRequest.set(request, token);
}

/** Ends an iteration: its generators are closed and kernels waiting on them are cancelled. */
export function closeIteration(token: bigint): void {
  liveTokens.delete(token);
  timeouts.delete(token);
  const pending = pendingByToken.get(token);
  if (pending) for (const request of [...pending.keys()]) settle(request, CANCELLED, 'the iteration was closed', null);
  pendingByToken.delete(token);
  const ids = byToken.get(token);
  byToken.delete(token);
  for (const [id, e] of jsErrors) if (e.token === token) jsErrors.delete(id);
  if (!ids) return;
  for (const id of ids) closeInstance(id);
}

/** The JS error a TensorFlow status message refers to (removed from the host), boxed: it may be undefined. */
export function takeJsError(message: string): { error: unknown } | undefined {
  const m = JS_ERROR_TAG.exec(message);
  if (!m) return undefined;
  const entry = jsErrors.get(Number(m[1]));
  jsErrors.delete(Number(m[1]));
  return entry && { error: entry.error };
}

/**
 * Answers a request once (a later answer to the same request is dropped). `owned`: the outputs
 * were made here (stacked chunks, ids), so their handles can be freed at once.
 */
function settle(request: number, code: number, message: string, outputs: Tensor[] | null, owned = false): void {
  const token = tokenOfRequest.get(request);
  if (token !== undefined) {
    tokenOfRequest.delete(request);
    const pending = pendingByToken.get(token);
    const timer = pending?.get(request);
    if (timer) clearTimeout(timer);
    pending?.delete(request);
  }
  try {
    const handles = outputs?.map((t) => t.handle()) ?? null;
    addon().jsAnswer(request, code, message, handles);
    // TensorFlow holds its own reference now: free ours without waiting for the GC. A Tensor the
    // user gave is theirs, and may be sent again.
    if (owned && handles) for (const h of handles) h.dispose();
  } catch (e) {
    // The kernel must hear back whatever happens, or its step never ends.
    addon().jsAnswer(
      request,
      CODE('INTERNAL'),
      `could not pass the outputs to TensorFlow: ${(e as Error).message}`,
      null,
    );
  }
}

// Errors no iterator takes (an iteration that ignores errors) are forgotten past this many.
const MAX_KEPT_ERRORS = 1024;

function fail(request: number, error: unknown, token: bigint | undefined): void {
  const id = nextError++;
  jsErrors.set(id, { error, token });
  if (jsErrors.size > MAX_KEPT_ERRORS) jsErrors.delete(jsErrors.keys().next().value as number);
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  settle(request, CODE('UNKNOWN'), `${text} [tfdata-js-error#${id}]`, null);
}

function handle(request: number, kind: number, sourceId: number, raw: unknown[]): void {
  const inputs = (raw as Parameters<typeof Tensor.fromRaw>[0][]).map((r) => Tensor.fromRaw(r));
  const source = sources.get(sourceId);
  if (!source) {
    settle(request, FAILED_PRECONDITION, 'the JavaScript source of this pipeline is gone', null);
    return;
  }
  const instance = kind === PULL || kind === CLOSE ? instances.get(Number(inputs[0].get())) : undefined;
  const token = kind === OPEN || kind === CALL ? (inputs[0].get() as bigint) : instance?.token;
  if (token !== undefined && !liveTokens.has(token)) {
    settle(request, CANCELLED, 'the iteration was closed', null);
    return;
  }
  if (token !== undefined) track(request, token);
  try {
    if (kind === CALL && source.kind === 'call') void callOnce(request, source, inputs);
    else if (source.kind !== 'generator') throw new Error(`request kind ${kind} for a mapJs source`);
    else if (kind === OPEN) open(request, source, inputs);
    else if (kind === PULL) void pull(request, source, Number(inputs[0].get()));
    else if (kind === CLOSE) {
      closeInstance(Number(inputs[0].get()));
      settle(request, 0, '', [new Tensor('int64', [], new BigInt64Array(1))], true);
    } else throw new Error(`unknown request kind ${kind}`);
  } catch (e) {
    fail(request, e, token);
  }
}

function open(request: number, source: GeneratorSource, inputs: Tensor[]): void {
  const token = inputs[0].get() as bigint;
  const { iterator, async } = source.open(inputs.slice(1));
  const id = nextInstance++;
  instances.set(id, {
    token,
    iterator,
    async,
    produced: 0,
    pendingNext: undefined,
    deferred: undefined,
    done: false,
    closed: false,
  });
  let set = byToken.get(token);
  if (!set) byToken.set(token, (set = new Set()));
  set.add(id);
  settle(request, 0, '', [new Tensor('int64', [], BigInt64Array.of(BigInt(id)))], true);
}

function closeInstance(id: number): void {
  const inst = instances.get(id);
  if (!inst || inst.closed) return;
  inst.closed = true;
  instances.delete(id);
  byToken.get(inst.token)?.delete(id);
  try {
    const result = inst.iterator.return?.();
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    /* a generator's finally that throws while closing has no one to tell */
  }
}

const TURN = Symbol('turn');
const nextTurn = () => new Promise<typeof TURN>((resolve) => setImmediate(() => resolve(TURN)));

async function pull(request: number, source: GeneratorSource, id: number): Promise<void> {
  const inst = instances.get(id);
  if (!inst) {
    settle(request, CANCELLED, 'fromGenerator: the generator was closed', null);
    return;
  }
  const rows: Tensor[][] = [];
  let failure: { error: unknown } | undefined = inst.deferred;
  inst.deferred = undefined;
  if (!failure) {
    try {
      await readChunk(inst, source, rows);
    } catch (error) {
      if (rows.length === 0) failure = { error };
      else inst.deferred = { error }; // the elements read before it go first, as in Python
    }
  }
  if (!tokenOfRequest.has(request)) return; // answered meanwhile: the iteration closed or timed out
  if (failure) fail(request, failure.error, inst.token);
  else if (rows.length === 0) settle(request, OUT_OF_RANGE, 'end of the generator', null);
  else if (source.chunked) settle(request, 0, '', stack(rows, source.dtypes), true);
  else settle(request, 0, '', rows[0]);
}

async function readChunk(inst: Instance, source: GeneratorSource, rows: Tensor[][]): Promise<void> {
  const limit = source.chunked ? MAX_CHUNK_ROWS : 1;
  const deadline = performance.now() + CHUNK_BUDGET_MS;
  // An async source adds to a chunk only what is ready before the event loop's next turn: a slow
  // source is not held back to fill one.
  let turn: Promise<typeof TURN> | undefined;
  while (rows.length < limit && !inst.done && !inst.closed) {
    let result: IteratorResult<unknown>;
    if (inst.async) {
      const next = inst.pendingNext ?? Promise.resolve(inst.iterator.next());
      inst.pendingNext = undefined;
      if (rows.length === 0) result = await next;
      else {
        turn ??= nextTurn();
        const raced = await Promise.race([next, turn]);
        if (raced === TURN) {
          inst.pendingNext = next;
          break;
        }
        result = raced;
      }
    } else {
      result = (inst.iterator as Iterator<unknown>).next();
      if (result instanceof Promise)
        throw new TypeError('fromGenerator: a sync iterator returned a Promise; give an async iterable');
    }
    if (result.done) {
      inst.done = true;
      break;
    }
    rows.push(source.encode(result.value, inst.produced++));
    if (performance.now() > deadline) break;
  }
}

/** Rows of components → one tensor per component with a leading dimension of rows.length. */
function stack(rows: Tensor[][], dtypes: readonly DType[]): Tensor[] {
  return dtypes.map((dtype, c) => {
    const parts = rows.map((r) => r[c]);
    const shape = [rows.length, ...parts[0].shape];
    if (dtype === 'string')
      return new Tensor(
        'string',
        shape,
        parts.flatMap((p) => p.data as Uint8Array[]),
      );
    const size = (parts[0].data as Float32Array).length;
    const out = new (arrayCtor(dtype as Exclude<DType, 'string'>))(size * rows.length) as Float32Array;
    parts.forEach((p, i) => out.set(p.data as Float32Array, i * size));
    return new Tensor(dtype, shape, out as never);
  });
}

async function callOnce(request: number, source: CallSource, inputs: Tensor[]): Promise<void> {
  const token = inputs[0].get() as bigint;
  try {
    const outputs = await source.call(inputs);
    if (tokenOfRequest.has(request)) settle(request, 0, '', outputs);
  } catch (e) {
    if (tokenOfRequest.has(request)) fail(request, e, token);
  }
}
