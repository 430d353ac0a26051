// CSV lines to columns (DecodeCSV), with Python's tf.io.decode_csv conventions.
import { GraphContext } from '../graph/context';
import { Sym } from '../graph/sym';
import { Operand, toSym } from '../graph/operands';
import { Tensor, tensor } from '../tensor/tensor';

/** The dtypes a CSV column can have (CSVDatasetV2 and DecodeCSV). */
export type CsvDType = 'float32' | 'float64' | 'int32' | 'int64' | 'string';

/**
 * One column's default: a dtype (the column is required: an empty field is an error), or a
 * value whose type gives the column's dtype and which fills empty and NA fields (a JS integer
 * is int32, another number float32, a bigint int64, a string a string column; a Tensor gives its
 * own dtype; `[]` of a Tensor of size 0 makes it required).
 */
export type CsvDefault = CsvDType | number | bigint | string | Tensor;

/** The dtype a default gives its column. */
export type CsvColumnDType<C> = C extends CsvDType
  ? C
  : C extends bigint
    ? 'int64'
    : C extends string
      ? 'string'
      : C extends Tensor<infer D>
        ? D
        : 'int32' | 'float32';

/** The columns `decodeCsv` returns, one Sym per default. */
export type CsvColumns<R extends readonly CsvDefault[]> = {
  -readonly [K in keyof R]: Sym<CsvColumnDType<R[K]> & CsvDType>;
};

const CSV_DTYPES: readonly string[] = ['float32', 'float64', 'int32', 'int64', 'string'];

/** Options of `decodeCsv` and `Dataset.csv`. */
export interface CsvFormatOptions {
  /** The one-character field delimiter (default ','). */
  fieldDelim?: string;
  /** Double quotes enclose fields that hold delimiters, newlines or "" (default true). */
  useQuoteDelim?: boolean;
  /** A field equal to this is missing: it takes the column's default (default: none). */
  naValue?: string;
  /** Only these column indices, increasing (recordDefaults then give the selected columns). */
  selectCols?: readonly number[];
}

/** The default tensor of one column, as DecodeCSV and CSVDatasetV2 take it: [1] or [0] (required). */
export function csvDefault(d: CsvDefault, what: string): Tensor {
  if (typeof d === 'string' && CSV_DTYPES.includes(d)) {
    return tensor([] as never, d as CsvDType, [0]);
  }
  let t: Tensor;
  if (d instanceof Tensor) t = d;
  else if (typeof d === 'number') t = tensor(d, Number.isInteger(d) ? 'int32' : 'float32');
  else if (typeof d === 'bigint') t = tensor(d, 'int64');
  else if (typeof d === 'string') t = tensor(d, 'string');
  else
    throw new TypeError(
      `${what}: a default must be a dtype, a number, a bigint, a string or a Tensor, got ${String(d)}`,
    );
  if (!CSV_DTYPES.includes(t.dtype))
    throw new TypeError(`${what}: a column's dtype must be one of ${CSV_DTYPES.join(', ')}, got ${t.dtype}`);
  if (t.size > 1)
    throw new RangeError(`${what}: a default holds one value (or none for a required column), got ${t.size}`);
  return new Tensor(t.dtype, [t.size], t.data as never);
}

/** Checks the CSV format options; returns the attrs DecodeCSV and CSVDatasetV2 share. */
export function csvFormat(
  options: CsvFormatOptions,
  what: string,
): { fieldDelim: string; useQuoteDelim: boolean; naValue: string; selectCols: number[] } {
  const fieldDelim = options.fieldDelim ?? ',';
  if (typeof fieldDelim !== 'string' || fieldDelim.length !== 1)
    throw new TypeError(`${what}: fieldDelim must be one character, got ${JSON.stringify(fieldDelim)}`);
  const useQuoteDelim = options.useQuoteDelim ?? true;
  if (typeof useQuoteDelim !== 'boolean') throw new TypeError(`${what}: useQuoteDelim must be a boolean`);
  const naValue = options.naValue ?? '';
  if (typeof naValue !== 'string') throw new TypeError(`${what}: naValue must be a string`);
  const selectCols = options.selectCols === undefined ? [] : [...options.selectCols];
  selectCols.forEach((c, i) => {
    if (!Number.isSafeInteger(c) || c < 0) throw new TypeError(`${what}: selectCols must hold integers >= 0, got ${c}`);
    if (i > 0 && c <= selectCols[i - 1]) throw new RangeError(`${what}: selectCols must be strictly increasing`);
  });
  return { fieldDelim, useQuoteDelim, naValue, selectCols };
}

/**
 * Splits CSV lines into columns (tf.io.decode_csv, DecodeCSV): one Sym per entry of
 * `recordDefaults`, each of the lines' shape. A line with another number of fields, or an empty
 * required field, fails the element with INVALID_ARGUMENT.
 */
export function decodeCsv<const R extends readonly CsvDefault[]>(
  lines: Operand<'string'>,
  recordDefaults: R,
  options: CsvFormatOptions = {},
): CsvColumns<R> {
  const what = 'decodeCsv';
  const ctx = GraphContext.require(what);
  if (!Array.isArray(recordDefaults) || recordDefaults.length === 0)
    throw new TypeError(`${what}: recordDefaults must be a non-empty array (one default or dtype per column)`);
  const records = toSym(lines, 'string', what);
  if (records.dtype !== 'string') throw new TypeError(`${what}: lines must be strings, got ${records.dtype}`);
  const f = csvFormat(options, what);
  if (f.selectCols.length > 0 && f.selectCols.length !== recordDefaults.length)
    throw new TypeError(
      `${what}: selectCols has ${f.selectCols.length} columns for ${recordDefaults.length} recordDefaults`,
    );
  return ctx.addOp(
    'DecodeCSV',
    [
      records,
      recordDefaults.map((d: CsvDefault, i: number) => ctx.constant(csvDefault(d, `${what}: recordDefaults[${i}]`))),
    ],
    {
      field_delim: f.fieldDelim,
      use_quote_delim: f.useQuoteDelim,
      na_value: f.naValue,
      select_cols: f.selectCols,
    },
  ) as unknown as CsvColumns<R>;
}
