"""A Python tf.data consumer of a dataset that Node registered with the tf.data service.

usage: consumer.py SERVICE DATASET_ID MODE [JOB_NAME]

Reads it with from_dataset_id, without an element_spec: the one Node registered in the
dataset's metadata is used. Prints {"ready": true} once TensorFlow is loaded and the dataset
built (the test starts its own consumer then, so both share the job), then one JSON line:
{"spec": the element spec with [dtype, shape] leaves, "elements": [...]} (each flattened in
tf.nest order).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

service, dataset_id, mode = sys.argv[1:4]
job_name = sys.argv[4] if len(sys.argv) > 4 else None
ds = tf.data.experimental.service.from_dataset_id(
    processing_mode=mode, service=service, dataset_id=dataset_id, job_name=job_name
)
print(json.dumps({"ready": True}), flush=True)


def plain(t):
    v = t.numpy()
    return v.decode() if isinstance(v, bytes) else v.tolist()


elements = [[plain(t) for t in tf.nest.flatten(e)] for e in ds]
spec = tf.nest.map_structure(
    lambda s: [s.dtype.name, None if s.shape.rank is None else s.shape.as_list()], ds.element_spec
)
print(json.dumps({"spec": spec, "elements": elements}), flush=True)
