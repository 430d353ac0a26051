"""How the reference scripts (differential/reference.py, formats/reference.py) write a tensor for
the TypeScript side to compare: dtype, shape, and each value as text (strings as hex)."""
import numpy as np


def encode_value(v, dtype):
    if dtype == "string":
        return v.hex()
    if dtype == "bool":
        return "true" if v else "false"
    if dtype in ("float32", "float64"):
        return repr(float(v))
    return str(int(v))


def encode(t):
    dtype = t.dtype.name
    # An object array keeps bytes whole (numpy's fixed-width bytes dtype drops trailing NULs).
    a = np.asarray(t.numpy(), dtype=object if dtype == "string" else None)
    return {"dtype": dtype, "shape": list(a.shape), "values": [encode_value(v, dtype) for v in a.reshape(-1).tolist()]}
