"""Reference results from Python tf.data for the differential tests.

Each case builds the same pipeline as the TypeScript case of the same name in
differential.test.ts. Prints one JSON object: case name -> list of elements, each element a
list of components {dtype, shape, values} in tf.nest's flattening order (values as strings so
NaN, infinities and 64-bit integers survive JSON).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from encoding import encode  # noqa: E402  (shared with formats/reference.py)

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

M = np.arange(24, dtype=np.float32).reshape(6, 4) / 4 - 2  # shared float32 data
I = np.arange(12, dtype=np.int32).reshape(6, 2) - 5  # shared int32 data
W = np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float32)
IMG = (np.arange(4 * 6 * 5 * 3) * 37 % 256).astype(np.uint8).reshape(4, 6, 5, 3)
WORDS = np.array([b"alpha beta", b"  gamma  delta epsilon", b"zeta", b"eta theta"])
NUMS = np.array([b"1.5", b"-2", b"3e2", b"0.125"])


def nf(fn):
    return tf.autograph.experimental.do_not_convert(fn)


FILES = os.environ.get("TFDATA_DIFF_FILES", "/nonexistent")


def ds_m():
    return tf.data.Dataset.from_tensor_slices(M)


def ds_i():
    return tf.data.Dataset.from_tensor_slices(I)


CASES = {
    # ---- sources and transformations ----
    "slices_tensor": lambda: ds_m(),
    "slices_record": lambda: tf.data.Dataset.from_tensor_slices({"x": M, "n": I}),
    "slices_tuple": lambda: tf.data.Dataset.from_tensor_slices((I, M)),
    "from_tensors": lambda: tf.data.Dataset.from_tensors((M, np.int64(7))),
    "slices_buffers": lambda: tf.data.Dataset.from_tensor_slices({"raw": [b"\x00\xffab", b"", b"c"], "n": np.arange(3, dtype=np.int32)}),
    "tensors_buffers": lambda: tf.data.Dataset.from_tensors([[b"a", b"bc"], [b"\x01", b""]]),
    "range_step": lambda: tf.data.Dataset.range(3, 20, 4),
    "range_negative": lambda: tf.data.Dataset.range(10, 0, -3),
    "zip_tuple": lambda: tf.data.Dataset.zip((tf.data.Dataset.range(4), ds_i())),
    "zip_record": lambda: tf.data.Dataset.zip({"a": ds_m(), "b": tf.data.Dataset.range(100)}),
    "map_affine": lambda: ds_m().map(nf(lambda x: x * W + 1.0)),
    "map_parallel": lambda: ds_m().map(nf(lambda x: tf.reduce_sum(x * x)), num_parallel_calls=3, deterministic=True),
    "map_structure": lambda: ds_i().map(nf(lambda x: {"s": tf.reduce_sum(x), "p": (x[0], x[1] * 2)})),
    "filter": lambda: tf.data.Dataset.range(20).filter(nf(lambda x: tf.math.floormod(x, 3) == 1)),
    "batch": lambda: tf.data.Dataset.range(10).batch(4),
    "batch_drop": lambda: ds_m().batch(4, drop_remainder=True),
    "batch_parallel": lambda: ds_i().batch(4, num_parallel_calls=2, deterministic=True),
    "padded_batch": lambda: tf.data.Dataset.range(1, 5).map(nf(lambda n: tf.range(n))).padded_batch(3, padding_values=np.int64(-1)),
    "padded_batch_one_value": lambda: tf.data.Dataset.range(1, 4).map(nf(lambda n: (tf.range(n), tf.range(n) * 2))).padded_batch(2, padding_values=np.int64(-1)),
    "padded_batch_shape": lambda: tf.data.Dataset.range(1, 4).map(nf(lambda n: tf.range(n))).padded_batch(2, padded_shapes=[5]),
    "unbatch": lambda: ds_m().batch(4).unbatch(),
    "shuffle_seeded": lambda: tf.data.Dataset.range(30).shuffle(30, seed=11),
    "repeat_take": lambda: tf.data.Dataset.range(3).repeat().take(8),
    "skip": lambda: ds_i().skip(4),
    "take_negative": lambda: tf.data.Dataset.range(5).take(-1),
    "shard": lambda: tf.data.Dataset.range(17).shard(4, 3),
    "prefetch": lambda: ds_m().map(nf(lambda x: x + 1.0)).prefetch(tf.data.AUTOTUNE),
    "cache_repeat": lambda: tf.data.Dataset.range(4).map(nf(lambda x: x * x)).cache().repeat(2),
    "concatenate": lambda: tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(7, 9)),
    "enumerate": lambda: ds_i().enumerate(10),
    "flat_map": lambda: tf.data.Dataset.range(4).flat_map(nf(lambda x: tf.data.Dataset.from_tensor_slices(tf.stack([x, -x, x * 100])))),
    "sym_repeat": lambda: tf.data.Dataset.range(1, 4).flat_map(nf(lambda x: tf.data.Dataset.from_tensors(x).repeat(x))),
    "sym_take_skip": lambda: tf.data.Dataset.range(5).flat_map(nf(lambda x: tf.data.Dataset.range(10).skip(x).take(x))),
    "sym_batch": lambda: tf.data.Dataset.range(1, 4).flat_map(nf(lambda x: tf.data.Dataset.range(7).batch(x))),
    "sym_batch_drop_int32": lambda: tf.data.Dataset.range(1, 4).flat_map(nf(lambda x: tf.data.Dataset.range(7).batch(tf.cast(tf.cast(x, tf.int32), tf.int64), drop_remainder=True))),
    "sym_padded_batch": lambda: tf.data.Dataset.range(2, 4).flat_map(nf(lambda x: tf.data.Dataset.range(1, 5).map(nf(lambda n: tf.range(n))).padded_batch(x, padding_values=np.int64(-1)))),
    "sym_shuffle": lambda: tf.data.Dataset.range(1, 4).flat_map(nf(lambda x: tf.data.Dataset.range(6).shuffle(x, seed=3))),
    "sym_interleave_take": lambda: tf.data.Dataset.range(1, 4).interleave(nf(lambda x: tf.data.Dataset.range(100).take(x * 2)), cycle_length=3),
    "interleave": lambda: tf.data.Dataset.range(3).interleave(nf(lambda x: tf.data.Dataset.range(x * 10, x * 10 + 4)), cycle_length=2, block_length=2),
    "interleave_parallel": lambda: tf.data.Dataset.range(3).interleave(nf(lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3)), cycle_length=3, num_parallel_calls=3, deterministic=True),
    "with_options": lambda: ds_m().map(nf(lambda x: x * 2.0), num_parallel_calls=tf.data.AUTOTUNE).with_options(_options()),
    # ---- op families ----
    "ops_arith": lambda: ds_m().map(nf(lambda x: (x + 1.5, x - W, x * x, x / 3.0, tf.math.floordiv(x, 0.75), tf.math.floormod(x, 0.75), tf.pow(tf.abs(x), 1.5)))),
    "ops_int_arith": lambda: ds_i().map(nf(lambda x: (x + 3, x * -2, x // 2, x % 3, x / 2, tf.minimum(x, 1), tf.maximum(x, -2)))),
    "ops_unary": lambda: ds_m().map(nf(lambda x: (-x, tf.abs(x), tf.sign(x), tf.sqrt(tf.abs(x)), tf.math.rsqrt(tf.abs(x) + 1.0), tf.exp(x), tf.math.log(tf.abs(x) + 1.0), tf.square(x)))),
    "ops_compare": lambda: ds_m().map(nf(lambda x: (tf.equal(x, 0.0), tf.not_equal(x, 0.0), x < 0.5, x <= 0.5, x > 0.5, x >= 0.5))),
    "ops_logic_where": lambda: ds_m().map(nf(lambda x: (tf.logical_and(x > -1.0, x < 1.0), tf.logical_or(x < -1.0, x > 1.0), tf.logical_not(x > 0.0), tf.where(x > 0.0, x, -x * 10.0)))),
    "ops_cast": lambda: ds_m().map(nf(lambda x: (tf.cast(x, tf.int32), tf.cast(x * 100.0, tf.uint8), tf.cast(x, tf.float64), tf.cast(x, tf.bool), tf.cast(x, tf.int64)))),
    "ops_shape": lambda: ds_m().batch(2).map(nf(lambda x: (tf.reshape(x, [4, 2]), tf.transpose(x), tf.expand_dims(x, 1), tf.squeeze(tf.expand_dims(x, 0)), tf.concat([x, x * 2.0], 1), tf.stack([x, -x], 2)))),
    "ops_slicing": lambda: ds_m().batch(3, drop_remainder=True).map(nf(lambda x: (tf.unstack(x)[1], tf.slice(x, [1, 1], [2, 2]), x[1:3, ::-1], x[..., tf.newaxis, -1], x[0], tf.gather(x, [2, 0, 1]), tf.gather(x, [3, 0], axis=1)))),
    "ops_fill_like": lambda: ds_i().map(nf(lambda x: (tf.tile(x, [3]), tf.fill([2, 3], 7.5), tf.zeros_like(x), tf.ones_like(x), tf.shape(tf.tile(x, [2])), tf.size(x), tf.rank(x)))),
    "ops_reduce": lambda: ds_m().batch(3).map(nf(lambda x: (tf.reduce_sum(x), tf.reduce_sum(x, 0), tf.reduce_mean(x, [1], keepdims=True), tf.reduce_max(x, 1), tf.reduce_min(x, [0, 1]), tf.reduce_prod(x + 3.0, 0), tf.reduce_all(x > -2.0, 1), tf.reduce_any(x > 3.0, 0), tf.argmax(x, 1), tf.argmin(x, 0)))),
    "ops_matmul_clip_onehot": lambda: ds_m().batch(2).map(nf(lambda x: (tf.matmul(x, tf.transpose(x)), tf.matmul(x, x, transpose_b=True), tf.clip_by_value(x, -1.0, 1.5), tf.one_hot(tf.cast(tf.abs(x[0]), tf.int32), 5)))),
    "ops_cond": lambda: ds_i().map(nf(lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * 10, lambda: x - 100))),
    "ops_random": lambda: tf.data.Dataset.range(3).map(nf(lambda i: (tf.random.stateless_uniform([2, 3], seed=tf.stack([i, 7])), tf.random.stateless_normal([4], seed=[1, 2], mean=2.0, stddev=0.5), tf.random.stateless_uniform([2], seed=[3, 4], minval=-5.0, maxval=5.0)))),
    "ops_image": lambda: tf.data.Dataset.from_tensor_slices(IMG).map(nf(lambda im: (tf.image.resize(im, [3, 4]), tf.image.resize(im, [8, 7], method="nearest"), tf.image.flip_left_right(im), tf.image.adjust_brightness(im, 0.2), tf.image.adjust_brightness(tf.cast(im, tf.float32) / 255.0, -0.1)))),
    "ops_image_random_flip": lambda: tf.data.Dataset.from_tensor_slices(IMG).enumerate().map(nf(lambda i, im: tf.image.stateless_random_flip_left_right(im, seed=tf.stack([i, 3])))),
    "ops_png_jpeg": lambda: tf.data.Dataset.from_tensor_slices(IMG).map(nf(lambda im: (tf.io.decode_png(tf.io.encode_png(im)), tf.shape(tf.io.decode_jpeg(tf.io.encode_jpeg(im), channels=3))))),
    "ops_strings": lambda: tf.data.Dataset.from_tensor_slices(WORDS).map(nf(lambda s: (tf.strings.split(s), tf.strings.regex_replace(s, "a+", "<\\0>"), tf.strings.regex_replace(s, "e", "E", replace_global=False)))),
    "ops_string_to_number": lambda: tf.data.Dataset.from_tensor_slices(NUMS).map(nf(lambda s: (tf.strings.to_number(s), tf.strings.to_number(s, tf.float64)))),
    "text_lines": lambda: tf.data.Dataset.list_files(os.path.join(FILES, "*.txt"), shuffle=False).interleave(tf.data.TextLineDataset, cycle_length=2),
    "text_lines_gzip": lambda: tf.data.TextLineDataset(os.path.join(FILES, "lines.txt.gz"), compression_type="GZIP").map(nf(lambda s: tf.strings.to_number(s))),
    "read_file": lambda: tf.data.Dataset.from_tensor_slices([os.path.join(FILES, "a.txt"), os.path.join(FILES, "b.txt")]).map(nf(lambda p: tf.strings.split(tf.io.read_file(p)))),
    "seed_example_1": lambda: tf.data.Dataset.from_tensor_slices(np.array([[1, 2], [3, 4]], dtype=np.int32)).map(nf(lambda x: x + tf.constant([[5, 6], [7, 8]]))),
    "seed_example_2_cast": lambda: tf.data.Dataset.from_tensor_slices(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], dtype=np.int32)).map(nf(lambda x: tf.cast(x, tf.float64) * tf.constant(0.5, tf.float64))).batch(1),
    "seed_example_3_cast": lambda: tf.data.Dataset.from_tensor_slices(np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], dtype=np.int32)).map(nf(lambda x: tf.cast(x, tf.float64) * tf.constant([0.5, 1.0], tf.float64))).batch(1),
    # ---- JavaScript sources: from_generator and py_function, as fromGenerator and mapJs ----
    "gen_records": lambda: tf.data.Dataset.from_generator(gen_records, output_signature={"x": tf.TensorSpec([3], tf.float32), "n": tf.TensorSpec([], tf.int64)}).shuffle(20, seed=5).map(nf(lambda e: {"s": tf.reduce_sum(e["x"] * 2), "n": e["n"] + 1})).batch(7),
    "gen_ragged": lambda: tf.data.Dataset.from_generator(gen_ragged, output_signature=tf.TensorSpec([None], tf.int32)).padded_batch(3, padding_values=np.int32(-1)),
    "gen_args_interleave": lambda: tf.data.Dataset.range(3).interleave(lambda i: tf.data.Dataset.from_generator(gen_shard, args=(i,), output_signature=tf.TensorSpec([], tf.int64)), cycle_length=3, num_parallel_calls=3, deterministic=True),
    "gen_strings": lambda: tf.data.Dataset.from_generator(gen_words, output_signature=tf.TensorSpec([], tf.string)).map(nf(lambda w: tf.strings.split(w, " "))),
    "map_js": lambda: ds_i().map(nf(lambda x: tf.ensure_shape(tf.py_function(lambda v: v.numpy() * 3 + 1, [x], tf.int32), [2]))),
}


def gen_records():
    for i in range(50):
        yield {"x": np.array([i, i / 2, -i], np.float32), "n": np.int64(i)}


def gen_ragged():
    for i in range(8):
        yield np.array([i * 10 + j for j in range(i % 4)], np.int32)


def gen_shard(i):
    for j in range(4):
        yield np.int64(i * 100 + j)


def gen_words():
    yield from ["alpha beta", "gamma", "delta epsilon zeta"]


def _options():
    o = tf.data.Options()
    o.deterministic = True
    o.autotune.enabled = True
    o.threading.private_threadpool_size = 2
    return o


def main():
    names = json.loads(sys.stdin.read()) if not sys.stdin.isatty() else list(CASES)
    out = {}
    for name in names:
        try:
            out[name] = [[encode(c) for c in tf.nest.flatten(e)] for e in CASES[name]()]
        except Exception as e:  # reported per case
            out[name] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
