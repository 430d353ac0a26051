// Every TensorFlow session the library opens, with one configuration.
import { GraphContext } from '../graph/context';
import { NativeSession, addon } from '../native';
import { encodeProto } from '../proto';

// ConfigProto { graph_options { rewrite_options { disable_meta_optimizer: true } } }.
// A session runs Grappler over each new set of feeds and fetches before its first step. Our
// steps are a few dataset ops (store, start, next), nothing Grappler improves, and tf.data
// rewrites the pipeline itself when an iterator starts (its own optimisations, unaffected by
// this); the functions the pipeline calls are instantiated as Python's are. Measured: an
// iterator's first element on a new pipeline graph 30-40 ms → 13-17 ms, a second iterator of
// the same Dataset 3.5-5 ms → 1.7-2.9 ms.
/** The serialized ConfigProto of every session (bench/floor.cc reads it too). */
export const SESSION_CONFIG = encodeProto([[10, [[10, [[19, 1]]]]]]);

// RunOptions { inter_op_thread_pool: -1 }: each step runs in the calling (the lane's) thread
// instead of hopping to TensorFlow's inter-op pool; the pipeline's own threads (prefetch, parallel
// map) are unaffected. Measured: per-element fetches ~45 % cheaper.
// timeout_in_ms: TensorFlow cancels a step that runs longer, with DEADLINE_EXCEEDED.
/** The serialized RunOptions of every step of an iterator (`timeoutMs`: its step limit). */
export function stepRunOptions(timeoutMs: number | undefined): Uint8Array {
  return encodeProto(
    timeoutMs === undefined
      ? [[3, -1]]
      : [
          [2, timeoutMs],
          [3, -1],
        ],
  );
}

/** Steps without a time limit (a lane's cleanup; bench/floor.cc reads it too). */
export const IN_CALLER_THREAD = stepRunOptions(undefined);

/** A new session over `ctx`'s graph. */
export function openSession(ctx: GraphContext): NativeSession {
  return new (addon().Session)(ctx.native, SESSION_CONFIG);
}
