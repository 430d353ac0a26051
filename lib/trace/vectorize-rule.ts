// What a vectorisation rule is (the table is vectorize-rules.ts, the engine vectorize.ts): the
// values it sees, what it may ask of the engine, and how it declines.
import { GraphContext, RecordedOp } from '../graph/context';
import { StaticShape, Sym } from '../graph/sym';
import { Tensor } from '../tensor/tensor';

/** Why a function was not vectorised: the op that stopped it and the reason. */
export class VectorizeDecline extends Error {
  constructor(
    /** The op type (or 'input'/'output' for the function's signature). */
    readonly op: string,
    /** Why it has no exact batched form. */
    readonly reason: string,
  ) {
    super(`${op}: ${reason}`);
  }
}

/**
 * A value of the function being rewritten: its Sym in the new graph, whether it holds one row
 * per element (`batched`: shape [B, ...element]) or one value for all (`batched` false), and its
 * per-element static shape (from the recorded node).
 */
export interface VValue {
  readonly sym: Sym;
  readonly batched: boolean;
  readonly element: StaticShape;
}

/** What a rule gets besides the node and its inputs. */
export interface RuleContext {
  readonly ctx: GraphContext;
  /** The value of an input computed without the element (Const or captured host data), if known. */
  known(v: VValue): Tensor | undefined;
  /** An invariant value repeated once per batch row (shape [B, ...]). */
  broadcast(v: VValue): Sym;
  /** A small int32 constant (axes, shapes) in the new graph. */
  ints(values: number[]): Sym;
}

/** A rule: the batched outputs of `op` (each [B, ...element shape of the recorded output]). */
export type Rule = (op: RecordedOp, inputs: (VValue | VValue[])[], rc: RuleContext) => Sym[];

/** Stops the rewrite: `op` has no exact batched form here, for `reason`. */
export function decline(op: string, reason: string): never {
  throw new VectorizeDecline(op, reason);
}

/** Marks a rule's output that does not depend on the element (see `invariant`). */
export const INVARIANT = Symbol('vectorize.invariant');

/** A rule output that is the same for every element (the rule computed it from static shapes). */
export function invariant(sym: Sym): Sym {
  (sym as Sym & { [INVARIANT]?: true })[INVARIANT] = true;
  return sym;
}
