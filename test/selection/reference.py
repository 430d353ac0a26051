"""Reference results for the selection, saving and options differential tests (differential.test.ts).

Reads {"dir": ..., "names": [...]} on stdin and prints one JSON object: case name -> list of
elements (each a list of components {dtype, shape, values}, records flattened in sorted key
order), or {"error": ..., "class": ...}. Cases named save_* write a snapshot into `dir` with
Python's Dataset.save for the TypeScript side to load; cases named load_* load what the
TypeScript side saved there, without an element_spec. Cases named options_* give the set fields
of ds.options() as {"field.path (numbers)": value}.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
from encoding import encode  # noqa: E402

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)

D = tf.data.Dataset


def nf(fn):
    return tf.autograph.experimental.do_not_convert(fn)


def r(a, b):
    return D.range(a, b)


def parts(t):
    """A component's tensors as the TypeScript side expands its host value."""
    if isinstance(t, tf.SparseTensor):
        return [t.indices, t.values, t.dense_shape]
    if isinstance(t, tf.RaggedTensor):
        return list(t.nested_row_splits) + [t.flat_values]
    return [t]


def flatten(element):
    return [encode(p) for t in tf.nest.flatten(element) for p in parts(t)]


def cases(d):
    p = lambda name: os.path.join(d, name)  # noqa: E731
    opts1 = tf.data.Options()
    opts1.deterministic = False
    opts1.autotune.cpu_budget = 3
    opts1.autotune.autotune_algorithm = tf.data.experimental.AutotuneAlgorithm.GRADIENT_DESCENT
    opts1.experimental_optimization.map_fusion = True
    opts1.experimental_optimization.apply_default_optimizations = False
    opts1.threading.private_threadpool_size = 2
    opts1.experimental_slack = True
    opts2 = tf.data.Options()
    opts2.deterministic = True
    opts2.autotune.enabled = False
    opts2.autotune.ram_budget = 1 << 30
    opts2.autotune.initial_parallelism = 4
    opts2.autotune.min_parallelism = 2
    opts2.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
    opts2.experimental_distribute.num_devices = 2
    opts2.experimental_external_state_policy = tf.data.experimental.ExternalStatePolicy.FAIL
    opts2.experimental_optimization.map_fusion = False
    opts2.experimental_optimization.noop_elimination = True
    opts2.experimental_optimization.inject_prefetch = False
    opts2.experimental_optimization.seq_interleave_prefetch = True
    opts2.experimental_optimization.filter_parallelization = True
    opts2.threading.max_intra_op_parallelism = 1
    opts2.experimental_symbolic_checkpoint = True
    opts2.experimental_warm_start = True
    opts2.experimental_service.pinned = True
    opts2.dataset_name = "named"
    opts3 = tf.data.Options()
    opts3.experimental_optimization.map_and_batch_fusion = False
    opts3.experimental_optimization.map_and_filter_fusion = True
    opts3.experimental_optimization.map_parallelization = True
    opts3.experimental_optimization.parallel_batch = False
    opts3.experimental_optimization.shuffle_and_repeat_fusion = False
    opts3.experimental_optimization.filter_fusion = True
    opts3.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    opts3.autotune.autotune_algorithm = tf.data.experimental.AutotuneAlgorithm.STAGE_BASED
    opts3.experimental_external_state_policy = tf.data.experimental.ExternalStatePolicy.IGNORE
    return {
        "sample_uniform": lambda: D.sample_from_datasets([r(0, 5), r(100, 105), r(200, 205)], seed=7),
        "sample_weights": lambda: D.sample_from_datasets(
            [r(0, 20), r(100, 120), r(200, 220)], weights=[0.2, 0.5, 0.3], seed=42
        ),
        "sample_weights_zero": lambda: D.sample_from_datasets([r(0, 5), r(100, 105), r(200, 205)], [0.0, 1.0, 2.0], seed=3),
        "sample_all_zero": lambda: D.sample_from_datasets([r(0, 5), r(100, 105)], [0.0, 0.0], seed=3),
        "sample_one": lambda: D.sample_from_datasets([r(0, 5)], seed=3),
        "sample_stop_on_empty": lambda: D.sample_from_datasets(
            [r(0, 3), r(100, 110)], [0.5, 0.5], seed=11, stop_on_empty_dataset=True
        ),
        "sample_float64": lambda: D.sample_from_datasets(
            [r(0, 10), r(100, 110)], tf.constant([0.3, 0.7], tf.float64), seed=5
        ),
        "sample_weights_dataset": lambda: D.sample_from_datasets(
            [r(0, 10), r(100, 110)],
            D.from_tensor_slices(tf.constant([[0.9, 0.1], [0.1, 0.9]] * 10, tf.float32)),
            seed=5,
        ),
        "sample_repeat": lambda: D.sample_from_datasets([r(0, 4), r(100, 104)], seed=9).repeat(3),
        "sample_rerandomize": lambda: D.sample_from_datasets(
            [r(0, 4), r(100, 104)], seed=9, rerandomize_each_iteration=True
        ).repeat(3),
        "sample_structures": lambda: D.sample_from_datasets(
            [
                r(0, 6).map(nf(lambda x: {"a": x, "b": tf.fill([2], tf.cast(x, tf.float32))})),
                r(10, 16).map(nf(lambda x: {"a": x, "b": tf.fill([x - 7], tf.cast(x, tf.float32))})),
            ],
            seed=1,
        ),
        "choose": lambda: D.choose_from_datasets(
            [r(0, 5), r(100, 105), r(200, 205)], D.from_tensor_slices(tf.constant([0, 1, 2, 2, 0, 1, 1], tf.int64))
        ),
        "choose_stop": lambda: D.choose_from_datasets(
            [r(0, 2), r(100, 105)], D.from_tensor_slices(tf.constant([0, 1, 0, 0, 1, 1], tf.int64))
        ),
        "choose_no_stop": lambda: D.choose_from_datasets(
            [r(0, 2), r(100, 105)],
            D.from_tensor_slices(tf.constant([0, 1, 0, 0, 1, 1], tf.int64)),
            stop_on_empty_dataset=False,
        ),
        "unique_int32": lambda: D.from_tensor_slices(tf.constant([3, 1, 3, 2, 1, 5, 2], tf.int32)).unique(),
        "unique_int64": lambda: r(0, 30).map(nf(lambda x: x % 7)).unique(),
        "unique_strings": lambda: D.from_tensor_slices([b"b", b"a", b"b", b"", b"c", b"a", b""]).unique(),
        "take_while": lambda: r(0, 10).take_while(nf(lambda x: x < 5)),
        "take_while_tuple": lambda: D.zip((r(0, 10), r(0, 10).map(nf(lambda x: 12 - x * 2)))).take_while(
            nf(lambda a, b: a < b)
        ),
        "counter": lambda: D.counter(5, 3).take(5),
        "counter_default": lambda: D.counter().take(4),
        "counter_int32": lambda: D.counter(-2, -7, tf.int32).take(4),
        "counter_zero_step": lambda: D.counter(9, 0).take(3),
        "resample_given": lambda: r(0, 60)
        .map(nf(lambda x: x * 3))
        .rejection_resample(
            nf(lambda x: tf.cast(x % 4, tf.int32)), [0.5, 0.3, 0.1, 0.1], initial_dist=[0.25] * 4, seed=7
        ),
        "resample_estimated": lambda: r(0, 100).rejection_resample(
            nf(lambda x: x % 3), [0.6, 0.2, 0.2], seed=3
        ),
        "resample_as_is": lambda: r(0, 10).rejection_resample(
            nf(lambda x: tf.cast(x % 2, tf.int32)), [0.5, 0.5], initial_dist=[0.5, 0.5], seed=1
        ),
        "resample_filter_only": lambda: r(0, 40).rejection_resample(
            nf(lambda x: tf.cast(x % 4, tf.int32)), [0.5, 0.5, 0.0, 0.0], initial_dist=[0.25] * 4, seed=2
        ),
        "save_python_gzip": lambda: save(
            D.from_tensor_slices(
                {
                    "id": tf.range(12, dtype=tf.int64),
                    "x": tf.reshape(tf.range(36, dtype=tf.float32), [12, 3]) / 4,
                    "s": tf.strings.as_string(tf.range(12)),
                }
            ),
            p("py_gzip"),
            "GZIP",
        ),
        "save_python_tuple": lambda: save(
            D.zip((r(0, 7), r(0, 7).map(nf(lambda x: tf.fill([x], tf.cast(x, tf.int32)))))),
            p("py_tuple"),
            None,
        ),
        "save_python_composites": lambda: save(composites(), p("py_composites"), None),
        "load_ours_composites": lambda: D.load(p("ours_composites")),
        "load_ours": lambda: D.load(p("ours")),
        "load_ours_gzip": lambda: D.load(p("ours_gzip"), compression="GZIP"),
        "snapshot": lambda: r(0, 8).map(nf(lambda x: x * 3)).snapshot(p("py_snap")),
        "options_nested": lambda: r(0, 3).with_options(opts1).map(nf(lambda x: x)).with_options(opts2),
        "options_zip": lambda: D.zip((r(0, 3).with_options(opts1), r(0, 3).with_options(opts3))),
        "options_choose": lambda: D.choose_from_datasets(
            [r(0, 3).with_options(opts3), r(0, 3)], D.from_tensor_slices(tf.constant([0, 1], tf.int64)).with_options(opts1)
        ),
        "options_none": lambda: r(0, 3).map(nf(lambda x: x)),
    }


