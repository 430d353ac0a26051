// The element spec file of a saved dataset (`dataset_spec.pb`, next to the snapshot): Python's
// nested_structure_coder writes a tensorflow.StructuredValue (tensorflow/core/protobuf/struct.proto)
// and Dataset.load reads it when no element_spec is given. Dense components only: a tuple is a
// tuple_value, a record a dict_value, a component a TensorSpecProto.
import { fromTFEnum, toTFEnum } from '../../tensor/dtypes';
import { Skeleton } from '../../tensor/structure';
import { ProtoEntry, ProtoField, decodeProto, encodeProto, protoText } from '../../proto';
import type { TensorSpec } from '../../trace/function';
import { specText } from '../definition';

/** The file Python's Dataset.save writes the element spec to (dataset_ops.DATASET_SPEC_FILENAME). */
export const SPEC_FILENAME = 'dataset_spec.pb';

// StructuredValue fields.
const LIST = 51;
const TUPLE = 52;
const DICT = 53;
const NAMED_TUPLE = 54;
const TENSOR_SPEC = 33;
const KINDS: Record<number, string> = {
  1: 'None',
  11: 'a float',
  12: 'an int',
  13: 'a string',
  14: 'a bool',
  31: 'a TensorShape',
  32: 'a DType',
  34: 'a composite (TypeSpec)',
  35: 'a BoundedTensorSpec',
};

function shapeProto(shape: TensorSpec['shape']): ProtoField[] {
  if (shape === null) return [[3, true]]; // unknown_rank
  // Dim.size is -1 when unknown; proto3 leaves a 0 out, as Python's encoder does.
  return shape.map((d): ProtoField => [2, d === 0 ? [] : [[1, d === null ? -1 : d]]]);
}

/** Python's encoding of an element structure whose components are `specs`. */
export function encodeElementSpec(what: string, skeleton: Skeleton, specs: readonly TensorSpec[]): Uint8Array {
  let i = 0;
  const walk = (s: Skeleton): ProtoField[] => {
    if (s.kind === 'leaf') {
      const spec = specs[i++];
      if (spec.composite || spec.dtype === 'variant' || spec.dtype === 'resource')
        throw new TypeError(`${what}: component ${i - 1} is ${specText(spec)}; only dense tensors can be saved`);
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
    // A map<string, StructuredValue>: entries of key (1) and value (2), sorted keys as tf.nest.
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

/** The structure and components a spec file describes; a TypeError for what it cannot hold. */
export function decodeElementSpec(what: string, bytes: Uint8Array): { skeleton: Skeleton; specs: TensorSpec[] } {
  const specs: TensorSpec[] = [];
  const values = (entry: ProtoEntry) => decodeProto(entry.bytes).filter((e) => e.field === 1);
  const walk = (message: Uint8Array): Skeleton => {
    const [entry] = decodeProto(message);
    if (entry === undefined) throw new TypeError(`${what}: the element spec is empty`);
    switch (entry.field) {
      case TENSOR_SPEC:
        specs.push(decodeTensorSpec(entry.bytes));
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
          `${what}: the saved element spec holds ${KINDS[entry.field] ?? `field ${entry.field}`}; ` +
            'only tensors in tuples and dicts can be loaded (give elementSpec)',
        );
    }
  };
  const skeleton = walk(bytes);
  return { skeleton, specs };
}
