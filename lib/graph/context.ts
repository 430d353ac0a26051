// A graph being built: the pipeline graph, or the body of a function being traced. Knows how
// host values enter it (pipeline: Placeholder fed at iterator start; function: an extra input
// that the caller passes as other_arguments) and how outer symbolic tensors are captured.
import { createHash, Hash } from 'node:crypto';
import { DType, GraphDType, fromTFEnum, isDType, toTFEnum } from '../tensor/dtypes';
import { NativeAttr, NativeFunction, NativeGraph, NativeOperation, OutputRef, addon } from '../native';
import { OpDef, parseOpDef } from './opdef';
import { Sym, StaticShape } from './sym';
import { Tensor } from '../tensor/tensor';

/** A value an attr can take (the kind comes from the op's registered OpDef). */
export type AttrValue =
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | StaticShape
  | Tensor
  | GraphFunction
  | readonly (number | bigint | boolean | string | StaticShape | Tensor)[];

export type OpInput = Sym | readonly Sym[];

/** Where a captured input of a function comes from in the caller's graph. */
export type CaptureSource = { host: Tensor } | { outer: Sym } | { iterationToken: true };

/** A function a graph can call: what tracing makes (trace/function.ts), as the graph layer sees it. */
export interface GraphFunction {
  /** The function's name in the graph's library. */
  readonly name: string;
  /** @internal */
  readonly native: NativeFunction;
  /** @internal */
  readonly captures: CaptureSource[];
  /** @internal */
  readonly dependencies: GraphFunction[];
}

/**
 * One node as a traced callback added it (graph contexts made with `record`): what the
 * vectoriser (trace/vectorize.ts) replays, rule by rule, on batched inputs.
 */
export interface RecordedOp {
  /** The op type. */
  readonly type: string;
  /** Its inputs, as Syms of the recording graph. */
  readonly inputs: readonly OpInput[];
  /** Every attr it was given, type attrs inferred from the inputs included. */
  readonly attrs: Readonly<Record<string, AttrValue>>;
  /** Its outputs. */
  readonly outputs: readonly Sym[];
  /** It had control inputs (an ordering the vectoriser does not reproduce). */
  readonly controlled: boolean;
}

export interface AddOpOptions {
  /** Node name prefix (default: the op type). */
  name?: string;
  /** Skip attrs the loaded TensorFlow does not define (ops whose attrs vary across versions). */
  lenient?: boolean;
  controlInputs?: readonly Sym[];
}

const opDefCache = new Map<string, OpDef>();
// A protobuf message cannot exceed 2^31 - 1 bytes (TensorFlow crashes serializing a larger
// GraphDef); 16 MiB of it is left for the graph's nodes and function library.
const MAX_PROTO_BYTES = 2 ** 31 - 1 - 2 ** 24;

/** Bytes a host tensor takes once serialized (string cells count their bytes). */
function hostBytes(t: Tensor): number {
  if (t.dtype === 'string') return (t.data as Uint8Array[]).reduce((n, b) => n + b.length, 0);
  return (t.data as ArrayBufferView).byteLength;
}
const stack: GraphContext[] = [];

export class GraphContext {
  readonly native: NativeGraph;
  readonly kind: 'pipeline' | 'function';
  readonly parent: GraphContext | undefined;
  /** Host tensors fed into pipeline placeholders when an iterator starts (and the placeholders' names). */
  readonly feeds: [OutputRef, Tensor][] = [];
  readonly feedNames: string[] = [];
  /** Function contexts: the captured inputs, in order, and what each stands for outside. */
  readonly captures: { inner: Sym; source: CaptureSource }[] = [];
  /** Functions copied into this graph (by name). */
  readonly functions = new Map<string, GraphFunction>();
  /** Datasets already emitted here (so a dataset used twice is built once). */
  readonly emitted = new Map<object, Sym>();
  private readonly hostCaptures = new Map<unknown, Sym>();
  private token: Sym | undefined;
  private readonly outerCaptures = new Map<Sym, Sym>();
  private readonly names = new Map<string, number>();
  private disposed = false;
  // Every node added, in order, in a canonical form: equal digests mean equal graphs (TensorFlow's
  // own GraphDef bytes are not canonical: its attr maps serialise in any order). Only graphs that
  // ask for it hash their nodes (the compiled pipeline, the pipeline cache's key).
  private readonly structure: Hash | undefined;

  /** Every node added, in order, for graphs made with `record` (see RecordedOp). */
  readonly recorded: RecordedOp[] | undefined;

