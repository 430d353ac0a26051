// Symbolic tensors: what a Dataset callback receives and returns. They name an output of the
// graph being traced. Their method forms (x.add(y)…) are attached by the ops layer
// (lib/ops/methods.ts), which this layer does not import.
import type { GraphDType } from '../tensor/dtypes';
import type { OutputRef } from '../native';

/** Static shape: dims (null = unknown) or null for unknown rank. */
export type StaticShape = (number | null)[] | null;

/** The most specific shape both may have (dims that differ become unknown). */
export function mergeStaticShapes(a: StaticShape, b: StaticShape): StaticShape {
  if (a === null || b === null || a.length !== b.length) return null;
  return a.map((d, i) => (d === b[i] ? d : null));
}

/**
 * A symbolic tensor: what a Dataset callback receives and returns. It names an output of the
 * graph being traced; its methods add ops to that graph. It has a dtype and a static shape.
 */
export class Sym<D extends GraphDType = GraphDType> {
  /** @internal */
  constructor(
    /** @internal The graph that owns it (opaque here: graph/context.ts compares it). */ readonly ctx: object,
    /** @internal */ readonly op: number,
    /** @internal */ readonly outputIndex: number,
    /** The element type. */
    readonly dtype: D,
    /** Static shape (null dims unknown; null when even the rank is unknown). */
    readonly shape: StaticShape,
    /** The graph node that produces this tensor. */
    readonly opName: string,
  ) {}

  /** @internal */
  get ref(): OutputRef {
    return { op: this.op, index: this.outputIndex };
  }

  /** Static rank, or null when unknown. */
  get rank(): number | null {
    return this.shape === null ? null : this.shape.length;
  }

  /** A readable description: dtype, static shape and the node it names. */
  toString(): string {
    const dims = this.shape === null ? '<unknown>' : `[${this.shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
    return `Sym<${this.dtype}>${dims} ${this.opName}:${this.outputIndex}`;
  }

  /** What `console.log` and `util.inspect` show: the same as toString(). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
