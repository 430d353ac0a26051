// The small protobuf messages the tf.data service ops take as bytes, written by hand with their
// field numbers (tensorflow/core/protobuf/data_service.proto and struct.proto, checked against
// TensorFlow 2.21's Python descriptors).
import { ProtoField, encodeProto } from '../../proto';
import { Skeleton } from '../../tensor/structure';
import { toTFEnum } from '../../tensor/dtypes';
import type { TensorSpec } from '../../trace/function';

/** How the service splits the work among workers (ProcessingModeDef.ShardingPolicy). */
export type ProcessingMode = 'off' | 'dynamic' | 'file' | 'data' | 'fileOrData' | 'hint';
const SHARDING: Record<ProcessingMode, number> = { off: 0, dynamic: 1, file: 2, data: 3, fileOrData: 4, hint: 5 };

/** How elements travel from workers: 'auto' lets the service decide, 'snappy' forces it. */
export type Compression = 'auto' | 'none' | 'snappy';
// DataServiceMetadata.Compression: Python maps AUTO to COMPRESSION_SNAPPY, SNAPPY to FORCED.
const COMPRESSION: Record<Compression, number> = { none: 1, auto: 2, snappy: 3 };

export function checkProcessingMode(mode: unknown, name: string): ProcessingMode {
  if (typeof mode !== 'string' || !Object.hasOwn(SHARDING, mode))
    throw new RangeError(`${name} must be one of ${Object.keys(SHARDING).join(', ')}, got ${String(mode)}`);
  return mode as ProcessingMode;
}

export function checkCompression(compression: unknown, name: string): Compression {
  if (typeof compression !== 'string' || !Object.hasOwn(COMPRESSION, compression))
    throw new RangeError(`${name} must be 'auto', 'none' or 'snappy', got ${String(compression)}`);
  return compression as Compression;
}

/** A serialized ProcessingModeDef. */
export function processingModeDef(mode: ProcessingMode): Uint8Array {
  return encodeProto([[1, SHARDING[mode]]]);
}

/** A TensorSpecProto inside a StructuredValue, as Python's nested_structure_coder writes it. */
function tensorSpecValue(spec: TensorSpec): ProtoField[] {
  const shape: ProtoField[] =
    spec.shape === null ? [[3, true]] : spec.shape.map((d) => [2, [[1, d === null ? -1 : d]]] as ProtoField);
  return [
    [
      33,
      [
        [2, shape],
        [3, toTFEnum(spec.dtype)],
      ],
    ],
  ];
}

/** The element structure as a StructuredValue (so Python's from_dataset_id needs no element_spec). */
export function structuredValue(skeleton: Skeleton, specs: readonly TensorSpec[]): Uint8Array {
  let i = 0;
  const walk = (s: Skeleton): ProtoField[] => {
    if (s.kind === 'leaf') return tensorSpecValue(specs[i++]);
    if (s.kind === 'tuple') return [[52, s.items.map((x) => [1, walk(x)] as ProtoField)]];
    return [
      [
        53,
        s.keys.map(
          (k, j) =>
            [
              1,
              [
                [1, k],
                [2, walk(s.items[j])],
              ],
            ] as ProtoField,
        ),
      ],
    ];
  };
  return encodeProto(walk(skeleton));
}

/** A serialized DataServiceMetadata: the element spec and the compression. */
export function serviceMetadata(
  skeleton: Skeleton,
  specs: readonly TensorSpec[],
  compression: Compression,
): Uint8Array {
  return encodeProto([
    [1, structuredValue(skeleton, specs)],
    [2, COMPRESSION[compression]],
  ]);
}