def composites():
    """Rows with a sparse and a ragged component, as the TypeScript test builds them."""
    return r(1, 5).map(
        nf(
            lambda x: {
                "s": tf.sparse.from_dense(tf.reshape(tf.range(x * 2) % 3, [2, x])),
                "r": tf.RaggedTensor.from_row_lengths(tf.range(x), [x - 1, 1]),
            }
        )
    )


def save(ds, path, compression):
    ds.save(path, compression=compression)
    return D.load(path, compression=compression)


def set_fields(message, prefix=""):
    out = {}
    for field, value in message.ListFields():
        key = f"{prefix}{field.number}"
        if field.type == field.TYPE_MESSAGE:
            out.update(set_fields(value, key + "."))
        elif hasattr(value, "extend"):  # a repeated field
            out[key] = [str(v) for v in value]
        else:
            out[key] = str(int(value)) if not isinstance(value, str) else value
    return out


def main():
    request = json.load(sys.stdin)
    table = cases(request["dir"])
    out = {}
    for name in request["names"]:
        try:
            ds = table[name]()
            if name.startswith("options_"):
                out[name] = set_fields(ds.options()._to_proto())
            else:
                out[name] = [flatten(e) for e in ds]
        except Exception as e:  # noqa: BLE001
            out[name] = {"error": str(e), "class": type(e).__name__}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
