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

/** A new session over `ctx`'s graph. */
export function openSession(ctx: GraphContext): NativeSession {
  return new (addon().Session)(ctx.native, SESSION_CONFIG);
}
