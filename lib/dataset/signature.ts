// Element structures given as data, with `{ dtype, shape }` leaves shaped like `ds.elementSpec`
// (or `{ kind: 'sparse' | 'ragged', ... }` for composite components): fromGenerator's and mapJs's
// outputSignature, fromService's elementSpec. Their check at run time (the types are in element.ts).
import { DTYPES, isDType } from '../tensor/dtypes';
import { Skeleton, flattenStructure, isPlainRecord } from '../tensor/structure';
import type { TensorSpec } from '../trace/function';
import { CompositeSpec } from '../graph/composite';
import { compositeComponent } from './definition';
import type { SignatureLeaf } from './element';

const isSignatureLeaf = (v: unknown): v is SignatureLeaf =>
  isPlainRecord(v) && typeof v.dtype === 'string' && 'shape' in v;

/** A composite leaf's type, its defaults filled in as Python's TypeSpecs fill them. */
function compositeOf(leaf: SignatureLeaf, shape: (number | null)[] | null, at: string): CompositeSpec | undefined {
  if (!('kind' in leaf) || leaf.kind === undefined) return undefined;
  const dtype = leaf.dtype as CompositeSpec['dtype'];
  const kind: unknown = leaf.kind;
  if (kind !== 'sparse' && kind !== 'ragged')
    throw new TypeError(`${at} has kind '${String(kind)}'; expected 'sparse' or 'ragged' (or no kind)`);
  if (shape === null) throw new TypeError(`${at}: a ${leaf.kind} component needs a known rank`);
  if (leaf.kind === 'sparse') return { kind: 'sparse', dtype, shape };
  const raggedRank = leaf.raggedRank ?? shape.length - 1;
  // 0 is a dense tensor carried in ragged form (a row of a sliced ragged tensor, as tf.data has it).
  if (!Number.isSafeInteger(raggedRank) || raggedRank < 0 || raggedRank >= Math.max(shape.length, 1))
    throw new TypeError(
      `${at}: raggedRank must be an integer from 0 to rank - 1 (${shape.length - 1}), got ${raggedRank}`,
    );
  const rowSplitsDtype = leaf.rowSplitsDtype ?? 'int64';
  if (rowSplitsDtype !== 'int32' && rowSplitsDtype !== 'int64')
    throw new TypeError(`${at}: rowSplitsDtype must be 'int32' or 'int64', got ${String(rowSplitsDtype)}`);
  // Ragged dimensions have no static size.
  const dims = shape.map((d, i) => (i >= 1 && i <= raggedRank ? null : d));
  return { kind: 'ragged', dtype, shape: dims, raggedRank, rowSplitsDtype };
}

/**
 * The components a signature describes, checked: `what` names it in errors ('fromService:
 * elementSpec'); `missing` is said after "is required" when it is absent. A sparse or ragged
 * component is carried boxed in a variant, as every composite component of a dataset is.
 */
export function parseSignature(
  signature: unknown,
  what: string,
  missing = '',
): { specs: TensorSpec[]; skeleton: Skeleton } {
  if (signature === undefined) throw new TypeError(`${what} is required${missing}`);
  const { leaves, skeleton } = flattenStructure(signature, isSignatureLeaf, what);
  if (leaves.length === 0) throw new TypeError(`${what} has no components`);
  const specs = leaves.map((s, i): TensorSpec => {
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
    const shape = dims === null ? null : [...(dims as (number | null)[])];
    const composite = compositeOf(s, shape, `${what}: component ${i}`);
    if (composite) return compositeComponent(composite);
    return { dtype: s.dtype, shape };
  });
  return { specs, skeleton };
}
