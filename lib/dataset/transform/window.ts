// window: consecutive elements grouped into windows whose components are datasets
// (WindowDataset, as Python's Dataset.window): a tuple/record element gives a tuple/record of
// datasets, one per component, which callbacks receive as Datasets (see ../nested.ts).
import { GraphContext } from '../../graph/context';
import { Sym } from '../../graph/sym';
import { tensor } from '../../tensor/tensor';
import type { TensorSpec } from '../../trace/function';
import { DatasetDefinition, DatasetInput, datasetComponent, derived, emitDatasetOp, int64 } from '../definition';

/** A count tf.data takes as a tensor: an integer, or an integer Sym inside a callback. */
export type CountArg = number | bigint | Sym<'int64'> | Sym<'int32'>;

/** Options of `window`. */
export interface WindowOptions {
  /** Elements between the starts of consecutive windows (default: the window size). */
  shift?: CountArg;
  /** Elements between the elements of one window (default 1: consecutive). */
  stride?: CountArg;
  /** Drops the last windows when they hold fewer than `size` elements (default false). */
  dropRemainder?: boolean | Sym<'bool'>;
}

/** A count checked here when it is a host value (>= `min`); a Sym is checked by TensorFlow. */
export function checkCountArg(value: unknown, name: string, min: number): bigint | Sym {
  if (value instanceof Sym) {
    if (!['int32', 'int64'].includes(value.dtype) || (value.shape !== null && value.shape.length !== 0))
      throw new TypeError(`${name} must be an integer scalar Sym, got ${value.dtype}${shapeOf(value)}`);
    return value;
  }
  if (typeof value === 'number' && Number.isInteger(value)) value = BigInt(value);
  if (typeof value !== 'bigint') throw new TypeError(`${name} must be an integer, got ${String(value)}`);
  if (value < BigInt(min)) throw new RangeError(`${name} must be >= ${min}, got ${value}`);
  return value;
}

function shapeOf(s: Sym): string {
  return s.shape === null ? '' : `[${s.shape.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** A checked count as an int64 scalar of `ctx`. */
export function countSym(ctx: GraphContext, value: bigint | Sym): Sym {
  if (typeof value === 'bigint') return int64(ctx, value);
  const own = ctx.own(value);
  return own.dtype === 'int64' ? own : ctx.addOp('Cast', [own], { DstT: 'int64', Truncate: false })[0];
}

const shown = (v: bigint | Sym) => (typeof v === 'bigint' ? String(v) : v.opName);

/** WindowDataset: each component becomes a dataset of that component's elements. */
export function window(input: DatasetInput, size: CountArg, options: WindowOptions): DatasetDefinition {
  if (options === null || typeof options !== 'object') throw new TypeError('window: options must be an object');
  const n = checkCountArg(size, 'window: size', 1);
  const shift = options.shift === undefined ? n : checkCountArg(options.shift, 'window: shift', 1);
  const stride = checkCountArg(options.stride ?? 1, 'window: stride', 1);
  const drop = options.dropRemainder ?? false;
  if (typeof drop !== 'boolean' && !(drop instanceof Sym && drop.dtype === 'bool'))
    throw new TypeError(`window: dropRemainder must be a boolean, got ${String(drop)}`);
  // One dataset per component, of that component alone (as Python's nested DatasetSpecs).
  const specs: TensorSpec[] = input.specs.map((s) => datasetComponent({ specs: [s], skeleton: { kind: 'leaf' } }));
  const detail =
    `size ${shown(n)}, shift ${shown(shift)}, stride ${shown(stride)}` +
    (drop === true ? ', drop remainder' : drop instanceof Sym ? `, drop remainder ${drop.opName}` : '');
  return derived(input, 'WindowDataset', detail, specs, input.skeleton, (ctx, variant) => {
    const dropSym = typeof drop === 'boolean' ? ctx.constant(tensor(drop, 'bool')) : ctx.own(drop);
    return emitDatasetOp(
      ctx,
      'WindowDataset',
      [variant, countSym(ctx, n), countSym(ctx, shift), countSym(ctx, stride), dropSym],
      specs,
    );
  });
}