  /** Bake host tensors into the graph as Const: a standalone GraphDef (< 2 GB), or a function no caller feeds. */
  readonly inlineHostData: boolean;
  private inlinedBytes = 0;

  constructor(
    kind: 'pipeline' | 'function',
    parent?: GraphContext,
    options: { inlineHostData?: boolean; digest?: boolean; record?: boolean } = {},
  ) {
    this.kind = kind;
    this.recorded = options.record ? [] : undefined;
    this.parent = parent;
    this.inlineHostData = !!options.inlineHostData;
    this.structure = options.digest ? createHash('sha256') : undefined;
    this.native = new (addon().Graph)();
  }

  /** The graph ops are being added to, or undefined outside any callback. */
  static current(): GraphContext | undefined {
    return stack[stack.length - 1];
  }

  /** The current graph; ops outside a callback are an error. */
  static require(what: string): GraphContext {
    const ctx = GraphContext.current();
    if (!ctx) {
      throw new TypeError(
        `${what}: tf ops build graph nodes, ` +
          'so they can only be called inside a Dataset callback (map, filter, flatMap, …)',
      );
    }
    return ctx;
  }

  /** Runs `fn` with this graph as the current one. */
  within<R>(fn: () => R): R {
    stack.push(this);
    try {
      return fn();
    } finally {
      stack.pop();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.dispose();
  }

  opDef(type: string): OpDef {
    let def = opDefCache.get(type);
    if (!def) {
      def = parseOpDef(this.native.opDef(type));
      opDefCache.set(type, def);
    }
    return def;
  }

  private uniqueName(prefix: string): string {
    const clean = prefix.replace(/[^A-Za-z0-9_.\-/]/g, '_').replace(/^[^A-Za-z0-9.]/, 'op');
    const n = this.names.get(clean) ?? 0;
    this.names.set(clean, n + 1);
    return n === 0 ? clean : `${clean}_${n}`;
  }

  /** A Placeholder of the given spec. */
  placeholder(dtype: GraphDType, shape: StaticShape, name = 'input'): Sym {
    return this.addOp('Placeholder', [], { dtype, shape }, { name })[0];
  }

  /** A host tensor as a symbolic tensor of this graph (fed once, never serialised into it). */
  captureHost(value: Tensor, key: unknown = value): Sym {
    const known = this.hostCaptures.get(key);
    if (known) return known;
    if (this.inlineHostData) {
      this.inlinedBytes += hostBytes(value);
      if (this.inlinedBytes > MAX_PROTO_BYTES) {
        const what = this.kind === 'pipeline' ? 'toGraphDef({ inlineData: true })' : 'traceFunction';
        const instead =
          this.kind === 'pipeline'
            ? 'use toGraphDef() and feed graphFeeds() instead'
            : 'pass large data as inputs instead';
        throw new RangeError(
          `${what}: the host data to inline is ${this.inlinedBytes} bytes, ` +
            `over the 2 GB a protobuf can hold; ${instead}`,
        );
      }
      const c = this.constant(value);
      this.hostCaptures.set(key, c);
      return c;
    }
    const ph = this.placeholder(value.dtype, [...value.shape], 'captured');
    value.handle(); // the snapshot: host data is copied into TensorFlow when it is captured
    if (this.kind === 'pipeline') {
      this.feeds.push([ph.ref, value]);
      this.feedNames.push(ph.opName);
    } else {
      this.captures.push({ inner: ph, source: { host: value } });
    }
    this.hostCaptures.set(key, ph);
    return ph;
  }

  /** A small constant baked into the graph (axes, shapes, sizes: values shape inference needs). */
  constant(value: Tensor): Sym {
    return this.addOp('Const', [], { dtype: value.dtype, value }, { name: 'Const' })[0];
  }

  /**
   * An int64 scalar that has a fresh value each time an iterator of the pipeline starts: how
   * JavaScript-backed sources (fromGenerator) tell one iteration from another. A pipeline feeds
   * it at iterator start; a function receives it as a captured input from its caller.
   */
  iterationToken(): Sym {
    if (!this.token) {
      this.token = this.placeholder('int64', [], 'iteration_token');
      if (this.kind === 'function') this.captures.push({ inner: this.token, source: { iterationToken: true } });
    }
    return this.token;
  }

  /** The pipeline's iteration token, if a source asked for one (iterators feed it). */
  get iterationTokenRef(): OutputRef | undefined {
    return this.kind === 'pipeline' ? this.token?.ref : undefined;
  }

  /** `sym` as a tensor of this graph: itself, or a captured input when it lives in an enclosing function. */
  own(sym: Sym): Sym {
    if (sym.ctx === this) return sym;
    const known = this.outerCaptures.get(sym);
    if (known) return known;
    let ancestor = this.parent;
    while (ancestor && ancestor !== sym.ctx) ancestor = ancestor.parent;
    if (!ancestor) {
      throw new TypeError(
        `a symbolic tensor (${sym.opName}) from another callback was used here; ` +
          'Syms exist only inside the callback that made them',
      );
    }
    const ph = this.placeholder(sym.dtype, sym.shape, 'captured');
    this.captures.push({ inner: ph, source: { outer: sym } });
    this.outerCaptures.set(sym, ph);
    return ph;
  }

  /** What a function's captures stand for in this graph (its other_arguments here). */
  resolveCaptures(fn: GraphFunction): Sym[] {
    return fn.captures.map((c) =>
      'host' in c ? this.captureHost(c.host) : 'outer' in c ? this.own(c.outer) : this.iterationToken(),
    );
  }

  /** Copies a function (and what it calls) into this graph once; returns its name. */
  useFunction(fn: GraphFunction): string {
    if (this.functions.has(fn.name)) return fn.name;
    for (const dep of fn.dependencies) this.useFunction(dep);
    this.native.copyFunction(fn.native);
    this.functions.set(fn.name, fn);
    return fn.name;
  }

  /**
   * Adds an operation. Type attrs (T, N, Tin…) are inferred from the inputs through the op's
   * registered OpDef; inputs that disagree on a shared type attr are a TypeError that names the
   * op and both dtypes.
   */
  addOp(
    type: string,
    inputs: readonly OpInput[],
    attrs: Record<string, AttrValue | undefined> = {},
    options: AddOpOptions = {},
  ): Sym[] {
    return this.addNode(type, inputs, attrs, options).outputs;
  }

  /** As addOp, also giving the operation id (for ops without outputs, run as session targets). */
  addNode(
    type: string,
    inputs: readonly OpInput[],
    attrs: Record<string, AttrValue | undefined> = {},
    options: AddOpOptions = {},
  ): { id: number; outputs: Sym[] } {
    if (this.disposed) throw new Error('this graph was already closed');
    const def = this.opDef(type);
    const owned = inputs.map((x) =>
      Array.isArray(x) ? (x as readonly Sym[]).map((s) => this.own(s)) : this.own(x as Sym),
    );
    const inferred: Record<string, AttrValue> = {};
    const setType = (attr: string, dtype: GraphDType, arg: string) => {
      const given = (attrs[attr] ?? inferred[attr]) as GraphDType | undefined;
      if (given !== undefined && given !== dtype) {
        const first = def.inputs.find((a) => a.typeAttr === attr)?.name ?? attr;
        throw new TypeError(
          `${type}: '${first}' is ${given} but '${arg}' is ${dtype}. TensorFlow does not convert dtypes implicitly: ` +
            `cast one operand so both match, e.g. tf.cast(${first}, '${dtype}') or tf.cast(${arg}, '${given}')`,
        );
      }
      inferred[attr] = dtype;
    };
    def.inputs.forEach((arg, i) => {
      const value = owned[i];
      if (value === undefined) return;
      if (Array.isArray(value)) {
        if (arg.numberAttr && attrs[arg.numberAttr] === undefined) inferred[arg.numberAttr] = value.length;
        if (arg.typeAttr) for (const s of value) setType(arg.typeAttr, s.dtype, arg.name);
        if (arg.typeListAttr && attrs[arg.typeListAttr] === undefined)
          inferred[arg.typeListAttr] = value.map((s) => s.dtype);
      } else if (arg.typeAttr) {
        setType(arg.typeAttr, (value as Sym).dtype, arg.name);
      } else if (arg.type !== 0 && fromTFEnum(arg.type) !== (value as Sym).dtype) {
        throw new TypeError(
          `${type}: input '${arg.name}' must be ${fromTFEnum(arg.type)}, got ${(value as Sym).dtype}`,
        );
      }
    });
    if (owned.length !== def.inputs.length) {
      throw new TypeError(
        `${type} takes ${def.inputs.length} inputs (${def.inputs.map((a) => a.name).join(', ')}), got ${owned.length}`,
      );
    }
    const all = { ...inferred, ...attrs };
    const nativeAttrs: NativeAttr[] = [];
    for (const [name, value] of Object.entries(all)) {
      if (value === undefined) continue;
      const attrDef = def.attrs.get(name);
      if (!attrDef) {
        if (options.lenient) continue;
        throw new TypeError(`${type} has no attr '${name}' (it has: ${[...def.attrs.keys()].join(', ') || 'none'})`);
      }
      nativeAttrs.push([name, attrDef.type, this.attrToNative(type, name, attrDef.type, value)]);
    }
    const refs = owned.map((x) => (Array.isArray(x) ? (x as Sym[]).map((s) => s.ref) : (x as Sym).ref));
    const controls = options.controlInputs?.map((s) => this.own(s).ref.op);
    const nodeName = this.uniqueName(options.name ?? type);
    const op: NativeOperation = this.native.addOperation(type, nodeName, refs, nativeAttrs, controls);
    if (this.structure) this.describe(this.structure, type, nodeName, refs, controls, all);
    const outputs = op.outputs.map(
      (o, i) =>
        new Sym(this, op.id, i, fromTFEnum(o.dtype), o.shape ? o.shape.map((d) => (d < 0 ? null : d)) : null, op.name),
    );
    this.recorded?.push({
      type,
      inputs: owned,
      attrs: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, AttrValue>,
      outputs,
      controlled: !!controls?.length,
    });
    return { id: op.id, outputs };
  }

  /** The digest of every node added so far (see `structure`); for graphs made with `digest`. */
  structureDigest(): string {
    if (!this.structure) throw new Error('this graph keeps no digest (GraphContext option digest)');
    return this.structure.copy().digest('hex');
  }

  private describe(
    h: Hash,
    type: string,
    name: string,
    refs: (OutputRef | OutputRef[])[],
    controls: number[] | undefined,
    attrs: Record<string, AttrValue | undefined>,
  ): void {
    const canonical = (v: unknown): unknown => {
      if (v instanceof Tensor) {
        h.update(`tensor ${v.dtype} ${v.shape.join(',')}:`);
        const data = v.data as unknown;
        if (Array.isArray(data)) for (const item of data) h.update(Buffer.from(item as Uint8Array)).update('|');
        else
          h.update(
            Buffer.from(
              new Uint8Array(
                (data as Uint8Array).buffer,
                (data as Uint8Array).byteOffset,
                (data as Uint8Array).byteLength,
              ),
            ),
          );
        return 'tensor';
      }
      if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
      if (typeof v === 'bigint') return `${v}n`;
      if (Array.isArray(v)) return v.map(canonical);
      if (v && typeof v === 'object' && 'name' in v) return `fn:${(v as GraphFunction).name}`;
      return v;
    };
    const attrList = Object.keys(attrs)
      .sort()
      .filter((k) => attrs[k] !== undefined)
      .map((k) => [k, canonical(attrs[k])]);
    const inputs = refs.map((r) => (Array.isArray(r) ? r.map((x) => [x.op, x.index]) : [r.op, r.index]));
    h.update(JSON.stringify([type, name, inputs, controls ?? [], attrList]));
    h.update('\n');
  }

  private attrToNative(op: string, name: string, kind: string, value: AttrValue): unknown {
    const where = `${op} attr '${name}'`;
    const dtype = (v: unknown) => {
      if (typeof v !== 'string' || (!isDType(v) && !['variant', 'resource', 'float16', 'bfloat16'].includes(v))) {
        throw new TypeError(`${where} must be a dtype name, got ${String(v)}`);
      }
      return toTFEnum(v as GraphDType);
    };
    const shape = (v: unknown) => {
      if (v === null) return null;
      if (!Array.isArray(v)) throw new TypeError(`${where} must be a shape (array of dims, null for unknown)`);
      return v.map((d) => (d === null ? -1 : d));
    };
    const tensorHandle = (v: unknown) => {
      if (!(v instanceof Tensor)) throw new TypeError(`${where} must be a Tensor`);
      return v.handle();
    };
    switch (kind) {
      case 'type':
        return dtype(value);
      case 'list(type)':
        return (value as unknown[]).map(dtype);
      case 'shape':
        return shape(value);
      case 'list(shape)':
        return (value as unknown[]).map(shape);
      case 'tensor':
        return tensorHandle(value);
      case 'list(tensor)':
        return (value as unknown[]).map(tensorHandle);
      case 'func': {
        if (typeof value === 'string') return value;
        return this.useFunction(value as GraphFunction);
      }
      default:
        return value;
    }
  }
}

export type { DType };
