// A TensorFlow.js tensor given to `tensor()`: recognised by its shape (no import of tfjs, which
// is an optional peer) and read with `dataSync()`. tfjs has four dtypes besides complex64.
import type { DType } from './dtypes';

/** The parts of a TensorFlow.js `Tensor` that `tensor()` reads. */
export interface TfjsTensorLike {
  /** 'float32' | 'int32' | 'bool' | 'string' | 'complex64'. */
  readonly dtype: string;
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** True once `dispose()` was called. */
  readonly isDisposed: boolean;
  /** The values, synchronously (a TypedArray, or strings for a string tensor). */
  dataSync(): ArrayLike<number> | ArrayLike<string> | ArrayLike<Uint8Array>;
}

// tfjs dtypes → ours. complex64 has no counterpart here.
const FROM_TFJS: Readonly<Record<string, DType>> = {
  float32: 'float32',
  int32: 'int32',
  bool: 'bool',
  string: 'string',
};

/** Whether `value` looks like a TensorFlow.js tensor. */
export function isTfjsTensor(value: unknown): value is TfjsTensorLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TfjsTensorLike>;
  return (
    typeof v.dataSync === 'function' &&
    typeof v.dtype === 'string' &&
    Array.isArray(v.shape) &&
    typeof v.isDisposed === 'boolean'
  );
}

/** The dtype, shape and values of a tfjs tensor (values: a TypedArray, or strings). */
export function readTfjsTensor(t: TfjsTensorLike): {
  dtype: DType;
  shape: number[];
  values: ArrayLike<number> | string[];
} {
  if (t.isDisposed) throw new TypeError('values is a disposed TensorFlow.js tensor');
  const dtype = FROM_TFJS[t.dtype];
  if (!dtype)
    throw new TypeError(`values is a TensorFlow.js ${t.dtype} tensor; supported: float32, int32, bool, string`);
  const data = t.dataSync();
  const values = dtype === 'string' ? Array.from(data as ArrayLike<string>) : (data as ArrayLike<number>);
  return { dtype, shape: [...t.shape], values };
}
