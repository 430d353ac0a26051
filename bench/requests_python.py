"""W7, the Python tf.data contender (eager, as a Python service runs it): the same request-time
pipelines as bench/requests-child.mjs. Prints one JSON line. usage: requests_python.py <requests>"""
import json
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROWS, COLS, WARMUP = 8, 4, 20
WEIGHTS = np.array([0.5, -1, 2, 0.25], dtype=np.float32)


def w7_input(i):
    k = np.arange(ROWS * COLS)
    return (((i * 7 + k * 3) % 17) / 4 - 2).astype(np.float32).reshape(ROWS, COLS)


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))]


weights = tf.constant(WEIGHTS)
scale = tf.autograph.experimental.do_not_convert(lambda x: x * weights + 1)


def pipeline(data):
    return tf.data.Dataset.from_tensor_slices(data).map(scale).batch(ROWS)


def timed(count, fn):
    for i in range(WARMUP):
        fn(i)
    ms, check = [], 0.0
    for i in range(count):
        start = time.perf_counter()
        check += float(sum(b.numpy().sum(dtype=np.float64) for b in fn(i)))
        ms.append((time.perf_counter() - start) * 1000)
    return {"p50": percentile(ms, 50), "p99": percentile(ms, 99), "check": check}


requests = int(sys.argv[1])
shared = pipeline(w7_input(0))
print(json.dumps({
    "iterator": timed(requests, lambda i: list(shared)),
    "pipeline": timed(requests, lambda i: list(pipeline(w7_input(i)))),
}))
