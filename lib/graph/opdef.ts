// OpDef (tensorflow/core/framework/op_def.proto), read from the op registry of the loaded
// TensorFlow: it drives attr inference and conversion when ops are added, and `npm run gen:ops`
// generates the typed builders of lib/ops/generated/ from the same parse.
import { ProtoEntry, decodeProto, protoInt, protoPackedFloats, protoPackedInts, protoText } from '../proto';

export interface ArgDef {
  name: string;
  description: string;
  /** Fixed dtype (TF enum) or 0. */
  type: number;
  typeAttr: string;
  numberAttr: string;
  typeListAttr: string;
  /** A reference-typed argument (TF1 variables): such ops cannot run inside a function. */
  isRef: boolean;
}

/** An attr value as the registry states it (defaults, allowed values). */
export type RegistryValue =
  | { kind: 's'; value: string }
  | { kind: 'i' | 'f' | 'type'; value: number }
  | { kind: 'b'; value: boolean }
  | { kind: 'shape'; value: (number | null)[] | null }
  | { kind: 'tensor' | 'func' | 'placeholder' | 'none' }
  | {
      kind: 'list';
      s: string[];
      i: number[];
      f: number[];
      b: boolean[];
      type: number[];
      shapes: ((number | null)[] | null)[];
    };

export interface AttrDef {
  name: string;
  /** 'int', 'float', 'bool', 'string', 'type', 'shape', 'tensor', 'func', 'list(int)', … */
  type: string;
  description: string;
  hasDefault: boolean;
  defaultValue: RegistryValue | undefined;
  /** For 'type'/'list(type)' attrs: the dtypes (TF enums) allowed, when restricted. */
  allowedTypes: number[] | undefined;
  /** For 'string' attrs: the strings allowed, when restricted. */
  allowedStrings: string[] | undefined;
  /** Lower bound of an int attr or of a list's length, when the OpDef sets one. */
  minimum: number | undefined;
}

export interface OpDef {
  name: string;
  inputs: ArgDef[];
  outputs: ArgDef[];
  attrs: Map<string, AttrDef>;
  summary: string;
  description: string;
  isStateful: boolean;
  /** Set when the op is deprecated from a GraphDef version on. */
  deprecation: { version: number; explanation: string } | undefined;
}

const group = (entries: ProtoEntry[], field: number) => entries.filter((e) => e.field === field);
const first = (entries: ProtoEntry[], field: number) => entries.find((e) => e.field === field);

function parseArg(buf: Uint8Array): ArgDef {
  const arg: ArgDef = {
    name: '',
    description: '',
    type: 0,
    typeAttr: '',
    numberAttr: '',
    typeListAttr: '',
    isRef: false,
  };
  for (const e of decodeProto(buf)) {
    if (e.field === 1) arg.name = protoText(e);
    else if (e.field === 2) arg.description = protoText(e);
    else if (e.field === 3) arg.type = protoInt(e);
    else if (e.field === 4) arg.typeAttr = protoText(e);
    else if (e.field === 5) arg.numberAttr = protoText(e);
    else if (e.field === 6) arg.typeListAttr = protoText(e);
    else if (e.field === 16) arg.isRef = e.int !== 0n;
  }
  return arg;
}

/** TensorShapeProto: dims (field 2, each with size 1) unless unknown_rank (3). */
function parseShape(buf: Uint8Array): (number | null)[] | null {
  const fields = decodeProto(buf);
  if (fields.some((e) => e.field === 3 && e.int !== 0n)) return null;
  return group(fields, 2).map((dim) => {
    const size = first(decodeProto(dim.bytes), 1);
    const n = size ? protoInt(size) : 0;
    return n < 0 ? null : n;
  });
}

