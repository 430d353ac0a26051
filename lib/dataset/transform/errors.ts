// Error handling over a dataset: ignoreErrors (IgnoreErrorsDataset, Python's
// Dataset.ignore_errors): an element whose production fails (a corrupt record, a row with the
// wrong field count, a truncated image in a map) is dropped and iteration goes on.
import { DatasetDefinition, DatasetInput, derived, emitDatasetOp } from '../definition';

/** IgnoreErrorsDataset: drops the elements whose production fails. */
export function ignoreErrors(input: DatasetInput, options: { logWarning?: boolean } = {}): DatasetDefinition {
  const log = options.logWarning ?? false;
  if (typeof log !== 'boolean') throw new TypeError('ignoreErrors: logWarning must be a boolean');
  return derived(input, 'IgnoreErrorsDataset', log ? 'log warning' : '', input.specs, input.skeleton, (ctx, variant) =>
    emitDatasetOp(ctx, 'IgnoreErrorsDataset', [variant], input.specs, { log_warning: log }),
  );
}
