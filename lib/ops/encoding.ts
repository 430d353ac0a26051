// Bytes ↔ tensors: raw bytes as numbers (DecodeRaw, DecodePaddedRaw), web-safe base64, and
// gzip/zlib decompression of string tensors.
import { GraphContext } from '../graph/context';
import { Sym } from '../graph/sym';
import { Operand, toSym } from '../graph/operands';
import { DTYPES, NumericDType } from '../tensor/dtypes';
import { tensor } from '../tensor/tensor';

/** The dtypes decodeRaw reads bytes as (every numeric dtype but uint32/uint64, as DecodeRaw). */
export type RawDType = Exclude<NumericDType, 'uint32' | 'uint64'> | 'bool';

// DecodeRaw's out_type: every host dtype but strings and the unsigned 32/64-bit ones.
const RAW_DTYPES: readonly string[] = DTYPES.filter((d) => d !== 'string' && d !== 'uint32' && d !== 'uint64');

function bytesOf(input: Operand<'string'>, what: string): Sym {
  const s = toSym(input, 'string', what);
  if (s.dtype !== 'string') throw new TypeError(`${what}: input must be a string tensor, got ${s.dtype}`);
  return s;
}

/**
 * Reads each string's bytes as a vector of `dtype` (tf.io.decode_raw): output [...input shape, n].
 * `fixedLength` pads or truncates each string to that many bytes first (DecodePaddedRaw); without
 * it every string must have the same length. Little-endian unless `littleEndian: false`.
 */
export function decodeRaw<D extends RawDType>(
  input: Operand<'string'>,
  dtype: D,
  options: { littleEndian?: boolean; fixedLength?: number } = {},
): Sym<D> {
  const what = 'decodeRaw';
  if (!RAW_DTYPES.includes(dtype))
    throw new TypeError(`${what}: dtype must be one of ${RAW_DTYPES.join(', ')}, got ${String(dtype)}`);
  const bytes = bytesOf(input, what);
  const ctx = GraphContext.require(what);
  const littleEndian = options.littleEndian ?? true;
  if (typeof littleEndian !== 'boolean') throw new TypeError(`${what}: littleEndian must be a boolean`);
  if (options.fixedLength === undefined)
    return ctx.addOp('DecodeRaw', [bytes], { out_type: dtype, little_endian: littleEndian })[0] as Sym<D>;
  const n = options.fixedLength;
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31 - 1)
    throw new RangeError(`${what}: fixedLength must be an integer from 0 to 2^31 - 1, got ${String(n)}`);
  return ctx.addOp('DecodePaddedRaw', [bytes, ctx.constant(tensor(n, 'int32'))], {
    out_type: dtype,
    little_endian: littleEndian,
  })[0] as Sym<D>;
}

/** Decodes web-safe base64 (`-` and `_`, padding optional), as tf.io.decode_base64. */
export function decodeBase64(input: Operand<'string'>): Sym<'string'> {
  return GraphContext.require('decodeBase64').addOp('DecodeBase64', [
    bytesOf(input, 'decodeBase64'),
  ])[0] as Sym<'string'>;
}

/** Encodes as web-safe base64 (tf.io.encode_base64); `pad: true` adds `=` padding. */
export function encodeBase64(input: Operand<'string'>, options: { pad?: boolean } = {}): Sym<'string'> {
  const pad = options.pad ?? false;
  if (typeof pad !== 'boolean') throw new TypeError('encodeBase64: pad must be a boolean');
  return GraphContext.require('encodeBase64').addOp('EncodeBase64', [bytesOf(input, 'encodeBase64')], {
    pad,
  })[0] as Sym<'string'>;
}

/** Decompresses each string (tf.io.decode_compressed): 'GZIP', 'ZLIB', or '' (none). */
export function decodeCompressed(input: Operand<'string'>, compression: '' | 'GZIP' | 'ZLIB' = ''): Sym<'string'> {
  if (compression !== '' && compression !== 'GZIP' && compression !== 'ZLIB')
    throw new TypeError(`decodeCompressed: compression must be '', 'GZIP' or 'ZLIB', got ${String(compression)}`);
  return GraphContext.require('decodeCompressed').addOp('DecodeCompressed', [bytesOf(input, 'decodeCompressed')], {
    compression_type: compression,
  })[0] as Sym<'string'>;
}
