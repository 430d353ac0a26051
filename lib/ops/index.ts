// `ops`: every typed op builder, for `import { ops as tf } from 'tfdata-node'`.
import './methods'; // attaches Sym's method forms
export * from './math';
export * from './compare';
export * from './shape';
export * from './reduce';
export { cond } from './control';
export * from './random';
export * from './image';
export * from './string';
export * from './example';
export type { RaggedPartition } from './ragged-partition';
export * from './sparse';
export * from './encoding';
export { decodeCsv } from './csv';
export type { CsvDType, CsvDefault, CsvColumnDType, CsvColumns, CsvFormatOptions } from './csv';
export { rawOp } from './raw';
export { traceFunction } from './function';
/** Every op TensorFlow registers, typed from its OpDef (generated): `tf.raw.Cumsum({ x, axis: 0 })`. */
export * as raw from './generated/index';
export type { Operand, HostValue, Axis, DivResult } from '../graph/operands';
