"""Files and reference results for the data-format differential tests (formats.test.ts).

Reads {"dir": ..., "names": [...]} on stdin. Writes the fixture files into `dir` with Python's
own writers (TFRecords of tf.train.Example / SequenceExample, GZIP, CSV, images of several
formats, fixed-length records), then prints one JSON object: case name -> list of elements, each
a list of components {dtype, shape, values}. Composites are expanded as the TypeScript side
expands its host values: a SparseTensor as indices, values, dense_shape; a RaggedTensor as its
nested row splits, outermost first, then its flat values. Records flatten in sorted key order.
"""
import base64
import gzip
import json
import os
import struct
import sys
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "differential"))
from encoding import encode  # noqa: E402  (shared with differential/reference.py)

tf.get_logger().setLevel("ERROR")
tf.autograph.set_verbosity(0)


def nf(fn):
    return tf.autograph.experimental.do_not_convert(fn)


# ---------------------------------------------------------------- fixture files


def feature(v):
    if isinstance(v, bytes) or (isinstance(v, list) and v and isinstance(v[0], bytes)):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=v if isinstance(v, list) else [v]))
    if isinstance(v, float) or (isinstance(v, list) and v and isinstance(v[0], float)):
        return tf.train.Feature(float_list=tf.train.FloatList(value=v if isinstance(v, list) else [v]))
    if isinstance(v, list) and not v:
        return tf.train.Feature(int64_list=tf.train.Int64List(value=[]))
    return tf.train.Feature(int64_list=tf.train.Int64List(value=v if isinstance(v, list) else [v]))


def example_features(i):
    f = {
        "id": i,
        "x": [i * 0.5, -i * 1.25, 3.0 + i],
        "name": b"item-%d" % i,
        "tags": [b"t%d" % j for j in range(i % 4)] or [],
        "vals": [float(j) / 4 for j in range(i % 5)],
        "ints": [j * 10 + i for j in range(i % 3)],
        "seq": [float(i), float(-i)] * (i % 3),
    }
    if i % 2 == 0:
        f["opt"] = [i, i * 2]
    out = {}
    for k, v in f.items():
        if k == "tags" and not v:
            out[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=[]))
        elif k in ("vals", "seq") and not v:
            out[k] = tf.train.Feature(float_list=tf.train.FloatList(value=[]))
        else:
            out[k] = feature(v)
    return tf.train.Example(features=tf.train.Features(feature=out))


def sequence_example(i):
    return tf.train.SequenceExample(
        context=tf.train.Features(feature={"len": feature(i % 4), "label": feature(b"L%d" % i)}),
        feature_lists=tf.train.FeatureLists(feature_list={
            "tok": tf.train.FeatureList(feature=[feature([j, j + i]) if j % 2 else feature([j]) for j in range(i % 4)]),
            "emb": tf.train.FeatureList(feature=[feature([float(j), float(i)]) for j in range(i % 4)]),
        }),
    )


# Python's SerializeToString(deterministic=True) of these records (map entries in key order; the
# default order is the hash table's), for encodeExample.
ENCODE_RECORDS = [
    {"a": 1, "b": [1.5, -2.0], "c": b"hello"},
    {"ints": [0, -1, 2**40, -(2**63)], "empty_f": [], "s": [b"", b"\x00\xff"]},
    {"z": 3.25, "y": [7], "x": [b"one", b"two"]},
]


def encode_record_feature(v):
    if isinstance(v, list) and not v:
        return tf.train.Feature(float_list=tf.train.FloatList(value=[]))
    return feature(v)


def write_bmp(path, img):
    h, w, _ = img.shape
    row = (w * 3 + 3) // 4 * 4
    pixels = b"".join(
        bytes(img[y, :, ::-1].reshape(-1)) + b"\x00" * (row - w * 3) for y in range(h - 1, -1, -1)
    )
    header = b"BM" + struct.pack("<IHHI", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    with open(path, "wb") as f:
        f.write(header + info + pixels)


def write_gif(path, frames, palette):
    """A GIF whose LZW stream restarts (clear code) often enough that codes stay 8 bits wide."""
    h, w = frames[0].shape
    out = bytearray(b"GIF89a" + struct.pack("<HHBBB", w, h, 0xF6, 0, 0))  # global table of 128 colours
    table = np.zeros((128, 3), np.uint8)
    table[: len(palette)] = palette
    out += bytes(table.reshape(-1))
    for frame in frames:
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, w, h, 0)
        out += bytes([7])  # minimum code size: clear = 128, end = 129, codes 8 bits wide
        codes = []
        for k, p in enumerate(frame.reshape(-1).tolist()):
            if k % 100 == 0:
                codes.append(128)
            codes.append(p)
        codes.append(129)
        data = bytes(codes)
        for k in range(0, len(data), 255):
            chunk = data[k:k + 255]
            out += bytes([len(chunk)]) + chunk
        out += b"\x00"
    out += b"\x3b"
    with open(path, "wb") as f:
        f.write(out)


