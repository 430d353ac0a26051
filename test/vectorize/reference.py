"""Python tf.data, unvectorised, for the vectorisation differential test (python.test.ts).

Each case is the pipeline of the same name there, written as a tf.data user would (map, then
batch). Reads the case names as JSON on stdin; prints case name -> list of elements, each a list
of components {dtype, shape, values} (see differential/encoding.py).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "differential"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from encoding import encode  # noqa: E402

tf.get_logger().setLevel("ERROR")

# The same data as python.test.ts builds (deterministic formulas, no RNG shared across languages).
N = 23
FEATURES = (((np.arange(N * 4) * 7) % 19) / 4 - 9.5).astype(np.float32).reshape(N, 4)
FEATURES[3, 1] = np.nan
FEATURES[5, 2] = -0.0
LABELS = (np.arange(N, dtype=np.int32) * 5) % 6 - 1  # -1 and 4 are out of range for depth 4
MEAN = np.array([0.5, -1.0, 2.0, 0.25], dtype=np.float32)
STD = np.array([3.0, 2.5, 4.0, 1.5], dtype=np.float32)
IMAGES = ((np.arange(7 * 4 * 5 * 3) * 37) % 256).astype(np.uint8).reshape(7, 4, 5, 3)


def nf(fn):
    return tf.autograph.experimental.do_not_convert(fn)


def records():
    def prep(x, y):
        x = tf.clip_by_value((x - MEAN) / STD, -3.0, 3.0)
        return {"x": x, "y": tf.one_hot(y, 4), "ok": tf.reduce_all(tf.math.is_finite(x))}

    return tf.data.Dataset.from_tensor_slices((FEATURES, LABELS)).map(nf(prep)).batch(5)


def images():
    def prep(img):
        f = tf.image.convert_image_dtype(img, tf.float32)
        return tf.reshape(tf.image.flip_left_right(f), [60])

    return tf.data.Dataset.from_tensor_slices(IMAGES).map(nf(prep)).batch(3, drop_remainder=True)


def chain():
    return (
        tf.data.Dataset.range(17)
        .map(nf(lambda x: tf.cast(x, tf.float32) * 0.5 - 3.0))
        .map(nf(lambda x: tf.where(x > 1.0, x, -x)))
        .map(nf(lambda x: tf.stack([x, x * x, tf.floor(x)])))
        .batch(4)
    )


def integers():
    def prep(x, y):
        i = tf.cast(x, tf.int32)
        return tf.reduce_sum(i), tf.argmax(x), tf.reduce_max(x, keepdims=True), tf.transpose(tf.reshape(i, [2, 2]))

    return tf.data.Dataset.from_tensor_slices((FEATURES * 128, LABELS)).map(nf(prep)).batch(6)


CASES = {"records": records, "images": images, "chain": chain, "integers": integers}


def main():
    names = json.loads(sys.stdin.read())
    json.dump({name: [[encode(c) for c in tf.nest.flatten(e)] for e in CASES[name]()] for name in names}, sys.stdout)


if __name__ == "__main__":
    main()
