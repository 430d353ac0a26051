// Element specs given as data (`Dataset.fromService`'s `elementSpec`, shaped like
// `ds.elementSpec`): their type-level reading and their check at run time.
import { Skeleton, flattenStructure, isPlainRecord } from '../../tensor/structure';
import { DTYPES, GraphDType, isDType } from '../../tensor/dtypes';
import type { TensorSpec } from '../../trace/function';
import type { Sym } from '../../graph/sym';
import type { Element } from '../element';

/** One component of an element spec: what `ds.elementSpec` holds at its leaves. */
export interface ServiceComponentSpec<D extends GraphDType = GraphDType> {
  /** The element type. */
  readonly dtype: D;
  /** Static shape (null dims unknown; null when the rank is unknown). */
  readonly shape: readonly (number | null)[] | null;
}

/** An element spec: component specs in a tuple or record, nested (as `ds.elementSpec` gives). */
export type SpecStructure = ServiceComponentSpec | readonly SpecStructure[] | { readonly [key: string]: SpecStructure };

/** The element type an element spec describes (any element when the spec is not known statically). */
export type ElementOfSpec<S> = [S] extends [never]
  ? Element
  : SpecStructure extends S
    ? Element
    : S extends ServiceComponentSpec<infer D>
      ? Sym<D>
      : S extends readonly unknown[]
        ? { -readonly [K in keyof S]: ElementOfSpec<S[K]> }
        : { -readonly [K in keyof S]: ElementOfSpec<S[K]> };

const isSpec = (v: unknown): v is ServiceComponentSpec =>
  isPlainRecord(v) && typeof v.dtype === 'string' && 'shape' in v;

/** The components an element spec describes, checked. */
export function specsOf(elementSpec: unknown): { specs: TensorSpec[]; skeleton: Skeleton } {
  const what = 'fromService: elementSpec';
  if (elementSpec === undefined) throw new TypeError(`${what} is required (the registered dataset's ds.elementSpec)`);
  const { leaves, skeleton } = flattenStructure(elementSpec, isSpec, what);
  if (leaves.length === 0) throw new TypeError(`${what} has no components`);
  const specs = leaves.map((s, i) => {
    if (!isDType(s.dtype))
      throw new TypeError(`${what}: component ${i} has dtype '${s.dtype}', not one of ${DTYPES.join(', ')}`);
    const dims = s.shape;
    if (dims !== null && (!Array.isArray(dims) || !dims.every((d) => d === null || (Number.isInteger(d) && d >= 0))))
      throw new TypeError(
        `${what}: component ${i} has shape ${JSON.stringify(dims)}; dims are integers >= 0 or null (unknown)`,
      );
    return { dtype: s.dtype, shape: dims === null ? null : [...dims] };
  });
  return { specs, skeleton };
}
