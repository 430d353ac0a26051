// The benchmark inputs, defined by formulas that bench/python_bench.py repeats exactly.
export const SIZES = {
  full: {
    w1: 1_000_000,
    w2: 200_000,
    w3: 20_000,
    w4: 1_000_000,
    w5: 200_000,
    w6: 100_000,
    w8: 20_000,
    w9: 500_000,
    w10: 500_000,
    w11: 200_000,
  },
  quick: {
    w1: 100_000,
    w2: 20_000,
    w3: 2_000,
    w4: 100_000,
    w5: 20_000,
    w6: 10_000,
    w8: 2_000,
    w9: 50_000,
    w10: 50_000,
    w11: 20_000,
  },
};

export function w1Data(rows) {
  const x = new Float32Array(rows * 32);
  for (let i = 0; i < rows; i++) for (let j = 0; j < 32; j++) x[i * 32 + j] = ((i * 31 + j * 17) % 1000) / 1000 - 0.5;
  const w = Float32Array.from({ length: 32 }, (_, j) => (j + 1) / 32);
  const b = Float32Array.from({ length: 32 }, (_, j) => j * 0.01 - 0.1);
  return { x, w, b };
}

/** W10's records: 16 float32 features, an int32 label in [0, 10), and the features' mean and std. */
export function w10Data(rows) {
  const x = new Float32Array(rows * 16);
  for (let i = 0; i < rows; i++) for (let j = 0; j < 16; j++) x[i * 16 + j] = ((i * 13 + j * 7) % 200) / 8 - 12;
  const y = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 10);
  const mean = Float32Array.from({ length: 16 }, (_, j) => j / 4 - 2);
  const std = Float32Array.from({ length: 16 }, (_, j) => 4 + j / 8);
  return { x, y, mean, std };
}

/** W11's strings: integers as decimal text. */
export function w11Strings(rows) {
  return Array.from({ length: rows }, (_, i) => String((i * 37) % 1000));
}

export function w3Images(count) {
  const px = new Uint8Array(count * 64 * 64 * 3);
  let k = 0;
  for (let i = 0; i < count; i++)
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) px[k++] = (i * 7 + y * 13 + x * 3 + c * 29) % 256;
  return px;
}

/** Sum of every value of a typed array (as double), for the first/last batch agreement check. */
export function checksum(a) {
  let s = 0;
  if (a instanceof BigInt64Array) {
    // Read as two 32-bit words: reading a BigInt64Array allocates a BigInt per value, and that
    // garbage (3 in 4 of W4b's young-generation bytes) made the event-loop figures measure the
    // checksum's collections. Exact below 2^53, as every bench value is.
    const words = new Int32Array(a.buffer, a.byteOffset, a.length * 2);
    for (let i = 0; i < a.length; i++) s += words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
    return s;
  }
  for (let i = 0; i < a.length; i++) s += Number(a[i]);
  return s;
}
