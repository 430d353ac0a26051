// CSV files: CSVDatasetV2 (Python's tf.data.experimental.CsvDataset), and what
// make_csv_dataset works out on the host before it builds its pipeline: the header's column
// names and, when no defaults are given, each column's type from the first rows (int32, int64,
// float32, float64 or string, the least permissive that fits every value, as Python infers).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { TensorSpec } from '../../trace/function';
import { Sym } from '../../graph/sym';
import { checkAllocation } from '../../limits';
import { Tensor, tensor } from '../../tensor/tensor';
import { CsvDType, CsvDefault, CsvFormatOptions, csvDefault, csvFormat } from '../../ops/csv';
import { DatasetDefinition, checkCount, emitDatasetOp, int64 } from '../definition';
import { FileCompression, Filenames, FilenamesOptions, checkCompression, filenamesIn, readFiles } from './files';

// Python's CsvDataset read buffer (_DEFAULT_READER_BUFFER_SIZE_BYTES of experimental readers): 4 MiB.
const CSV_READ_BUFFER = 4 * 1024 * 1024;
// make_csv_dataset's num_rows_for_inference default.
export const INFERENCE_ROWS = 100;

/** Options of `Dataset.csv`: the columns' defaults (or types), the header, the format. */
export interface CsvOptions<R extends readonly CsvDefault[]> extends CsvFormatOptions, FilenamesOptions {
  /**
   * One entry per (selected) column: a dtype (the column is required) or a default value whose
   * type gives the column's (see `CsvDefault`). `columnTypes` is the same with dtypes only.
   */
  recordDefaults?: R;
  /** One dtype per (selected) column, every column required: the alternative to recordDefaults. */
  columnTypes?: R;
  /** The first line of each file is a header, skipped (default false). */
  header?: boolean;
  /** Columns left out (the others are read); not with selectCols. */
  excludeCols?: readonly number[];
  /** '' (none, the default), 'GZIP' or 'ZLIB'. */
  compression?: FileCompression;
  /** Read buffer in bytes (default 4 MiB, as Python). */
  bufferSize?: number;
}

/** Filenames as `explain()` shows them. */
function fileList(names: Tensor | Sym): string {
  return names instanceof Sym ? names.opName : (names.toArray() as string[]).join(', ');
}

