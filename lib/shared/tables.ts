// Tables TypeScript and C++ share. This file is their one source: `npm run gen:tables` writes
// native/generated/tables.h from it (checked fresh in CI), and the TS side imports it.

/**
 * Every TF_DataType (tensorflow/c/tf_datatype.h). `bytes`: size of one element (0 for strings,
 * resources and variants, which are not flat). `host`: a Tensor can carry it in JS; `graph`: a Sym
 * can have it inside a pipeline.
 */
export const DTYPE_TABLE = [
  { tf: 1, name: 'float32', bytes: 4, host: true, graph: true },
  { tf: 2, name: 'float64', bytes: 8, host: true, graph: true },
  { tf: 3, name: 'int32', bytes: 4, host: true, graph: true },
  { tf: 4, name: 'uint8', bytes: 1, host: true, graph: true },
  { tf: 5, name: 'int16', bytes: 2, host: true, graph: true },
  { tf: 6, name: 'int8', bytes: 1, host: true, graph: true },
  { tf: 7, name: 'string', bytes: 0, host: true, graph: true },
  { tf: 8, name: 'complex64', bytes: 8, host: false, graph: false },
  { tf: 9, name: 'int64', bytes: 8, host: true, graph: true },
  { tf: 10, name: 'bool', bytes: 1, host: true, graph: true },
  { tf: 11, name: 'qint8', bytes: 1, host: false, graph: false },
  { tf: 12, name: 'quint8', bytes: 1, host: false, graph: false },
  { tf: 13, name: 'qint32', bytes: 4, host: false, graph: false },
  { tf: 14, name: 'bfloat16', bytes: 2, host: false, graph: true },
  { tf: 15, name: 'qint16', bytes: 2, host: false, graph: false },
  { tf: 16, name: 'quint16', bytes: 2, host: false, graph: false },
  { tf: 17, name: 'uint16', bytes: 2, host: true, graph: true },
  { tf: 18, name: 'complex128', bytes: 16, host: false, graph: false },
  { tf: 19, name: 'float16', bytes: 2, host: false, graph: true },
  { tf: 20, name: 'resource', bytes: 0, host: false, graph: true },
  { tf: 21, name: 'variant', bytes: 0, host: false, graph: true },
  { tf: 22, name: 'uint32', bytes: 4, host: true, graph: true },
  { tf: 23, name: 'uint64', bytes: 8, host: true, graph: true },
] as const;

/** TensorFlow status codes, indexed by their numeric value (tensorflow/core/protobuf/error_codes.proto). */
export const TF_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/**
 * The ops whose kernels ask JavaScript for data (native/js_ops.cc registers them, and
 * lib/iterate/js-host.ts answers): each request carries its op's `kind`.
 */
export const JS_OPS = {
  open: { kind: 0, name: 'TfdataNodeJsOpen' },
  pull: { kind: 1, name: 'TfdataNodeJsPull' },
  close: { kind: 2, name: 'TfdataNodeJsClose' },
  call: { kind: 3, name: 'TfdataNodeJsCall' },
} as const;

/** The addon's file name, and where it is looked for under the package root, in order. */
export const ADDON_FILE = 'tfdata.node';
export function addonCandidates(platform: string, arch: string): string[][] {
  return [
    ['prebuilds', `${platform}-${arch}`, ADDON_FILE],
    ['build', 'Release', ADDON_FILE],
  ];
}
