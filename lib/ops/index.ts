// `ops`: every typed op builder, for `import { ops as tf } from 'tfdata-node'`.
export * from './math';
export * from './compare';
export * from './shape';
export * from './reduce';
export { cond } from './control';
export * from './random';
export * from './image';
export * from './string';
export { rawOp } from './raw';
export type { Operand, HostValue, Axis, DivResult } from './convert';
