import { DTYPE_TABLE } from '../shared/tables';

/** The element types a host tensor can carry. */
export type DType =
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'string';

/** Graph-only types that appear inside pipelines (datasets are variants) besides the host dtypes. */
export type GraphDType = DType | 'variant' | 'resource' | 'float16' | 'bfloat16';

/** Dtypes arithmetic accepts. */
export type NumericDType = Exclude<DType, 'string' | 'bool'>;
/** Integer dtypes. */
export type IntegerDType = Exclude<NumericDType, 'float32' | 'float64'>;
/** Floating-point dtypes. */
export type FloatDType = 'float32' | 'float64';

/** The TypedArray that holds each dtype's data. */
export interface DataTypeMap {
  /** float32 data. */
  float32: Float32Array;
  /** float64 data. */
  float64: Float64Array;
  /** int8 data. */
  int8: Int8Array;
  /** int16 data. */
  int16: Int16Array;
  /** int32 data. */
  int32: Int32Array;
  /** int64 data. */
  int64: BigInt64Array;
  /** uint8 data. */
  uint8: Uint8Array;
  /** uint16 data. */
  uint16: Uint16Array;
  /** uint32 data. */
  uint32: Uint32Array;
  /** uint64 data. */
  uint64: BigUint64Array;
  /** bool data. */
  bool: Uint8Array;
  /** string data. */
  string: Uint8Array[];
}

/** The JS value of one element of each dtype. */
export interface ValueTypeMap {
  /** One float32 element. */
  float32: number;
  /** One float64 element. */
  float64: number;
  /** One int8 element. */
  int8: number;
  /** One int16 element. */
  int16: number;
  /** One int32 element. */
  int32: number;
  /** One int64 element. */
  int64: bigint;
  /** One uint8 element. */
  uint8: number;
  /** One uint16 element. */
  uint16: number;
  /** One uint32 element. */
  uint32: number;
  /** One uint64 element. */
  uint64: bigint;
  /** One bool element. */
  bool: boolean;
  /** One string element. */
  string: string;
}

/** Any TypedArray a tensor can be made from. */
export type AnyTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

// TF_DataType values come from the table shared with the C++ side.
const TF_ENUM = new Map<string, number>(DTYPE_TABLE.filter((d) => d.graph).map((d) => [d.name, d.tf]));
const FROM_ENUM = new Map<number, GraphDType>(
  DTYPE_TABLE.filter((d) => d.graph).map((d) => [d.tf, d.name as GraphDType]),
);
const ANY_NAME = new Map<number, string>(DTYPE_TABLE.map((d) => [d.tf, d.name]));

/** Every dtype a host tensor can carry. */
export const DTYPES: readonly DType[] = [
  'float32',
  'float64',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
  'string',
];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function toTFEnum(dtype: GraphDType): number {
  const v = TF_ENUM.get(dtype);
  if (v === undefined) throw new TypeError(`unknown dtype '${String(dtype)}'`);
  return v;
}

export function fromTFEnum(value: number): GraphDType {
  // TF reports reference types as value + 100.
  const dtype = FROM_ENUM.get(value > 100 ? value - 100 : value);
  if (dtype === undefined) {
    const name = ANY_NAME.get(value > 100 ? value - 100 : value) ?? `number ${value}`;
    throw new TypeError(
      `TensorFlow dtype ${name} is not supported by tfdata-node (a graph can carry: ${[...TF_ENUM.keys()].join(', ')})`,
    );
  }
  return dtype;
}

type TypedArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): AnyTypedArray;
  new (length: number): AnyTypedArray;
  BYTES_PER_ELEMENT: number;
};

const ARRAY_CTORS: Record<Exclude<DType, 'string'>, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
};

export function arrayCtor(dtype: Exclude<DType, 'string'>): TypedArrayCtor {
  return ARRAY_CTORS[dtype];
}

/** The dtype a TypedArray carries on its own (Uint8ClampedArray counts as uint8). */
export function dtypeOfArray(array: AnyTypedArray): Exclude<DType, 'string' | 'bool'> {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int8Array) return 'int8';
  if (array instanceof Int16Array) return 'int16';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof BigInt64Array) return 'int64';
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return 'uint8';
  if (array instanceof Uint16Array) return 'uint16';
  if (array instanceof Uint32Array) return 'uint32';
  if (array instanceof BigUint64Array) return 'uint64';
  throw new TypeError('unsupported TypedArray');
}

export function isTypedArray(value: unknown): value is AnyTypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Inclusive ranges of the integer dtypes that JS numbers can hold. */
export const INT_RANGE: Record<Exclude<IntegerDType, 'int64' | 'uint64'>, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};
