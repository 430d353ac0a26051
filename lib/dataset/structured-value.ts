// An element structure as a tensorflow.StructuredValue (tensorflow/core/protobuf/struct.proto), the
// way Python's nested_structure_coder writes an element_spec: a tuple is a tuple_value, a record
// a dict_value, a dense component a TensorSpecProto, a sparse or ragged one a TypeSpecProto
// holding (shape, dtype[, ragged_rank, row_splits_dtype]). Saved datasets (`dataset_spec.pb`, read
// by Python's Dataset.load) and the tf.data service's metadata (read by from_dataset_id) use it.
import { DType, fromTFEnum, toTFEnum } from '../tensor/dtypes';
import { Skeleton } from '../tensor/structure';
import { ProtoEntry, ProtoField, decodeProto, encodeProto, protoText } from '../proto';
import { CompositeSpec } from '../graph/composite';
import type { RowSplitsDType } from '../tensor/composite';
import type { TensorSpec } from '../trace/function';
import { compositeComponent, specText } from './definition';

// StructuredValue fields.
const INT64 = 12; // sint64: zigzag-encoded
const SHAPE = 31;
const DTYPE = 32;
const TENSOR_SPEC = 33;
const TYPE_SPEC = 34;
const LIST = 51;
const TUPLE = 52;
const DICT = 53;
const NAMED_TUPLE = 54;
const KINDS: Record<number, string> = {
  1: 'None',
  11: 'a float',
  12: 'an int',
  13: 'a string',
  14: 'a bool',
  31: 'a TensorShape',
  32: 'a DType',
  35: 'a BoundedTensorSpec',
};
// TypeSpecProto.TypeSpecClass values, and the class names Python writes with them.
const SPARSE_TENSOR_SPEC = 1;
const RAGGED_TENSOR_SPEC = 3;
const TYPE_SPEC_NAMES: Record<number, string> = {
  2: 'an IndexedSlices',
  4: 'a TensorArray',
  5: 'a dataset',
  6: 'an iterator',
  7: 'an Optional',
  9: 'a variable',
  13: 'an extension type',
};

function shapeProto(shape: TensorSpec['shape']): ProtoField[] {
  if (shape === null) return [[3, true]]; // unknown_rank
  // Dim.size is -1 when unknown; proto3 leaves a 0 out, as Python's encoder does.
  return shape.map((d): ProtoField => [2, d === 0 ? [] : [[1, d === null ? -1 : d]]]);
}

/** A sint64 field's wire value (zigzag: 0, -1, 1, -2… are 0, 1, 2, 3…), for a small n >= 0. */
function zigzag(n: number): number {
  return n * 2;
}

/** A sint64 field's value from its wire value. */
function unzigzag(n: bigint): number {
  return Number((n >> 1n) ^ -(n & 1n));
}

/** A sparse or ragged component's TypeSpecProto, with its state as Python's `_serialize()` gives it. */
function typeSpecValue(c: CompositeSpec): ProtoField[] {
  const state: ProtoField[] = [
    [1, [[SHAPE, shapeProto(c.shape)]]],
    [1, [[DTYPE, toTFEnum(c.dtype)]]],
  ];
  if (c.kind === 'ragged') state.push([1, [[INT64, zigzag(c.raggedRank)]]], [1, [[DTYPE, toTFEnum(c.rowSplitsDtype)]]]);
  const rank = c.shape === null ? 1 : c.shape.length;
  return [
    [
      TYPE_SPEC,
      [
        [1, c.kind === 'sparse' ? SPARSE_TENSOR_SPEC : RAGGED_TENSOR_SPEC],
        [2, [[TUPLE, state]]],
        [3, c.kind === 'sparse' ? 'SparseTensorSpec' : 'RaggedTensorSpec'],
        // The tensors the value flattens to: indices, values, dense shape; or splits and values.
        [4, c.kind === 'sparse' ? 3 : Math.min(c.raggedRank, rank) + 1],
      ],
    ],
  ];
}

/** Python's encoding of an element structure whose components are `specs`. */
export function encodeStructure(what: string, skeleton: Skeleton, specs: readonly TensorSpec[]): Uint8Array {
  let i = 0;
  const walk = (s: Skeleton): ProtoField[] => {
    if (s.kind === 'leaf') {
      const spec = specs[i++];
      if (spec.composite) return typeSpecValue(spec.composite);
      if (spec.dtype === 'variant' || spec.dtype === 'resource')
        throw new TypeError(`${what}: component ${i - 1} is ${specText(spec)}, which has no element spec encoding`);
      return [
        [
          TENSOR_SPEC,
          [
            [2, shapeProto(spec.shape)],
            [3, toTFEnum(spec.dtype)],
          ],
        ],
      ];
    }
    if (s.kind === 'tuple') return [[TUPLE, s.items.map((item): ProtoField => [1, walk(item)])]];
    // A map<string, StructuredValue>: entries of key (1) and value (2).
    return [
      [
        DICT,
        s.keys.map((k, j): ProtoField => [
          1,
          [
            [1, k],
            [2, walk(s.items[j])],
          ],
        ]),
      ],
    ];
  };
  return encodeProto(walk(skeleton));
}

