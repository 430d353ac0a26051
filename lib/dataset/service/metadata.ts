// The small protobuf messages the tf.data service ops take as bytes, written by hand with their
// field numbers (tensorflow/core/protobuf/data_service.proto, checked against
// TensorFlow 2.21's Python descriptors).
import { encodeProto } from '../../proto';
import { Skeleton } from '../../tensor/structure';
import { encodeStructure } from '../structured-value';
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

/** A serialized DataServiceMetadata: the element spec and the compression. */
export function serviceMetadata(
  skeleton: Skeleton,
  specs: readonly TensorSpec[],
  compression: Compression,
): Uint8Array {
  return encodeProto([
    [1, encodeStructure('distribute', skeleton, specs)],
    [2, COMPRESSION[compression]],
  ]);
}