def write_fixtures(d):
    os.makedirs(d, exist_ok=True)
    with tf.io.TFRecordWriter(os.path.join(d, "examples.tfrecord")) as w:
        for i in range(10):
            w.write(example_features(i).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(d, "examples.tfrecord.gz"), options="GZIP") as w:
        for i in range(10):
            w.write(example_features(i).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(d, "sequence.tfrecord")) as w:
        for i in range(6):
            w.write(sequence_example(i).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(d, "partitioned.tfrecord")) as w:
        for i in range(8):
            k = i % 4
            f = {
                "vals": tf.train.Feature(float_list=tf.train.FloatList(value=[float(j) + i / 10 for j in range(2 * k)])),
                "lens": feature([1, 2 * k - 1] if k else []),
                "splits": feature([0, 1, 2 * k] if k else [0]),
                "starts": feature([0, 1] if k else []),
                "limits": feature([1, 2 * k] if k else []),
                "outer_lens": feature([1, 1] if k else []),
                "pair_lens": feature([1, k - 1] if k > 1 else [1] if k == 1 else []),
                "rowids": feature([0] + [2] * (2 * k - 1) if k else []),
                "tri_lens": feature([1, 2] if k else []),
            }
            w.write(tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(d, "bad_type.tfrecord")) as w:
        w.write(tf.train.Example(features=tf.train.Features(feature={"id": feature(1.5)})).SerializeToString())
    with tf.io.TFRecordWriter(os.path.join(d, "missing.tfrecord")) as w:
        w.write(tf.train.Example(features=tf.train.Features(feature={"other": feature(1)})).SerializeToString())
    with open(os.path.join(d, "examples.tfrecord"), "rb") as f:
        good = f.read()
    corrupt = bytearray(good)
    corrupt[20] ^= 0xFF  # inside the first record's data: its CRC no longer matches
    with open(os.path.join(d, "corrupt.tfrecord"), "wb") as f:
        f.write(bytes(corrupt))
    with open(os.path.join(d, "encode.json"), "w") as f:
        json.dump([
            base64.b64encode(tf.train.Example(features=tf.train.Features(
                feature={k: encode_record_feature(v) for k, v in r.items()})).SerializeToString(deterministic=True)).decode()
            for r in ENCODE_RECORDS
        ], f)
    # CSV: a header, quotes around delimiters, newlines and quotes, NA values, CRLF line ends.
    with open(os.path.join(d, "data.csv"), "w", newline="") as f:
        f.write("id,score,name,flag\n")
        f.write("1,0.5,plain,7\n")
        f.write('2,NA,"with, comma",8\n')
        f.write('3,2.25,"multi\nline",NA\n')
        f.write('4,-1,"say ""hi""",10\n')
        f.write("5,,empty-score,11\n")
    with open(os.path.join(d, "crlf.csv"), "w", newline="") as f:
        f.write("a,b,c\r\n1,x,2.5\r\n2,y,3.5\r\n3,\"z,z\",4.5\r\n")
    with open(os.path.join(d, "semi.csv"), "w", newline="") as f:
        f.write("1;a b;2\n3;c'd;4\n")
    with gzip.open(os.path.join(d, "data.csv.gz"), "wb") as f:
        f.write(b"id,score,name,flag\n1,0.5,plain,7\n2,1.5,two,8\n")
    with open(os.path.join(d, "infer.csv"), "w", newline="") as f:
        f.write("count,ratio,word,big,label\n")
        for i in range(12):
            f.write(f"{i},{i / 4},w{i % 3},{i * 3000000000},{i % 2}\n")
    with open(os.path.join(d, "bad.csv"), "w", newline="") as f:
        f.write("1,2,3\n4,5\n6,7,8\n")
    # Images: JPEG, PNG (RGBA and grey), GIF (two frames) and BMP, as decode_image reads them.
    img = (np.arange(6 * 5 * 3).reshape(6, 5, 3) * 11 % 256).astype(np.uint8)
    imgs = os.path.join(d, "images")
    os.makedirs(imgs, exist_ok=True)
    tf.io.write_file(os.path.join(imgs, "a.jpg"), tf.io.encode_jpeg(img, quality=95))
    rgba = np.concatenate([img, np.full((6, 5, 1), 200, np.uint8)], axis=2)
    tf.io.write_file(os.path.join(imgs, "b.png"), tf.io.encode_png(rgba))
    tf.io.write_file(os.path.join(imgs, "c.png"), tf.io.encode_png(img[:, :, :1]))
    palette = [(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255), (250, 250, 250)]
    frames = [(np.arange(4 * 7).reshape(4, 7) % 5).astype(np.uint8), (np.arange(4 * 7).reshape(4, 7) * 3 % 5).astype(np.uint8)]
    write_gif(os.path.join(imgs, "d.gif"), frames, palette)
    write_bmp(os.path.join(imgs, "e.bmp"), img[:4, :3])
    with open(os.path.join(imgs, "a.jpg"), "rb") as f:
        jpg = f.read()
    with open(os.path.join(d, "truncated.jpg"), "wb") as f:
        f.write(jpg[: len(jpg) // 2])
    # Fixed-length records: a 4-byte header, 6-byte records, a 2-byte footer.
    with open(os.path.join(d, "fixed.bin"), "wb") as f:
        f.write(b"HEAD" + bytes(range(36)) + b"FT")
    with open(os.path.join(d, "fixed.bin.gz"), "wb") as f:
        f.write(zlib.compress(b"HEAD" + bytes(range(36)) + b"FT"))  # ZLIB
    with open(os.path.join(d, "lines.txt"), "w") as f:
        f.write(base64.urlsafe_b64encode(b"hello world").decode().rstrip("=") + "\n")
        f.write(base64.urlsafe_b64encode(b"\x00\x01\xfe\xff?").decode() + "\n")


# ---------------------------------------------------------------- cases

D = os.environ.get("TFDATA_FORMATS_DIR", "/nonexistent")


def p(name):
    return os.path.join(D, name)


FIXED = {
    "id": tf.io.FixedLenFeature([], tf.int64),
    "x": tf.io.FixedLenFeature([3], tf.float32),
    "name": tf.io.FixedLenFeature([], tf.string),
    "opt": tf.io.FixedLenFeature([2], tf.int64, default_value=[-1, -2]),
}
VAR = {"tags": tf.io.VarLenFeature(tf.string), "vals": tf.io.VarLenFeature(tf.float32), "id": tf.io.FixedLenFeature([], tf.int64)}
RAGGED = {
    "ints": tf.io.RaggedFeature(tf.int64),
    "v": tf.io.RaggedFeature(tf.float32, value_key="vals", row_splits_dtype=tf.int64),
}
SEQ = {"seq": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True, default_value=9.0)}


SPARSE = tf.SparseTensor(indices=[[0, 0], [1, 2], [3, 1], [3, 2]], values=[1.5, 2.5, 3.5, 4.5], dense_shape=[5, 3])
RAGGED_HOST = tf.RaggedTensor.from_nested_row_splits(
    tf.constant([1, 2, 3, 4, 5, 6], tf.int64), [tf.constant([0, 2, 3, 4], tf.int64), tf.constant([0, 1, 3, 4, 6], tf.int64)])


RF = tf.io.RaggedFeature
PARTITIONS = {
    "lengths": [RF.RowLengths("lens")],
    "splits": [RF.RowSplits("splits")],
    "starts": [RF.RowStarts("starts")],
    "limits": [RF.RowLimits("limits")],
    "uniform": [RF.UniformRowLength(2)],
    "nested": [RF.RowLengths("outer_lens"), RF.RowLengths("lens")],
    "pairs": [RF.RowLengths("pair_lens"), RF.UniformRowLength(2)],
    "rowids": [RF.ValueRowIds("rowids")],
    "rowids_nested": [RF.RowLengths("tri_lens"), RF.ValueRowIds("rowids")],
}


def composite_rows():
    for i in range(1, 5):
        values = tf.constant([j + 10 * i for j in range(i)], tf.float32)
        cells = [[j, (j * i) % 4] for j in range(i)]
        yield {
            "s": tf.SparseTensor(tf.constant(cells, tf.int64), values, [4, 4]),
            "r": tf.RaggedTensor.from_row_splits(values, tf.constant([0, 1 if i > 1 else 0, i], tf.int64)),
            "n": np.int32(i),
        }


COMPOSITE_SIGNATURE = {
    "s": tf.SparseTensorSpec([4, 4], tf.float32),
    "r": tf.RaggedTensorSpec([2, None], tf.float32),
    "n": tf.TensorSpec([], tf.int32),
}


def partitioned(kind, single):
    spec = {"r": RF(tf.float32, value_key="vals", partitions=PARTITIONS[kind], row_splits_dtype=tf.int64)}
    if single:
        return records("partitioned.tfrecord").map(nf(lambda s: tf.io.parse_single_example(s, spec)))
    return records("partitioned.tfrecord").batch(3).map(nf(lambda s: tf.io.parse_example(s, spec)))


def records(name="examples.tfrecord", **kw):
    return tf.data.TFRecordDataset(p(name), **kw)


def csv_types():
    return [tf.int32, tf.constant([-1.0]), tf.string, tf.constant([0], tf.int64)]


CASES = {
    "example_fixed": lambda: records().batch(4).map(nf(lambda s: tf.io.parse_example(s, FIXED))),
    "example_single": lambda: records().map(nf(lambda s: tf.io.parse_single_example(s, FIXED))),
    "example_varlen": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, VAR))),
    "example_varlen_single_batch": lambda: records().map(nf(lambda s: tf.io.parse_single_example(s, VAR))).batch(4),
    "example_varlen_unbatch": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, VAR))).unbatch(),
    "example_ragged": lambda: records().batch(4).map(nf(lambda s: tf.io.parse_example(s, RAGGED))),
    "example_ragged_single": lambda: records().map(nf(lambda s: tf.io.parse_single_example(s, RAGGED))),
    "example_ragged_batch": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, RAGGED))).batch(2),
    "example_ragged_unbatch": lambda: records().batch(4).map(nf(lambda s: tf.io.parse_example(s, RAGGED))).unbatch(),
    "example_to_dense": lambda: records().batch(4).map(nf(lambda s: tf.io.parse_example(s, {**RAGGED, "tags": VAR["tags"]}))).map(nf(lambda e: (e["ints"].to_tensor(default_value=-1), e["v"].to_tensor(), tf.sparse.to_dense(e["tags"], default_value=b"?")))),
    "example_sequence_feature": lambda: records().batch(5).map(nf(lambda s: tf.io.parse_example(s, SEQ))),
    "example_gzip": lambda: records("examples.tfrecord.gz", compression_type="GZIP").batch(4).map(nf(lambda s: tf.io.parse_example(s, {**FIXED, **VAR}))),
    "example_sparse_map": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, VAR))).map(nf(lambda e: (tf.sparse.to_dense(e["vals"]), e["tags"]))),
    "sequence_example": lambda: records("sequence.tfrecord").map(nf(lambda s: tf.io.parse_single_sequence_example(
        s,
        context_features={"len": tf.io.FixedLenFeature([], tf.int64), "label": tf.io.FixedLenFeature([], tf.string)},
        sequence_features={"tok": tf.io.VarLenFeature(tf.int64), "emb": tf.io.FixedLenSequenceFeature([2], tf.float32)},
    ))),
    "sequence_example_batch": lambda: records("sequence.tfrecord").batch(4).map(nf(lambda s: tf.io.parse_sequence_example(
        s,
        context_features={"len": tf.io.FixedLenFeature([], tf.int64)},
        sequence_features={"tok": tf.io.RaggedFeature(tf.int64), "emb": tf.io.FixedLenSequenceFeature([2], tf.float32)},
    ))),
    "csv_header": lambda: tf.data.experimental.CsvDataset(p("data.csv"), csv_types(), header=True, na_value="NA"),
    "csv_select": lambda: tf.data.experimental.CsvDataset(p("data.csv"), [tf.string, tf.constant([0], tf.int64)], header=True, select_cols=[2, 3], na_value="NA"),
    "csv_crlf": lambda: tf.data.experimental.CsvDataset(p("crlf.csv"), [tf.int32, tf.string, tf.float64], header=True),
    "csv_delim_noquote": lambda: tf.data.experimental.CsvDataset(p("semi.csv"), [tf.int64, tf.string, tf.float32], field_delim=";", use_quote_delim=False),
    "csv_gzip": lambda: tf.data.experimental.CsvDataset(p("data.csv.gz"), [tf.int32, tf.float32, tf.string, tf.int32], header=True, compression_type="GZIP"),
    "csv_make": lambda: tf.data.experimental.make_csv_dataset(p("infer.csv"), batch_size=5, label_name="label", shuffle=False, num_epochs=1),
    "csv_make_select": lambda: tf.data.experimental.make_csv_dataset(p("data.csv"), batch_size=2, select_columns=["id", "name"], shuffle=False, num_epochs=1, na_value="NA"),
    "csv_make_shuffle": lambda: tf.data.experimental.make_csv_dataset(p("infer.csv"), batch_size=4, shuffle=True, shuffle_seed=5, shuffle_buffer_size=12, num_epochs=2),
    "decode_csv": lambda: tf.data.TextLineDataset(p("crlf.csv")).skip(1).map(nf(lambda l: tf.io.decode_csv(tf.strings.regex_replace(l, "\r$", ""), [[0], [""], [0.0]]))),
    "list_files": lambda: tf.data.Dataset.list_files(p("images/*"), shuffle=False),
    "list_files_seeded": lambda: tf.data.Dataset.list_files([p("images/*.png"), p("images/*.jpg"), p("*.csv")], shuffle=True, seed=42),
    "decode_image": lambda: tf.data.Dataset.list_files(p("images/*"), shuffle=False).map(nf(lambda f: tf.io.decode_image(tf.io.read_file(f), channels=3))),
    "decode_image_flat": lambda: tf.data.Dataset.list_files(p("images/*"), shuffle=False).map(nf(lambda f: tf.io.decode_image(tf.io.read_file(f), expand_animations=False))),
    "decode_raw": lambda: tf.data.FixedLengthRecordDataset(p("fixed.bin"), 6, header_bytes=4, footer_bytes=2).map(nf(lambda r: (tf.io.decode_raw(r, tf.uint8), tf.io.decode_raw(r, tf.int16), tf.io.decode_raw(r, tf.uint16, little_endian=False)))),
    "fixed_length_zlib": lambda: tf.data.FixedLengthRecordDataset(p("fixed.bin.gz"), 6, header_bytes=4, footer_bytes=2, compression_type="ZLIB"),
    "base64": lambda: tf.data.TextLineDataset(p("lines.txt")).map(nf(lambda l: (tf.io.decode_base64(l), tf.io.encode_base64(tf.io.decode_base64(l)), tf.io.encode_base64(l, pad=True)))),
    "decode_compressed": lambda: tf.data.Dataset.from_tensors(tf.io.read_file(p("data.csv.gz"))).map(nf(lambda b: tf.strings.split(tf.io.decode_compressed(b, "GZIP"), "\n"))),
    "fixed_length_of_filenames": lambda: tf.data.FixedLengthRecordDataset(tf.data.Dataset.from_tensor_slices([p("fixed.bin"), p("fixed.bin")]), 6, header_bytes=4, footer_bytes=2),
    "text_lines_parallel_reads": lambda: tf.data.TextLineDataset(tf.data.Dataset.from_tensor_slices([p("lines.txt"), p("crlf.csv"), p("lines.txt")]), num_parallel_reads=2),
    "tfrecords_parallel_reads": lambda: tf.data.TFRecordDataset(tf.data.Dataset.from_tensor_slices([p("examples.tfrecord"), p("examples.tfrecord")]), num_parallel_reads=2),
    "tfrecords_of_filenames": lambda: tf.data.TFRecordDataset(tf.data.Dataset.from_tensor_slices([p("examples.tfrecord"), p("examples.tfrecord.gz")]).take(1)),
    # Sparse and ragged components given to sources, and through more transformations.
    "sparse_slices": lambda: tf.data.Dataset.from_tensor_slices(SPARSE).batch(2),
    "sparse_from_tensors": lambda: tf.data.Dataset.from_tensors(SPARSE).repeat(2).batch(2),
    "ragged_slices": lambda: tf.data.Dataset.from_tensor_slices(RAGGED_HOST).batch(2),
    "ragged_from_tensors": lambda: tf.data.Dataset.from_tensors(RAGGED_HOST),
    "generator_composites": lambda: tf.data.Dataset.from_generator(composite_rows, output_signature=COMPOSITE_SIGNATURE),
    "generator_composites_batched": lambda: tf.data.Dataset.from_generator(composite_rows, output_signature=COMPOSITE_SIGNATURE).shuffle(4, seed=2).batch(2),
    "sparse_flat_map": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, VAR))).flat_map(nf(lambda e: tf.data.Dataset.from_tensor_slices(e["vals"]))),
    "composite_concatenate": lambda: records().batch(3).map(nf(lambda s: tf.io.parse_example(s, VAR))).concatenate(records("examples.tfrecord.gz", compression_type="GZIP").map(nf(lambda s: tf.io.parse_single_example(s, VAR))).batch(4)),
    "composite_pipeline": lambda: records().batch(2).map(nf(lambda s: tf.io.parse_example(s, {**VAR, **{"r": tf.io.RaggedFeature(tf.int64, value_key="ints")}}))).filter(nf(lambda e: tf.size(e["vals"].values) > 1)).shuffle(10, seed=3).cache().repeat(2).batch(2),
    **{f"partition_{k}": (lambda k=k: partitioned(k, False)) for k in PARTITIONS},
    **{f"partition_{k}_single": (lambda k=k: partitioned(k, True)) for k in PARTITIONS},
    "csv_ignore_errors": lambda: tf.data.experimental.CsvDataset(p("bad.csv"), [tf.int32] * 3).ignore_errors(),
    "images_ignore_errors": lambda: tf.data.Dataset.list_files(p("images/*"), shuffle=False).concatenate(tf.data.Dataset.from_tensor_slices([p("truncated.jpg"), p("data.csv")])).map(nf(lambda f: tf.io.decode_image(tf.io.read_file(f), channels=3))).ignore_errors(),
    # Bad input: each fails with TensorFlow's error class (compared with our TFError's code).
    "csv_make_ignore_errors": lambda: tf.data.experimental.make_csv_dataset(p("bad.csv"), 2, column_names=["a", "b", "c"], column_defaults=[tf.int32] * 3, header=False, shuffle=False, num_epochs=1, ignore_errors=True),
    "err_corrupt_record": lambda: records("corrupt.tfrecord"),
    "err_missing_feature": lambda: records("missing.tfrecord").map(nf(lambda s: tf.io.parse_single_example(s, {"id": tf.io.FixedLenFeature([], tf.int64)}))),
    "err_wrong_type": lambda: records("bad_type.tfrecord").map(nf(lambda s: tf.io.parse_single_example(s, {"id": tf.io.FixedLenFeature([], tf.int64)}))),
    "err_wrong_type_varlen": lambda: records("bad_type.tfrecord").batch(2).map(nf(lambda s: tf.io.parse_example(s, {"id": tf.io.VarLenFeature(tf.int64)}))),
    "err_csv_fields": lambda: tf.data.experimental.CsvDataset(p("bad.csv"), [tf.int32] * 3),
    "err_decode_csv_fields": lambda: tf.data.TextLineDataset(p("bad.csv")).map(nf(lambda l: tf.io.decode_csv(l, [[0], [0], [0]]))),
    "err_truncated_image": lambda: tf.data.Dataset.from_tensor_slices([p("truncated.jpg")]).map(nf(lambda f: tf.io.decode_image(tf.io.read_file(f)))),
    "err_not_an_image": lambda: tf.data.Dataset.from_tensor_slices([p("data.csv")]).map(nf(lambda f: tf.io.decode_image(tf.io.read_file(f)))),
    "err_no_files": lambda: tf.data.Dataset.list_files(p("nothing*")),
    "written_tfrecords": lambda: tf.data.TFRecordDataset(p("written.tfrecord.gz"), compression_type="GZIP").map(nf(lambda s: tf.io.parse_single_example(s, {"v": tf.io.FixedLenFeature([], tf.int64)}))),
}


def flatten(v):
    if isinstance(v, tf.SparseTensor):
        return [v.indices, v.values, v.dense_shape]
    if isinstance(v, tf.RaggedTensor):
        return list(v.nested_row_splits) + [v.flat_values]
    if isinstance(v, dict):
        return [x for k in sorted(v) for x in flatten(v[k])]
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in flatten(item)]
    return [v]


def main():
    req = json.loads(sys.stdin.read())
    global D
    D = req["dir"]
    if req.get("write"):
        write_fixtures(D)
    out = {}
    for name in req["names"]:
        elements = []
        try:
            for e in CASES[name]():
                elements.append([encode(c) for c in flatten(e)])
            out[name] = elements
        except Exception as e:  # reported per case, with how many elements came before it
            out[name] = {"error": f"{type(e).__name__}: {e}", "class": type(e).__name__, "before": len(elements)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
