// window: consecutive elements grouped into windows whose components are datasets
// (WindowDataset, as Python's Dataset.window): a tuple/record element gives a tuple/record of
// datasets, one per component, which callbacks receive as Datasets (see ../nested.ts).
import { Sym } from '../../graph/sym';
import { tensor } from '../../tensor/tensor';
import type { TensorSpec } from '../../trace/function';
import {
  CountArg,
  DatasetDefinition,
  DatasetInput,
  checkCountArg,
  countSym,
  countText,
  datasetComponent,
  derived,
  emitDatasetOp,
} from '../definition';

/** Options of `window`. */
export interface WindowOptions {
  /** Elements between the starts of consecutive windows (default: the window size). */
  shift?: CountArg;
  /** Elements between the elements of one window (default 1: consecutive). */
  stride?: CountArg;
  /** Drops the last windows when they hold fewer than `size` elements (default false). */
  dropRemainder?: boolean | Sym<'bool'>;
}

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
    `size ${countText(n)}, shift ${countText(shift)}, stride ${countText(stride)}` +
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
