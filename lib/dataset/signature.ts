// Element structures given as data, with `{ dtype, shape }` leaves shaped like `ds.elementSpec`:
// fromGenerator's and mapJs's outputSignature, fromService's elementSpec. Their check at run time
// (the types are in element.ts).
import { DTYPES, isDType } from '../tensor/dtypes';
import { Skeleton, flattenStructure, isPlainRecord } from '../tensor/structure';
import type { TensorSpec } from '../trace/function';
import type { SignatureSpec } from './element';

const isSignatureSpec = (v: unknown): v is SignatureSpec =>
  isPlainRecord(v) && typeof v.dtype === 'string' && 'shape' in v;

/**
 * The components a signature describes, checked: `what` names it in errors ('fromService:
 * elementSpec'); `missing` is said after "is required" when it is absent.
 */
export function parseSignature(
  signature: unknown,
  what: string,
  missing = '',
): { specs: TensorSpec[]; skeleton: Skeleton } {
  if (signature === undefined) throw new TypeError(`${what} is required${missing}`);
  const { leaves, skeleton } = flattenStructure(signature, isSignatureSpec, what);
  if (leaves.length === 0) throw new TypeError(`${what} has no components`);
  const specs = leaves.map((s, i) => {
    if (!isDType(s.dtype))
      throw new TypeError(`${what}: component ${i} has dtype '${s.dtype}', not one of ${DTYPES.join(', ')}`);
    const dims: unknown = s.shape;
    if (
      dims !== null &&
      (!Array.isArray(dims) || !dims.every((d) => d === null || (Number.isSafeInteger(d) && d >= 0)))
    )
      throw new TypeError(
        `${what}: component ${i} has shape ${JSON.stringify(dims)}; dims are integers >= 0 or null (unknown)`,
      );
    return { dtype: s.dtype, shape: dims === null ? null : [...(dims as (number | null)[])] };
  });
  return { specs, skeleton };
}
