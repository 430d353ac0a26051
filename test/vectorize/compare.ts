// Running a pipeline with and without vectorisation, and comparing what comes out bit for bit.
import { Dataset, Tensor } from '../../lib';

/** One component as text that differs whenever a bit, the dtype or the shape differs. */
function bitsOf(t: Tensor): string {
  const head = `${t.dtype}[${t.shape.join(',')}]`;
  if (t.dtype === 'string') return `${head}:${(t.data as Uint8Array[]).map((b) => Buffer.from(b).toString('hex'))}`;
  const v = t.data as ArrayBufferView;
  return `${head}:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
}

function flatten(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) return v.flatMap(flatten);
  if (v && typeof v === 'object')
    return Object.keys(v)
      .sort()
      .flatMap((k) => flatten((v as Record<string, unknown>)[k]));
  return [];
}

/** Every element's components as bit strings, then the error that ended iteration (if any). */
export async function run(ds: Dataset<unknown>): Promise<{ elements: string[][]; error?: string }> {
  const elements: string[][] = [];
  try {
    for await (const e of ds) elements.push(flatten(e).map(bitsOf));
  } catch (e) {
    return { elements, error: (e as Error).message.split('\n')[0] };
  }
  return { elements };
}

/** The pipeline as written (vectorisation off) and as it runs by default. */
export async function bothWays(
  ds: Dataset<unknown>,
): Promise<{ plain: Awaited<ReturnType<typeof run>>; vectorized: Awaited<ReturnType<typeof run>> }> {
  return { plain: await run(ds.withOptions({ vectorize: false })), vectorized: await run(ds) };
}

/** True when the default pipeline runs a vectorised map. */
export function isVectorized(ds: Dataset<unknown>): boolean {
  return /vectorized map_fn/.test(ds.explain());
}
