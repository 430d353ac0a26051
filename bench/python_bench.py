"""Python tf.data contender: the same workloads as bench/contenders.mjs, iterated as a Python
user would (`for b in ds: b.numpy()`). usage: python_bench.py <workload> <full|quick>"""
import gc
import json
import os
import resource
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

SIZES = {"full": {"w1": 1_000_000, "w2": 200_000, "w3": 20_000, "w4": 1_000_000, "w5": 200_000, "w6": 100_000,
                  "w8": 20_000, "w9": 500_000, "w10": 500_000, "w11": 200_000},
         "quick": {"w1": 100_000, "w2": 20_000, "w3": 2_000, "w4": 100_000, "w5": 20_000, "w6": 10_000,
                   "w8": 2_000, "w9": 50_000, "w10": 50_000, "w11": 20_000}}
BUILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "build")


def w1_data(rows):
    i = np.arange(rows, dtype=np.int64)[:, None]
    j = np.arange(32, dtype=np.int64)[None, :]
    x = (((i * 31 + j * 17) % 1000) / 1000 - 0.5).astype(np.float32)
    w = ((np.arange(32) + 1) / 32).astype(np.float32)
    b = (np.arange(32) * 0.01 - 0.1).astype(np.float32)
    return x, w, b


def w10_data(rows):
    i = np.arange(rows, dtype=np.int64)[:, None]
    j = np.arange(16, dtype=np.int64)[None, :]
    x = (((i * 13 + j * 7) % 200) / 8 - 12).astype(np.float32)
    y = ((np.arange(rows) * 7) % 10).astype(np.int32)
    mean = (np.arange(16) / 4 - 2).astype(np.float32)
    std = (4 + np.arange(16) / 8).astype(np.float32)
    return x, y, mean, std


def w11_strings(rows):
    return np.array([str((i * 37) % 1000).encode() for i in range(rows)], dtype=object)


def w3_images(count):
    i = np.arange(count)[:, None, None, None]
    y = np.arange(64)[None, :, None, None]
    x = np.arange(64)[None, None, :, None]
    c = np.arange(3)[None, None, None, :]
    return ((i * 7 + y * 13 + x * 3 + c * 29) % 256).astype(np.uint8)


def build(workload, n):
    nc = tf.autograph.experimental.do_not_convert
    if workload in ("w1", "w2"):
        x, w, b = w1_data(n)
        ds = tf.data.Dataset.from_tensor_slices(x).map(nc(lambda r: r * w + b))
        return ds.batch(1024).prefetch(tf.data.AUTOTUNE) if workload == "w1" else ds
    if workload == "w3":
        def prep(i, im):
            f = tf.cast(im, tf.float32) / 255.0
            f = tf.image.stateless_random_flip_left_right(f, seed=tf.stack([i, tf.constant(7, tf.int64)]))
            return tf.image.resize(f, [32, 32])
        return (tf.data.Dataset.from_tensor_slices(w3_images(n)).enumerate()
                .map(nc(prep), num_parallel_calls=tf.data.AUTOTUNE).batch(128).prefetch(tf.data.AUTOTUNE))
    if workload == "w4_scalar":
        return tf.data.Dataset.range(n).map(nc(lambda v: v + 1)).batch(256)
    if workload == "w4_vector":
        return tf.data.Dataset.range(n).batch(256).map(nc(lambda v: v + 1))
    if workload == "w5_scalars":
        def scalars():
            for i in range(n):
                yield i % 1000
        return tf.data.Dataset.from_generator(scalars, output_signature=tf.TensorSpec([], tf.int32)).batch(1024)
    if workload == "w5_rows":
        x = w1_data(n)[0]

        def rows():
            yield from x
        return tf.data.Dataset.from_generator(rows, output_signature=tf.TensorSpec([32], tf.float32)).batch(1024)
    if workload == "w6_mapjs":
        def js_like(v):
            return tf.py_function(lambda a: float(a.numpy()) * 2 + 1, [v], tf.float64)
        return tf.data.Dataset.range(n).map(nc(js_like)).batch(1024)
    if workload == "w6_map":
        return tf.data.Dataset.range(n).map(nc(lambda v: tf.cast(v * 2 + 1, tf.float64))).batch(1024)
    if workload == "w8_tfrecord":
        features = {"image": tf.io.FixedLenFeature([], tf.string), "label": tf.io.FixedLenFeature([], tf.int64),
                    "extra": tf.io.FixedLenFeature([3], tf.float32)}

        def prep(s):
            image = tf.io.parse_single_example(s, features)["image"]
            return tf.image.resize(tf.io.decode_jpeg(image, channels=3), [32, 32])
        return (tf.data.TFRecordDataset(os.path.join(BUILD, f"w8-{n}.tfrecord"))
                .map(nc(prep), num_parallel_calls=tf.data.AUTOTUNE).batch(128).prefetch(tf.data.AUTOTUNE))
    if workload == "w9_csv":
        defaults = [tf.float32] * 6 + [tf.constant([0], tf.int32), tf.constant([""])]
        return (tf.data.experimental.CsvDataset(os.path.join(BUILD, f"w9-{n}.csv"), defaults, header=True)
                .batch(1024)
                .map(nc(lambda a, b, c, d, e, f, count, _name: tf.stack([a, b, c, d, e, f, tf.cast(count, tf.float32)], 1)))
                .prefetch(tf.data.AUTOTUNE))
    if workload == "w10":
        x, y, mean, std = w10_data(n)

        def prep(f, label):
            return tf.concat([tf.clip_by_value((f - mean) / std, -3.0, 3.0), tf.one_hot(label, 10)], 0)
        return tf.data.Dataset.from_tensor_slices((x, y)).map(nc(prep)).batch(1024)
    if workload == "w11":
        return (tf.data.Dataset.from_tensor_slices(w11_strings(n))
                .map(nc(lambda s: tf.strings.to_number(s) * 2)).batch(1024))
    raise SystemExit(f"unknown workload {workload}")


def main():
    workload, scale = sys.argv[1], sys.argv[2]
    n = SIZES[scale][workload.split("_")[0]]
    ds = build(workload, n)
    gc.collect()  # a settled heap before timing, as bench/child.mjs does for the JS contenders
    start = time.perf_counter()
    elements = 0
    first = last = 0.0
    for e in ds:
        a = e.numpy()
        last = float(a.sum(dtype=np.float64))
        if elements == 0:
            first = last
        elements += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "elements": elements, "first": first, "last": last,
                      "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
