// File sources (TextLineDataset, TFRecordDataset) and readFile, on files the test writes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Dataset, TFError, Tensor, ops as tf } from '../lib';
import { rejectionOf } from './helpers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfdata-files-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// TFRecord framing: u64 length, masked crc32c(length), data, masked crc32c(data).
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32c(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
function tfRecord(data: Buffer): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  const lenCrc = Buffer.alloc(4);
  lenCrc.writeUInt32LE(masked(crc32c(len)));
  const dataCrc = Buffer.alloc(4);
  dataCrc.writeUInt32LE(masked(crc32c(data)));
  return Buffer.concat([len, lenCrc, data, dataCrc]);
}

const strings = (ts: unknown[]) => ts.map((t) => (t as Tensor<'string'>).get());

test('textLines reads lines in order, across files, plain and GZIP', async () => {
  const a = path.join(dir, 'a.txt');
  const b = path.join(dir, 'b.txt.gz');
  fs.writeFileSync(a, 'one\ntwo words\n\nlast');
  fs.writeFileSync(b, zlib.gzipSync('zipped 1\nzipped 2\n'));
  expect(strings(await Dataset.textLines(a).toArray())).toEqual(['one', 'two words', '', 'last']);
  expect(strings(await Dataset.textLines(b, { compression: 'GZIP' }).toArray())).toEqual(['zipped 1', 'zipped 2']);
  expect(strings(await Dataset.textLines([a, a]).take(5).toArray())).toEqual(['one', 'two words', '', 'last', 'one']);
  expect(() => Dataset.textLines([])).toThrow(/filenames must be non-empty strings/);
  expect(() => Dataset.textLines(a, { compression: 'LZ4' as never })).toThrow(/compression must be/);
});

test('tfRecords reads records; a corrupted record fails with DATA_LOSS', async () => {
  const file = path.join(dir, 'r.tfrecord');
  fs.writeFileSync(
    file,
    Buffer.concat(['alpha', '', 'a longer record with bytes \u00e9'].map((s) => tfRecord(Buffer.from(s)))),
  );
  expect(strings(await Dataset.tfRecords(file).toArray())).toEqual(['alpha', '', 'a longer record with bytes \u00e9']);
  const bad = Buffer.from(fs.readFileSync(file));
  bad[14] ^= 0xff; // a byte of the first record's data
  fs.writeFileSync(path.join(dir, 'bad.tfrecord'), bad);
  const e = await rejectionOf(Dataset.tfRecords(path.join(dir, 'bad.tfrecord')).toArray());
  expect(e).toBeInstanceOf(TFError);
  expect((e as TFError).code).toBe('DATA_LOSS');
});

test('readFile inside a map; reading a missing file rejects with NOT_FOUND and later pipelines work', async () => {
  const f = path.join(dir, 'blob.bin');
  fs.writeFileSync(f, 'file contents');
  expect(
    strings(
      await Dataset.fromTensorSlices([f])
        .map((p) => tf.readFile(p))
        .toArray(),
    ),
  ).toEqual(['file contents']);
  const missing = await rejectionOf(
    Dataset.fromTensorSlices([f, path.join(dir, 'nope.bin')])
      .map((p) => tf.readFile(p))
      .toArray(),
  );
  expect(missing).toBeInstanceOf(TFError);
  expect((missing as TFError).code).toBe('NOT_FOUND');
  const noFile = await rejectionOf(Dataset.textLines(path.join(dir, 'absent.txt')).toArray());
  expect((noFile as TFError).code).toBe('NOT_FOUND');
  expect(strings(await Dataset.textLines(path.join(dir, 'a.txt')).take(1).toArray())).toEqual(['one']);
});

test('file names can come from the pipeline itself (interleave over files)', async () => {
  const files = [0, 1].map((i) => {
    const p = path.join(dir, `part${i}.txt`);
    fs.writeFileSync(p, `p${i}a\np${i}b\n`);
    return p;
  });
  const ds = Dataset.fromTensorSlices(files).interleave((name) => Dataset.textLines(name), { cycleLength: 2 });
  expect(strings(await ds.toArray())).toEqual(['p0a', 'p1a', 'p0b', 'p1b']);
});
