// String ops.
import { Sym } from '../graph/sym';
import { Operand, constOf, intConst, toSym } from '../graph/operands';
import { ReadFile, Reshape, StaticRegexReplace, StringSplitV2, StringToNumber } from './generated/index';

/** Any Sym, as a generated builder's dtype-typed operand takes it (addOp checks the dtypes). */
type AnySym = Sym<never>;

/** Splits a scalar string into a 1-D tensor of tokens (on whitespace when `sep` is empty). */
export function stringSplit(input: Operand<'string'>, sep = ''): Sym<'string'> {
  const s = toSym(input, 'string', 'stringSplit') as AnySym;
  if (s.rank !== 0)
    throw new TypeError(`stringSplit: input must be a scalar string (rank 0), got rank ${s.rank ?? 'unknown'}`);
  const vector = Reshape({ tensor: s, shape: intConst([1], 'stringSplit') as Sym<'int32'> });
  const parts = StringSplitV2({ input: vector, sep: constOf(sep, 'string', 'stringSplit') as AnySym, maxsplit: -1 });
  return parts.values;
}

/** Parses numbers (float32 unless dtype says otherwise); bad text fails the element with INVALID_ARGUMENT. */
export function stringToNumber<D extends 'float32' | 'float64' | 'int32' | 'int64' = 'float32'>(
  input: Operand<'string'>,
  dtype?: D,
): Sym<D> {
  return StringToNumber({
    string_tensor: toSym(input, 'string', 'stringToNumber') as AnySym,
    out_type: (dtype ?? 'float32') as D,
  });
}

/** Replaces matches of an RE2 `pattern` with `rewrite` (\\1 for groups); all matches unless replaceGlobal is false. */
export function regexReplace(
  input: Operand<'string'>,
  pattern: string,
  rewrite: string,
  options: { replaceGlobal?: boolean } = {},
): Sym<'string'> {
  return StaticRegexReplace({
    input: toSym(input, 'string', 'regexReplace') as AnySym,
    pattern,
    rewrite,
    replace_global: options.replaceGlobal ?? true,
  });
}

/** The whole contents of the file at `path` (ReadFile); a missing file fails the element with NOT_FOUND. */
export function readFile(path: Operand<'string'>): Sym<'string'> {
  return ReadFile({ filename: toSym(path, 'string', 'readFile') as AnySym });
}
