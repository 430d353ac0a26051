"""Writes the files of the data-format workloads (W8, W9) with Python's own writers, once per size.
usage: formats_data.py <dir> <w8 rows> <w9 rows>. The contents follow formulas, so every run is
the same: W8 a TFRecord of tf.train.Examples (a 64x64 RGB JPEG, an int64 label, 3 floats), W9 a
CSV with a header, 6 float columns, an int column and a quoted string column."""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def image_of(i):
    y = np.arange(64)[:, None, None]
    x = np.arange(64)[None, :, None]
    c = np.arange(3)[None, None, :]
    return ((i * 7 + y * 13 + x * 3 + c * 29) % 256).astype(np.uint8)


def write_tfrecord(path, n):
    # Few distinct images (JPEG encoding is slow in Python), many records.
    jpegs = [tf.io.encode_jpeg(image_of(k), quality=90).numpy() for k in range(64)]
    with tf.io.TFRecordWriter(path) as w:
        for i in range(n):
            ex = tf.train.Example(features=tf.train.Features(feature={
                "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[jpegs[i % 64]])),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
                "extra": tf.train.Feature(float_list=tf.train.FloatList(value=[i * 0.5, -i * 0.25, 1.0])),
            }))
            w.write(ex.SerializeToString())


def write_csv(path, n):
    with open(path, "w", newline="") as f:
        f.write("a,b,c,d,e,f,count,name\n")
        for i in range(n):
            v = [((i * 31 + j * 17) % 1000) / 8 - 60 for j in range(6)]
            f.write(",".join(f"{x:g}" for x in v) + f",{i % 97},\"n, {i % 13}\"\n")


def main():
    d, n_records, n_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(d, exist_ok=True)
    w8 = os.path.join(d, f"w8-{n_records}.tfrecord")
    w9 = os.path.join(d, f"w9-{n_rows}.csv")
    if not os.path.exists(w8):
        write_tfrecord(w8 + ".tmp", n_records)
        os.replace(w8 + ".tmp", w8)
    if not os.path.exists(w9):
        write_csv(w9 + ".tmp", n_rows)
        os.replace(w9 + ".tmp", w9)
    print('{"w8": "%s", "w9": "%s"}' % (w8, w9))


if __name__ == "__main__":
    main()
