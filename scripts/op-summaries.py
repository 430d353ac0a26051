# Prints {op name: first paragraph of its Python docstring} for every op in tf.raw_ops, as JSON.
# The C registry keeps summaries for few ops; Python's generated wrappers carry the rest.
import json
import sys

import tensorflow as tf

summaries = {}
for name in dir(tf.raw_ops):
    if name.startswith("__"):
        continue
    doc = (getattr(tf.raw_ops, name).__doc__ or "").strip()
    summaries[name] = " ".join(doc.split("\n\n")[0].split())
json.dump(summaries, sys.stdout, sort_keys=True)
