// Adding an op from one object of named inputs and attrs, as `tf.raw.OpName({ ... })` does: the
// op's registered OpDef says which names are inputs (converted to Syms) and which are attrs, and
// how the flat outputs group into named results.
import { addon } from '../native';
import type { GraphDType } from '../tensor/dtypes';
import { fromTFEnum } from '../tensor/dtypes';
import { GraphContext, type GraphFunction } from './context';
import { ArgDef, OpDef, kernelDevices } from './opdef';
import { toSym } from './operands';
import { Sym } from './sym';

// Why an op type cannot run in a pipeline (null: it can), asked of the registry once per type.
const unrunnable = new Map<string, string | null>();

function whyUnrunnable(def: OpDef): string | null {
  let why = unrunnable.get(def.name);
  if (why !== undefined) return why;
  why = null;
  if ([...def.inputs, ...def.outputs].some((a) => a.isRef)) {
    why =
      'it takes reference-typed (TF1 variable) tensors, which a TensorFlow function cannot hold; ' +
      'use the resource-variable form of the op';
  } else {
    const devices = kernelDevices(addon().kernelsFor(def.name));
    if (!devices.includes('CPU') && !devices.includes('DEFAULT')) {
      const only = devices.length ? ` (only for ${devices.join(', ')})` : '';
      why = `no CPU kernel is registered for it in this TensorFlow${only}`;
    }
  }
  unrunnable.set(def.name, why);
  return why;
}

const isFunctionValue = (v: unknown): v is GraphFunction =>
  typeof v === 'object' && v !== null && 'native' in v && 'captures' in v && 'dependencies' in v;

/**
 * Adds op `type` with `args` keyed by the OpDef's input and attr names (plus `name`, the node name
 * prefix). Returns undefined (no outputs), a Sym, a Sym[] (one list output), or a record of them.
 */
export function callOp(type: string, args: Record<string, unknown> | undefined): unknown {
  const ctx = GraphContext.require(`tf.raw.${type}`);
  const def = ctx.opDef(type);
  const why = whyUnrunnable(def);
  if (why !== null) throw new TypeError(`tf.raw.${type} cannot be used in a pipeline: ${why}`);
  const given: Record<string, unknown> = { ...(args ?? {}) };
  const nodeName = given.name;
  delete given.name;
  if (nodeName !== undefined && typeof nodeName !== 'string')
    throw new TypeError(`tf.raw.${type}: name must be a string`);
  const inputNames = new Set(def.inputs.map((a) => a.name));
  for (const key of Object.keys(given)) {
    if (!inputNames.has(key) && !def.attrs.has(key)) {
      const known = [...inputNames, ...def.attrs.keys()].join(', ') || 'none';
      throw new TypeError(`tf.raw.${type} has no input or attr '${key}' (it has: ${known})`);
    }
  }

  // The dtype a host literal adopts: the attr given, else that of a Sym bound to the same type
  // attr, else the attr's default; a fixed input dtype wins over all.
  const dtypeOf = (arg: ArgDef): GraphDType | undefined => {
    if (arg.type !== 0) return fromTFEnum(arg.type);
    if (!arg.typeAttr) return undefined;
    const explicit = given[arg.typeAttr];
    if (typeof explicit === 'string') return explicit as GraphDType;
    for (const other of def.inputs) {
      if (other.typeAttr !== arg.typeAttr) continue;
      const v = given[other.name];
      const sym = v instanceof Sym ? v : Array.isArray(v) ? v.find((x) => x instanceof Sym) : undefined;
      if (sym) return sym.dtype;
    }
    const fallback = def.attrs.get(arg.typeAttr)?.defaultValue;
    return fallback?.kind === 'type' ? fromTFEnum(fallback.value) : undefined;
  };

  const inputs = def.inputs.map((arg) => {
    const v = given[arg.name];
    const where = `tf.raw.${type} input '${arg.name}'`;
    if (v === undefined) throw new TypeError(`${where} is missing`);
    if (arg.numberAttr || arg.typeListAttr) {
      if (!Array.isArray(v)) throw new TypeError(`${where} is a list of tensors: pass an array of operands`);
      return v.map((x) => toSym(x, dtypeOf(arg), where));
    }
    return toSym(v, dtypeOf(arg), where);
  });

  const attrs: Record<string, never> = {};
  for (const [key, value] of Object.entries(given)) {
    if (inputNames.has(key) || value === undefined) continue;
    const kind = def.attrs.get(key)?.type;
    if ((kind === 'func' || kind === 'list(func)') && value !== undefined) {
      for (const fn of (Array.isArray(value) ? value : [value]) as unknown[]) {
        if (!isFunctionValue(fn))
          throw new TypeError(`tf.raw.${type} attr '${key}' must be a traced function (tf.traceFunction)`);
        if (fn.captures.length > 0) {
          throw new TypeError(
            `tf.raw.${type} attr '${key}': the function captures ${fn.captures.length} value(s) from outside; ` +
              'a raw op cannot pass them, so give them as explicit arguments',
          );
        }
      }
    }
    attrs[key] = value as never;
  }

  const outputs = ctx.addOp(type, inputs as (Sym | Sym[])[], attrs, nodeName ? { name: nodeName } : {});
  if (def.outputs.length === 0) return undefined;
  // How many tensors each output arg has: list outputs follow a number or type-list attr, given or
  // inferred from an input list bound to the same attr.
  const count = (arg: ArgDef): number => {
    const attr = arg.numberAttr || arg.typeListAttr;
    if (!attr) return 1;
    const explicit = given[attr];
    if (typeof explicit === 'number') return explicit;
    if (Array.isArray(explicit)) return explicit.length;
    const bound = def.inputs.find((i) => i.numberAttr === attr || i.typeListAttr === attr);
    return bound ? (given[bound.name] as unknown[]).length : outputs.length;
  };
  let at = 0;
  const grouped = def.outputs.map((arg) => {
    const n = count(arg);
    const slice = outputs.slice(at, at + n);
    at += n;
    return arg.numberAttr || arg.typeListAttr ? slice : slice[0];
  });
  if (def.outputs.length === 1) return grouped[0];
  return Object.fromEntries(def.outputs.map((arg, i) => [arg.name, grouped[i]]));
}