/** AttrValue (attr_value.proto). */
export function parseAttrValue(buf: Uint8Array): RegistryValue {
  for (const e of decodeProto(buf)) {
    switch (e.field) {
      case 2:
        return { kind: 's', value: protoText(e) };
      case 3:
        return { kind: 'i', value: protoInt(e) };
      case 4:
        return { kind: 'f', value: protoPackedFloats([e])[0] };
      case 5:
        return { kind: 'b', value: e.int !== 0n };
      case 6:
        return { kind: 'type', value: protoInt(e) };
      case 7:
        return { kind: 'shape', value: parseShape(e.bytes) };
      case 8:
        return { kind: 'tensor' };
      case 9:
        return { kind: 'placeholder' };
      case 10:
        return { kind: 'func' };
      case 1: {
        const l = decodeProto(e.bytes);
        return {
          kind: 'list',
          s: group(l, 2).map(protoText),
          i: protoPackedInts(group(l, 3)),
          f: protoPackedFloats(group(l, 4)),
          b: protoPackedInts(group(l, 5)).map((v) => v !== 0),
          type: protoPackedInts(group(l, 6)),
          shapes: group(l, 7).map((s) => parseShape(s.bytes)),
        };
      }
    }
  }
  return { kind: 'none' };
}

function parseAttr(buf: Uint8Array): AttrDef {
  const attr: AttrDef = {
    name: '',
    type: '',
    description: '',
    hasDefault: false,
    defaultValue: undefined,
    allowedTypes: undefined,
    allowedStrings: undefined,
    minimum: undefined,
  };
  let hasMinimum = false;
  let minimum = 0;
  for (const e of decodeProto(buf)) {
    if (e.field === 1) attr.name = protoText(e);
    else if (e.field === 2) attr.type = protoText(e);
    else if (e.field === 3) {
      attr.hasDefault = true;
      attr.defaultValue = parseAttrValue(e.bytes);
    } else if (e.field === 4) attr.description = protoText(e);
    else if (e.field === 5) hasMinimum = e.int !== 0n;
    else if (e.field === 6) minimum = protoInt(e);
    else if (e.field === 7) {
      const allowed = parseAttrValue(e.bytes);
      if (allowed.kind === 'list') {
        if (attr.type.endsWith('type)') || attr.type === 'type') attr.allowedTypes = allowed.type;
        else if (allowed.s.length > 0) attr.allowedStrings = allowed.s;
      }
    }
  }
  // allowed_values may come before type in the wire order: settle which list applies here.
  if (attr.allowedTypes && !(attr.type === 'type' || attr.type === 'list(type)')) attr.allowedTypes = undefined;
  if (hasMinimum) attr.minimum = minimum;
  return attr;
}

export function parseOpDef(buf: Uint8Array): OpDef {
  const def: OpDef = {
    name: '',
    inputs: [],
    outputs: [],
    attrs: new Map(),
    summary: '',
    description: '',
    isStateful: false,
    deprecation: undefined,
  };
  for (const e of decodeProto(buf)) {
    if (e.field === 1) def.name = protoText(e);
    else if (e.field === 2) def.inputs.push(parseArg(e.bytes));
    else if (e.field === 3) def.outputs.push(parseArg(e.bytes));
    else if (e.field === 4) {
      const a = parseAttr(e.bytes);
      def.attrs.set(a.name, a);
    } else if (e.field === 5) def.summary = protoText(e);
    else if (e.field === 6) def.description = protoText(e);
    else if (e.field === 8) {
      const d = decodeProto(e.bytes);
      const version = first(d, 1);
      const why = first(d, 2);
      def.deprecation = { version: version ? protoInt(version) : 0, explanation: why ? protoText(why) : '' };
    } else if (e.field === 17) def.isStateful = e.int !== 0n;
  }
  return def;
}

/** OpList (field 1: OpDef, repeated). */
export function parseOpList(buf: Uint8Array): OpDef[] {
  return group(decodeProto(buf), 1).map((e) => parseOpDef(e.bytes));
}

/** KernelList → the device types that have a kernel for the op (KernelDef.device_type). */
export function kernelDevices(buf: Uint8Array): string[] {
  const devices = group(decodeProto(buf), 1).map((k) => {
    const d = first(decodeProto(k.bytes), 2);
    return d ? protoText(d) : '';
  });
  return [...new Set(devices)].sort();
}
