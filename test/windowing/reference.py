"""Reference results from Python tf.data for the windowing differential tests.

Each case builds the same pipeline as the TypeScript case of the same name in
differential.test.ts: window, scan, reduce, get_single_element, group_by_window and
bucket_by_sequence_length. Reads the case names (JSON) on stdin; prints one JSON object: case
name -> list of elements, each a list of components {dtype, shape, values} in tf.nest's
flattening order (a RaggedTensor as its nested row splits, then its flat values), or
{"error", "class", "before"} when Python raised (after "before" elements). A case that gives a value (reduce, get_single_element)
gives one element: that value.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
from encoding import encode  # noqa: E402  (shared with the other reference scripts)

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

M = np.arange(24, dtype=np.float32).reshape(6, 4) / 4 - 2  # shared float32 data
I = np.arange(12, dtype=np.int32).reshape(6, 2) - 5  # shared int32 data
D = tf.data.Dataset


def nf(fn):
    return tf.autograph.experimental.do_not_convert(fn)


def gen_seqs():
    """Variable-length int32 sequences: element i has length LENGTHS[i], values 100 * i + j."""
    for i, n in enumerate(LENGTHS):
        yield np.array([100 * i + j for j in range(n)], np.int32)


def gen_records():
    for i, n in enumerate(LENGTHS):
        yield {"seq": np.array([[float(i), float(j)] for j in range(n)], np.float32).reshape(n, 2), "label": np.int64(i)}


LENGTHS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 0, 6]


def seqs():
    return D.from_generator(gen_seqs, output_signature=tf.TensorSpec([None], tf.int32))


def records():
    return D.from_generator(
        gen_records,
        output_signature={"seq": tf.TensorSpec([None, 2], tf.float32), "label": tf.TensorSpec([], tf.int64)},
    )


def length(x):
    return tf.shape(x)[0]


CASES = {
    # ---- window ----
    "window_flat_map": lambda: D.range(7).window(3).flat_map(nf(lambda w: w.batch(3))),
    "window_concatenate": lambda: D.range(5).window(2).concatenate(D.range(3).window(3)).flat_map(nf(lambda w: w.batch(3))),
    "window_shift_stride": lambda: D.range(12).window(3, shift=2, stride=2).flat_map(nf(lambda w: w.batch(3))),
    "window_drop": lambda: D.range(10).window(4, shift=3, drop_remainder=True).flat_map(nf(lambda w: w.batch(4))),
    "window_shift_over_size": lambda: D.range(10).window(2, shift=3).flat_map(nf(lambda w: w.batch(2))),
    "window_tuple": lambda: D.from_tensor_slices((I, M)).window(2, shift=1, drop_remainder=True).flat_map(nf(lambda a, b: D.zip((a, b)).batch(2))),
    "window_record_zip": lambda: D.from_tensor_slices({"x": M, "n": I}).window(4, shift=2).flat_map(nf(lambda r: D.zip(r).batch(4))),
    "window_reduce_in_map": lambda: D.range(10).window(4, shift=2).map(nf(lambda w: w.reduce(np.int64(0), nf(lambda s, x: s + x)))),
    "window_record_reduce": lambda: D.from_tensor_slices({"x": M, "n": I}).window(3).map(nf(lambda r: (r["x"].reduce(tf.zeros([4]), nf(lambda s, x: s + x)), r["n"].reduce(np.int32(0), nf(lambda s, x: s + tf.reduce_sum(x)))))),
    "window_interleave": lambda: D.range(12).window(4).interleave(nf(lambda w: w.map(nf(lambda x: x * 10))), cycle_length=2, block_length=1),
    "window_map_returns_dataset": lambda: D.range(7).window(3).map(nf(lambda w: w.map(nf(lambda x: x * 2)))).flat_map(nf(lambda d: d.batch(3))),
    "window_filter_by_count": lambda: D.range(10).window(4, shift=3).filter(nf(lambda w: w.reduce(np.int64(0), nf(lambda s, _: s + 1)) == 4)).flat_map(nf(lambda w: w.batch(4))),
    "window_sym_size": lambda: D.range(1, 4).flat_map(nf(lambda n: D.range(7).window(n, shift=n).flat_map(nf(lambda w: w.batch(4))))),
    "window_padded": lambda: seqs().window(3).flat_map(nf(lambda w: w.padded_batch(3, padding_values=-1))),
    "window_single_element": lambda: D.range(9).window(3).map(nf(lambda w: w.batch(3).get_single_element())),
    "window_cardinality": lambda: D.from_tensors(D.range(10).window(3).cardinality()),
    # ---- scan ----
    "scan_running_sum": lambda: D.range(10).scan(np.int64(0), nf(lambda s, x: (s + x, s + x))),
    "scan_tuple_state": lambda: D.from_tensor_slices(M).scan((np.float32(0), np.int64(0)), nf(lambda s, x: ((s[0] + tf.reduce_sum(x), s[1] + 1), {"total": s[0], "twice": s[1] * 2}))),
    "scan_record_state": lambda: D.from_tensor_slices(I).scan({"lo": np.int32(100), "hi": np.int32(-100)}, nf(lambda s, x: ({"lo": tf.minimum(s["lo"], tf.reduce_min(x)), "hi": tf.maximum(s["hi"], tf.reduce_max(x))}, s["hi"] - s["lo"]))),
    "scan_sym_state": lambda: D.range(3).flat_map(nf(lambda n: D.range(4).scan(n * 10, nf(lambda s, x: (s + x, s))))),
    "scan_growing_state": lambda: D.range(5).scan(tf.zeros([0], tf.int64), nf(lambda s, x: (tf.concat([s, [x]], 0), s))),
    # ---- reduce ----
    "reduce_sum": lambda: D.range(10).reduce(np.int64(0), nf(lambda s, x: s + x)),
    "reduce_count": lambda: D.from_tensor_slices(M).reduce(0, nf(lambda s, _: s + 1)),
    "reduce_record": lambda: D.from_tensor_slices({"x": M, "n": I}).reduce({"sum": tf.zeros([4]), "max": np.int32(-100), "count": np.int64(0)}, nf(lambda s, e: {"sum": s["sum"] + e["x"], "max": tf.maximum(s["max"], tf.reduce_max(e["n"])), "count": s["count"] + 1})),
    "reduce_growing_state": lambda: D.range(4).reduce(tf.zeros([0], tf.int64), nf(lambda s, x: tf.concat([s, [x * x]], 0))),
    "reduce_empty": lambda: D.range(0).reduce(np.int64(7), nf(lambda s, x: s + x)),
    "reduce_generator": lambda: seqs().reduce(np.int32(0), nf(lambda s, x: s + tf.reduce_sum(x))),
    # ---- get_single_element ----
    "single_element": lambda: D.from_tensors((M, np.int64(7))).get_single_element(),
    "single_element_batch": lambda: D.from_tensor_slices({"x": M, "n": I}).batch(6).get_single_element(),
    "single_element_empty": lambda: D.range(0).get_single_element(),
    "single_element_many": lambda: D.range(2).get_single_element(),
    # ---- group_by_window ----
    "group_parity": lambda: D.range(20).group_by_window(nf(lambda x: x % 2), nf(lambda k, w: w.batch(4)), window_size=4),
    "group_window_size_fn": lambda: D.range(30).group_by_window(nf(lambda x: x % 3), nf(lambda k, w: w.batch(10).map(nf(lambda b: (k, b)))), window_size_func=nf(lambda k: k + 2)),
    "group_record": lambda: D.from_tensor_slices({"x": M, "n": I}).group_by_window(nf(lambda r: tf.cast(tf.math.floormod(r["n"][0], 3), tf.int64)), nf(lambda k, w: w.batch(2)), window_size=2),
    "group_reduce_in_window": lambda: D.range(17).group_by_window(nf(lambda x: x % 4), nf(lambda k, w: D.from_tensors((k, w.reduce(np.int64(0), nf(lambda s, x: s + x))))), window_size=3),
    "group_sym_window_size": lambda: D.range(1, 4).flat_map(nf(lambda n: D.range(7).group_by_window(nf(lambda x: x % 2), nf(lambda k, w: w.batch(10)), window_size=n))),
    "group_generator": lambda: seqs().group_by_window(nf(lambda x: tf.cast(tf.size(x) % 2, tf.int64)), nf(lambda k, w: w.padded_batch(3)), window_size=3),
    # ---- bucket_by_sequence_length ----
    "bucket_basic": lambda: seqs().bucket_by_sequence_length(nf(length), [3, 6], [2, 3, 2]),
    "bucket_boundary": lambda: seqs().bucket_by_sequence_length(nf(length), [2, 5, 10], [3, 2, 2, 1], pad_to_bucket_boundary=True),
    "bucket_drop": lambda: seqs().bucket_by_sequence_length(nf(length), [3, 6], [2, 3, 2], drop_remainder=True),
    "bucket_padding_value": lambda: seqs().bucket_by_sequence_length(nf(length), [4], [3, 3], padding_values=-7),
    "bucket_records": lambda: records().bucket_by_sequence_length(nf(lambda r: tf.shape(r["seq"])[0]), [3, 6], [2, 3, 2], padded_shapes={"seq": [None, 2], "label": []}, padding_values={"seq": -1.0, "label": np.int64(0)}),
    "bucket_records_boundary": lambda: records().bucket_by_sequence_length(nf(lambda r: tf.shape(r["seq"])[0]), [4, 10], [2, 3, 4], pad_to_bucket_boundary=True),
    "bucket_fixed_shape": lambda: seqs().bucket_by_sequence_length(nf(length), [4], [2, 2], padded_shapes=[12]),
    "bucket_ragged_no_padding": lambda: D.from_tensor_slices(tf.ragged.constant([[1, 2], [3], [4, 5, 6], [], [7, 8, 9, 10], [11], [12, 13]], dtype=tf.int32)).bucket_by_sequence_length(nf(lambda x: tf.shape(x)[0]), [2], [2, 2], no_padding=True),
    "bucket_too_long": lambda: seqs().bucket_by_sequence_length(nf(length), [2, 5], [3, 2, 2], pad_to_bucket_boundary=True),
}


def encode_component(c):
    if isinstance(c, tf.RaggedTensor):
        return [encode(s) for s in c.nested_row_splits] + [encode(c.flat_values)]
    if isinstance(c, tf.SparseTensor):
        return [encode(c.indices), encode(c.values), encode(c.dense_shape)]
    return [encode(c)]


def encode_element(e):
    return [x for c in tf.nest.flatten(e, expand_composites=False) for x in encode_component(c)]


def main():
    names = json.loads(sys.stdin.read()) if not sys.stdin.isatty() else list(CASES)
    out = {}
    for name in names:
        elements = []
        try:
            result = CASES[name]()
            if isinstance(result, tf.data.Dataset):
                for e in result:
                    elements.append(encode_element(e))
            else:
                elements.append(encode_element(result))
            out[name] = elements
        except Exception as e:  # reported per case, with how many elements came before
            out[name] = {"error": f"{type(e).__name__}: {e}", "class": type(e).__name__, "before": len(elements)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