/** CSVDatasetV2: one tuple of column scalars per record of the CSV files. */
export function csv(filenames: Filenames, options: CsvOptions<readonly CsvDefault[]>): DatasetDefinition {
  const what = 'csv';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${what}: options are required`);
  if (options.recordDefaults !== undefined && options.columnTypes !== undefined)
    throw new TypeError(`${what}: give recordDefaults or columnTypes, not both`);
  const given = options.recordDefaults ?? options.columnTypes;
  if (!Array.isArray(given) || given.length === 0)
    throw new TypeError(`${what}: recordDefaults (or columnTypes) must be a non-empty array, one entry per column`);
  if (options.columnTypes !== undefined && !given.every((d) => typeof d === 'string'))
    throw new TypeError(
      `${what}: columnTypes holds dtypes ('int32', 'float32', 'string'…); use recordDefaults for values`,
    );
  const defaults = given.map((d: CsvDefault, i: number) => csvDefault(d, `${what}: column ${i}`));
  const f = csvFormat(options, what);
  const header = options.header ?? false;
  if (typeof header !== 'boolean') throw new TypeError(`${what}: header must be a boolean`);
  const exclude = options.excludeCols === undefined ? [] : [...options.excludeCols];
  exclude.forEach((c) => checkCount(c, `${what}: excludeCols`, 0));
  if (exclude.length > 0 && f.selectCols.length > 0)
    throw new TypeError(`${what}: give selectCols or excludeCols, not both`);
  if (f.selectCols.length > 0 && f.selectCols.length !== defaults.length)
    throw new TypeError(`${what}: selectCols has ${f.selectCols.length} columns for ${defaults.length} defaults`);
  const compression = checkCompression(options.compression, what);
  const bufferSize = checkCount(options.bufferSize ?? CSV_READ_BUFFER, `${what}: bufferSize`, 1);
  checkAllocation(`${what}: bufferSize`, bufferSize, 1);
  const specs: TensorSpec[] = defaults.map((d) => ({ dtype: d.dtype, shape: [] }));
  const skeleton = { kind: 'tuple' as const, items: specs.map(() => ({ kind: 'leaf' as const })) };
  const int64s = (list: number[]) => tensor(list.map(BigInt), 'int64', [list.length]);
  return readFiles(
    filenames,
    what,
    (names: Tensor | Sym) => ({
      node: {
        op: 'CSVDatasetV2',
        detail: `${fileList(names)}, ${defaults.length} columns`,
        inputs: [],
        emit: (ctx) =>
          emitDatasetOp(
            ctx,
            'CSVDatasetV2',
            [
              filenamesIn(ctx, names),
              ctx.constant(tensor(compression, 'string')),
              int64(ctx, bufferSize),
              ctx.constant(tensor(header, 'bool')),
              ctx.constant(tensor(f.fieldDelim, 'string')),
              ctx.constant(tensor(f.useQuoteDelim, 'bool')),
              ctx.constant(tensor(f.naValue, 'string')),
              ctx.constant(int64s(f.selectCols)),
              defaults.map((d) => ctx.constant(d)),
              ctx.constant(int64s(exclude)),
            ],
            null,
            { output_shapes: specs.map((s) => s.shape) },
          ),
      },
      specs,
      skeleton,
    }),
    options,
  );
}

/** Rows of CSV text, as Python's csv.reader splits them (QUOTE_MINIMAL, or QUOTE_NONE). */
export function* csvRows(text: string, delim: string, quotes: boolean): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let any = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (quotes && c === '"' && field === '') {
      quoted = true;
      any = true;
      i++;
    } else if (c === delim) {
      row.push(field);
      field = '';
      any = true;
      i++;
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      yield row;
      row = [];
      field = '';
      any = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      any = true;
      i++;
    }
  }
  if (any || field !== '') {
    row.push(field);
    yield row;
  }
}

/** What make_csv_dataset reads of a file before building its pipeline. */
function readText(file: string, compression: FileCompression): string {
  const bytes = fs.readFileSync(file);
  if (compression === 'GZIP') return zlib.gunzipSync(bytes).toString('utf8');
  if (compression === 'ZLIB')
    throw new TypeError("makeCsvDataset: 'ZLIB' files cannot be probed for columns (as in Python)");
  return bytes.toString('utf8');
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const FLOAT_TEXT = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf(inity)?|nan)\s*$/i;
const INFERRED: readonly CsvDType[] = ['int32', 'int64', 'float32', 'float64', 'string'];

/** Whether `text` parses as `dtype` (Python's _is_valid_int32 / _is_valid_int64 / _is_valid_float). */
function fits(text: string, dtype: CsvDType): boolean {
  if (dtype === 'string') return true;
  if (dtype === 'int32' || dtype === 'int64') {
    if (!INT_TEXT.test(text)) return false;
    const v = BigInt(text.trim());
    return dtype === 'int32' ? v >= -(2n ** 31n) && v < 2n ** 31n : v >= -(2n ** 63n) && v < 2n ** 63n;
  }
  if (!FLOAT_TEXT.test(text)) return false;
  const v = Number(text.trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
  return (dtype === 'float32' ? Math.fround(v) : v) < Infinity; // NaN and infinities are not numbers here
}

/** Python's _infer_type: the least permissive type that fits this value and the ones before. */
function inferType(text: string, naValue: string, previous: CsvDType | undefined): CsvDType | undefined {
  if (text === '' || text === naValue) return previous;
  const from = previous === undefined ? 0 : INFERRED.indexOf(previous);
  return INFERRED.slice(from).find((t) => fits(text, t));
}

/** The header's column names (every file's header must be the same, as Python checks). */
export function csvColumnNames(
  files: string[],
  delim: string,
  quotes: boolean,
  compression: FileCompression,
): string[] {
  let names: string[] | undefined;
  for (const file of files) {
    const first = csvRows(readText(file, compression), delim, quotes).next();
    if (first.done) throw new TypeError(`makeCsvDataset: failed to read the header line of ${file}: is it empty?`);
    if (names === undefined) names = first.value;
    else if (first.value.join('\u0000') !== names.join('\u0000'))
      throw new TypeError(`makeCsvDataset: all CSV files must have the same header; ${file} differs`);
  }
  const list = names as string[];
  const dup = list.find((n, i) => list.indexOf(n) !== i);
  if (dup !== undefined) throw new TypeError(`makeCsvDataset: duplicate column name '${dup}'`);
  return list;
}

/** The columns' defaults inferred from the first `rows` rows, as Python's _infer_column_defaults. */
export function inferCsvDefaults(
  files: string[],
  columns: number,
  select: number[],
  o: { delim: string; quotes: boolean; naValue: string; header: boolean; rows: number; compression: FileCompression },
): Tensor[] {
  const types: (CsvDType | undefined)[] = select.map(() => undefined);
  let seen = 0;
  outer: for (const file of files) {
    let n = 0;
    for (const row of csvRows(readText(file, o.compression), o.delim, o.quotes)) {
      n++;
      if (o.header && n === 1) continue;
      if (seen >= o.rows) break outer;
      if (row.length !== columns)
        throw new TypeError(
          `makeCsvDataset: problem inferring types: CSV row ${n} of ${file} has ${row.length} fields, ` +
            `expected ${columns}`,
        );
      select.forEach((c, j) => (types[j] = inferType(row[c], o.naValue, types[j])));
      seen++;
    }
  }
  // Inferred columns default to 0 or '' (never required), as in Python.
  return types.map((t) => {
    const dtype = t ?? 'string';
    return dtype === 'string' ? tensor([''], 'string', [1]) : tensor([dtype === 'int64' ? 0n : 0] as never, dtype, [1]);
  });
}

/** make_csv_dataset's select_columns (names or indices) as sorted indices. */
export function selectedColumns(select: readonly (string | number)[] | undefined, names: string[]): number[] {
  if (select === undefined) return names.map((_, i) => i);
  const out = select.map((v) => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0 || v >= names.length)
        throw new RangeError(`makeCsvDataset: selectColumns index ${v} is not a column (there are ${names.length})`);
      return v;
    }
    const i = names.indexOf(v);
    if (i < 0) throw new TypeError(`makeCsvDataset: selectColumns names '${v}', not one of ${names.join(', ')}`);
    return i;
  });
  const sorted = [...new Set(out)].sort((a, b) => a - b);
  if (sorted.length !== out.length) throw new TypeError('makeCsvDataset: selectColumns names a column twice');
  return sorted;
}