function decodeShape(bytes: Uint8Array): TensorSpec['shape'] {
  const dims: (number | null)[] = [];
  for (const e of decodeProto(bytes)) {
    if (e.field === 3 && e.int !== 0n) return null;
    if (e.field === 2) {
      const size = decodeProto(e.bytes).find((d) => d.field === 1)?.int ?? 0n;
      const n = Number(BigInt.asIntN(64, size));
      dims.push(n < 0 ? null : n);
    }
  }
  return dims;
}

function decodeTensorSpec(bytes: Uint8Array): TensorSpec {
  let shape: TensorSpec['shape'] = [];
  let dtype = 0;
  for (const e of decodeProto(bytes)) {
    if (e.field === 2) shape = decodeShape(e.bytes);
    if (e.field === 3) dtype = Number(e.int);
  }
  return { dtype: fromTFEnum(dtype), shape };
}

/** A SparseTensorSpec's or RaggedTensorSpec's component; a TypeError for other type specs. */
function decodeTypeSpec(what: string, bytes: Uint8Array): TensorSpec {
  const fields = decodeProto(bytes);
  const kind = Number(fields.find((e) => e.field === 1)?.int ?? 0n);
  if (kind !== SPARSE_TENSOR_SPEC && kind !== RAGGED_TENSOR_SPEC) {
    const name = fields.find((e) => e.field === 3);
    throw new TypeError(
      `${what}: the element spec holds ${TYPE_SPEC_NAMES[kind] ?? (name ? protoText(name) : `type spec ${kind}`)}; ` +
        'only dense, sparse and ragged tensors in tuples and dicts are understood (give elementSpec)',
    );
  }
  const stateBytes = fields.find((e) => e.field === 2)?.bytes ?? new Uint8Array();
  const tuple = decodeProto(stateBytes).find((e) => e.field === TUPLE);
  const state = tuple
    ? decodeProto(tuple.bytes)
        .filter((e) => e.field === 1)
        .map((v) => decodeProto(v.bytes)[0])
    : [];
  const shape = state[0]?.field === SHAPE ? decodeShape(state[0].bytes) : null;
  const dtype = fromTFEnum(Number(state[1]?.int ?? 0n)) as DType;
  const composite: CompositeSpec =
    kind === SPARSE_TENSOR_SPEC
      ? { kind: 'sparse', dtype, shape }
      : {
          kind: 'ragged',
          dtype,
          shape,
          raggedRank: state[2] ? unzigzag(state[2].int) : shape === null ? 1 : shape.length - 1,
          rowSplitsDtype: fromTFEnum(Number(state[3]?.int ?? BigInt(toTFEnum('int64')))) as RowSplitsDType,
        };
  return compositeComponent(composite);
}

/** The structure and components a StructuredValue describes; a TypeError for what it cannot hold. */
export function decodeStructure(what: string, bytes: Uint8Array): { skeleton: Skeleton; specs: TensorSpec[] } {
  const specs: TensorSpec[] = [];
  const values = (entry: ProtoEntry) => decodeProto(entry.bytes).filter((e) => e.field === 1);
  const walk = (message: Uint8Array): Skeleton => {
    const [entry] = decodeProto(message);
    if (entry === undefined) throw new TypeError(`${what}: the element spec is empty`);
    switch (entry.field) {
      case TENSOR_SPEC:
        specs.push(decodeTensorSpec(entry.bytes));
        return { kind: 'leaf' };
      case TYPE_SPEC:
        specs.push(decodeTypeSpec(what, entry.bytes));
        return { kind: 'leaf' };
      case TUPLE:
      case LIST:
        return { kind: 'tuple', items: values(entry).map((v) => walk(v.bytes)) };
      case NAMED_TUPLE:
        // NamedTupleValue: name (1), values (2) of PairValue key (1) / value (2); flattened by position.
        return {
          kind: 'tuple',
          items: decodeProto(entry.bytes)
            .filter((e) => e.field === 2)
            .map((pair) => walk(decodeProto(pair.bytes).find((e) => e.field === 2)?.bytes ?? new Uint8Array())),
        };
      case DICT: {
        const fields = values(entry).map((kv) => {
          const parts = decodeProto(kv.bytes);
          const key = parts.find((e) => e.field === 1);
          const value = parts.find((e) => e.field === 2);
          return [key ? protoText(key) : '', value?.bytes ?? new Uint8Array()] as const;
        });
        fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return { kind: 'record', keys: fields.map(([k]) => k), items: fields.map(([, v]) => walk(v)) };
      }
      default:
        throw new TypeError(
          `${what}: the element spec holds ${KINDS[entry.field] ?? `field ${entry.field}`}; ` +
            'only tensors in tuples and dicts can be loaded (give elementSpec)',
        );
    }
  };
  const skeleton = walk(bytes);
  return { skeleton, specs };
}
