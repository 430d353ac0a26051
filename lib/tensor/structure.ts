// Element structures: a leaf, a tuple (array) or a record (plain object), nested. Records are
// flattened in sorted key order, as tf.nest does, so components line up with Python's; rebuilt
// records have their keys in the order they were written, as Python's dicts keep theirs.
import { RaggedTensor, SparseTensor } from './composite';
import type { Tensor } from './tensor';

/**
 * How a leaf of a pipeline's output is rebuilt on the host from the tensors fetched for it: one
 * tensor (the default), a SparseTensor from three (indices, values, dense shape), or a
 * RaggedTensor from its row splits followed by its flat values.
 */
export type HostLeaf = { sparse: true } | { raggedSplits: number };

export type Skeleton =
  | { kind: 'leaf'; host?: HostLeaf }
  | { kind: 'tuple'; items: Skeleton[] }
  | {
      kind: 'record';
      /** The keys in sorted order: the order of `items` and of the flattened components. */
      keys: string[];
      items: Skeleton[];
      /** The keys in the order the record was written, when that is not sorted. */
      written?: string[];
    };

export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Leaves in order and the skeleton to rebuild the same structure. */
export function flattenStructure<L>(
  value: unknown,
  isLeaf: (v: unknown) => v is L,
  what: string,
): { leaves: L[]; skeleton: Skeleton } {
  const leaves: L[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, path: string): Skeleton => {
    if (isLeaf(v)) {
      leaves.push(v);
      return { kind: 'leaf' };
    }
    if (Array.isArray(v) || isPlainRecord(v)) {
      if (seen.has(v)) throw new TypeError(`${what} contains a cycle at ${path}`);
      seen.add(v);
      let result: Skeleton;
      if (Array.isArray(v)) {
        result = { kind: 'tuple', items: v.map((x, i) => walk(x, `${path}[${i}]`)) };
      } else {
        const written = Object.keys(v);
        const keys = [...written].sort();
        result = { kind: 'record', keys, items: keys.map((k) => walk(v[k], `${path}.${k}`)) };
        if (written.some((k, j) => k !== keys[j])) result.written = written;
      }
      seen.delete(v);
      return result;
    }
    const shown =
      v === undefined
        ? 'undefined'
        : v === null
          ? 'null'
          : typeof v === 'object'
            ? ((v as object).constructor?.name ?? 'object')
            : typeof v;
    throw new TypeError(`${what} has a ${shown} at ${path}; expected a tensor, an array or a plain object of them`);
  };
  const skeleton = walk(value, what);
  return { leaves, skeleton };
}

export function unflatten<R>(skeleton: Skeleton, leaves: readonly R[]): unknown {
  // One plain tensor (a batch, most often): no closures per element.
  if (skeleton.kind === 'leaf' && !skeleton.host && leaves.length === 1) return leaves[0];
  let i = 0;
  // Host leaves exist only in an iterator's skeleton, whose leaves are Tensors.
  const composite = (host: HostLeaf): unknown => {
    const parts = leaves.slice(i, (i += 'sparse' in host ? 3 : host.raggedSplits + 1)) as unknown as Tensor[];
    if ('sparse' in host) return new SparseTensor(parts[0] as Tensor<'int64'>, parts[1], parts[2] as Tensor<'int64'>);
    return new RaggedTensor(parts[parts.length - 1], parts.slice(0, -1) as Tensor<'int64'>[]);
  };
  const build = (s: Skeleton): unknown => {
    if (s.kind === 'leaf' && s.host) return composite(s.host);
    if (s.kind === 'leaf') return leaves[i++];
    if (s.kind === 'tuple') return s.items.map(build);
    // Built in sorted order (the order of the leaves), then keyed in the order written.
    const values = new Map(s.keys.map((k, j) => [k, build(s.items[j])]));
    const out: Record<string, unknown> = {};
    for (const k of s.written ?? s.keys) {
      // Keys are data: defineProperty, so a key named __proto__ is a key, not a prototype.
      Object.defineProperty(out, k, { value: values.get(k), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const result = build(skeleton);
  if (i !== leaves.length) throw new Error(`structure expects ${i} components, got ${leaves.length}`);
  return result;
}

/** `s` with each leaf, in order, replaced by `leaf(i)` (records keep their written key order). */
export function replaceLeaves(s: Skeleton, leaf: (i: number) => Skeleton): Skeleton {
  let i = 0;
  const walk = (x: Skeleton): Skeleton => {
    if (x.kind === 'leaf') return leaf(i++);
    if (x.kind === 'tuple') return { kind: 'tuple', items: x.items.map(walk) };
    return { ...x, items: x.items.map(walk) };
  };
  return walk(s);
}

export function sameSkeleton(a: Skeleton, b: Skeleton): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf') return true;
  if (a.kind === 'tuple')
    return (
      b.kind === 'tuple' && a.items.length === b.items.length && a.items.every((x, i) => sameSkeleton(x, b.items[i]))
    );
  return (
    b.kind === 'record' &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => k === b.keys[i]) &&
    a.items.every((x, i) => sameSkeleton(x, b.items[i]))
  );
}

export function describeSkeleton(s: Skeleton, leaf: (i: number) => string): string {
  let i = 0;
  const show = (x: Skeleton): string => {
    if (x.kind === 'leaf') return leaf(i++);
    if (x.kind === 'tuple') return `[${x.items.map(show).join(', ')}]`;
    const shown = new Map(x.keys.map((k, j) => [k, show(x.items[j])]));
    return `{ ${(x.written ?? x.keys).map((k) => `${k}: ${shown.get(k)}`).join(', ')} }`;
  };
  return show(s);
}
