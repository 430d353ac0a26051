// String ops.
import { DType } from '../tensor/dtypes';
import { Sym } from '../graph/sym';
import { Operand, addOp, constOf, intConst, toSym } from '../graph/operands';

/** Splits a scalar string into a 1-D tensor of tokens (on whitespace when `sep` is empty). */
export function stringSplit(input: Operand<'string'>, sep = ''): Sym<'string'> {
  const s = toSym(input, 'string', 'stringSplit');
  if (s.rank !== 0) throw new TypeError(`stringSplit: input must be a scalar string (rank 0), got rank ${s.rank ?? 'unknown'}`);
  const vector = addOp('Reshape', [s, intConst([1], 'stringSplit')])[0];
  const parts = addOp('StringSplitV2', [vector, constOf(sep, 'string', 'stringSplit')], { maxsplit: -1 });
  return parts[1] as Sym<'string'>;
}

/** Parses numbers (float32 unless dtype says otherwise); bad text fails the element with INVALID_ARGUMENT. */
export function stringToNumber<D extends 'float32' | 'float64' | 'int32' | 'int64' = 'float32'>(input: Operand<'string'>, dtype?: D): Sym<D> {
  return addOp('StringToNumber', [toSym(input, 'string', 'stringToNumber')], { out_type: (dtype ?? 'float32') as DType })[0] as Sym<D>;
}

/** Replaces matches of an RE2 `pattern` with `rewrite` (\\1 for groups); all matches unless replaceGlobal is false. */
export function regexReplace(input: Operand<'string'>, pattern: string, rewrite: string, options: { replaceGlobal?: boolean } = {}): Sym<'string'> {
  return addOp('StaticRegexReplace', [toSym(input, 'string', 'regexReplace')], { pattern, rewrite, replace_global: options.replaceGlobal ?? true })[0] as Sym<'string'>;
}

/** The whole contents of the file at `path` (ReadFile); a missing file fails the element with NOT_FOUND. */
export function readFile(path: Operand<'string'>): Sym<'string'> {
  return addOp('ReadFile', [toSym(path, 'string', 'readFile')])[0] as Sym<'string'>;
}
