// Reading a zip archive (a Python wheel is one) with Node alone: the central directory at the end
// of the file lists every entry with its offset; an entry is copied out by streaming its
// compressed bytes through zlib's raw inflate. Only what a wheel uses is supported: stored (0) and
// deflated (8) entries, ZIP64 sizes and offsets, no encryption, no multi-disk archives.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';

/** One file of a zip archive, as its central directory describes it. */
export interface ZipEntry {
  /** The path inside the archive ('/'-separated). */
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** CRC-32 of the uncompressed bytes. */
  crc32: number;
  /** Bytes in the archive. */
  compressedSize: number;
  /** Bytes once extracted. */
  size: number;
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number;
}

// Record signatures and fixed sizes from the zip specification (APPNOTE.TXT, sections 4.3.x).
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
// The end record may be followed by a comment of up to 65535 bytes: search that far back.
const EOCD_SEARCH = EOCD_SIZE + 0xffff;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
// A 32-bit field holding this value means "the real value is in the ZIP64 extra field".
const ZIP64_MARK_32 = 0xffffffff;
const ZIP64_MARK_16 = 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('zip: a 64-bit size exceeds 2^53');
  return Number(v);
}

/** Where the central directory starts and how many entries it has (ZIP64 aware). */
function centralDirectory(fd: number, fileSize: number, file: string): { offset: number; count: number } {
  const tailStart = Math.max(0, fileSize - EOCD_SEARCH);
  const tail = readAt(fd, tailStart, fileSize - tailStart);
  let at = -1;
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error(`${file} is not a zip archive (no end of central directory record)`);
  let count = tail.readUInt16LE(at + 10);
  let offset = tail.readUInt32LE(at + 16);
  if (offset === ZIP64_MARK_32 || count === ZIP64_MARK_16) {
    const locatorAt = at - ZIP64_LOCATOR_SIZE;
    if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR_SIGNATURE)
      throw new Error(`${file}: ZIP64 markers without a ZIP64 locator`);
    const eocd64 = readAt(fd, u64(tail, locatorAt + 8), 56);
    if (eocd64.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw new Error(`${file}: bad ZIP64 end record`);
    count = u64(eocd64, 32);
    offset = u64(eocd64, 48);
  }
  return { offset, count };
}

/** Every entry of the archive's central directory. */
export function listZip(file: string): ZipEntry[] {
  const fd = fs.openSync(file, 'r');
  try {
    const { size: fileSize } = fs.fstatSync(fd);
    const { offset, count } = centralDirectory(fd, fileSize, file);
    const dir = readAt(fd, offset, fileSize - offset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + CENTRAL_HEADER_SIZE > dir.length || dir.readUInt32LE(p) !== CENTRAL_SIGNATURE)
        throw new Error(`${file}: central directory entry ${i} is damaged`);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: dir.toString('utf8', p + CENTRAL_HEADER_SIZE, p + CENTRAL_HEADER_SIZE + nameLength),
        method: dir.readUInt16LE(p + 10),
        crc32: dir.readUInt32LE(p + 16),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localHeaderOffset: dir.readUInt32LE(p + 42),
      };
      // ZIP64: the fields marked 0xffffffff follow, in this order, in extra field 0x0001.
      let e = p + CENTRAL_HEADER_SIZE + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e);
        const len = dir.readUInt16LE(e + 2);
        if (id === ZIP64_EXTRA_ID) {
          let q = e + 4;
          for (const key of ['size', 'compressedSize', 'localHeaderOffset'] as const) {
            if (entry[key] === ZIP64_MARK_32) {
              entry[key] = u64(dir, q);
              q += 8;
            }
          }
        }
        e += 4 + len;
      }
      entries.push(entry);
      p = extraEnd + commentLength;
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

// CRC-32 (IEEE, reflected, polynomial 0xEDB88320) for Node versions without zlib.crc32 (< 20.15).
let crcTable: Uint32Array | undefined;
function crc32Update(crc: number, data: Buffer): number {
  const native = (zlib as unknown as { crc32?: (d: Buffer, v: number) => number }).crc32;
  if (native) return native(data, crc);
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** A pass-through stream that checks the CRC-32 and length of what flows through it. */
class CrcCheck extends Transform {
  private crc = 0;
  private length = 0;
  constructor(private readonly entry: ZipEntry) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32Update(this.crc, chunk);
    this.length += chunk.length;
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.length !== this.entry.size)
      done(new Error(`zip entry ${this.entry.name}: ${this.length} bytes extracted, ${this.entry.size} expected`));
    else if (this.crc !== this.entry.crc32) done(new Error(`zip entry ${this.entry.name}: CRC-32 mismatch`));
    else done();
  }
}

/** Writes one entry of `archive` to `dest` (parent folders created), checking its CRC-32. */
export async function extractEntry(archive: string, entry: ZipEntry, dest: string): Promise<void> {
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED)
    throw new Error(`zip entry ${entry.name} uses compression method ${entry.method} (only 0 and 8 are supported)`);
  const fd = fs.openSync(archive, 'r');
  let dataStart: number;
  try {
    const local = readAt(fd, entry.localHeaderOffset, LOCAL_HEADER_SIZE);
    if (local.length < LOCAL_HEADER_SIZE || local.readUInt32LE(0) !== LOCAL_SIGNATURE)
      throw new Error(`zip entry ${entry.name}: bad local header`);
    // The local header's own name and extra lengths (the extra field may differ from the central one).
    dataStart = entry.localHeaderOffset + LOCAL_HEADER_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    fs.closeSync(fd);
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  if (entry.compressedSize === 0) {
    if (entry.size !== 0) throw new Error(`zip entry ${entry.name}: no data for ${entry.size} bytes`);
    fs.writeFileSync(dest, Buffer.alloc(0));
    return;
  }
  // `end` is inclusive.
  const source = fs.createReadStream(archive, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const stages: NodeJS.ReadWriteStream[] = entry.method === METHOD_DEFLATED ? [zlib.createInflateRaw()] : [];
  await pipeline([source, ...stages, new CrcCheck(entry), fs.createWriteStream(dest)]);
}
