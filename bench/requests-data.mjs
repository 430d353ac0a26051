// W7's inputs and sizes, which bench/requests_python.py repeats exactly.
export const W7 = {
  rows: 8,
  cols: 4,
  weights: [0.5, -1, 2, 0.25],
  warmup: 20,
  sizes: {
    full: { requests: 200, concurrent: 2000, inFlight: 20 },
    quick: { requests: 100, concurrent: 500, inFlight: 20 },
  },
};

/** Request `i`'s 8×4 input: different data per request, same shape. */
export function w7Input(i) {
  return Float32Array.from({ length: W7.rows * W7.cols }, (_, k) => ((i * 7 + k * 3) % 17) / 4 - 2);
}

/** The p-th percentile (nearest rank) of `values`. */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
