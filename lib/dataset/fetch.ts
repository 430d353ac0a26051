// What an iterator fetches for each element. Plain components are IteratorGetNext's outputs; a
// sparse or ragged component, which the pipeline carries as a variant, is unboxed in the
// pipeline graph right after IteratorGetNext (DeserializeSparse, RaggedTensorFromVariant), so
// one session step fetches its parts as ordinary tensors, and the iterator's skeleton rebuilds
// the host SparseTensor / RaggedTensor from them. A variant never crosses into JavaScript.
import { compositeParts, unboxComposite } from '../graph/composite';
import { GraphContext } from '../graph/context';
import type { OutputRef } from '../native';
import { Skeleton, replaceLeaves } from '../tensor/structure';
import { Sym } from '../graph/sym';
import { DatasetInput } from './definition';

/** The refs to fetch for one element and the skeleton that rebuilds it on the host. */
export function unboxOutputs(
  ctx: GraphContext,
  dataset: Pick<DatasetInput, 'specs' | 'skeleton'>,
  next: Sym[],
): { refs: OutputRef[]; skeleton: Skeleton } {
  if (!dataset.specs.some((s) => s.composite)) return { refs: next.map((s) => s.ref), skeleton: dataset.skeleton };
  const refs: OutputRef[] = [];
  const hosts: Skeleton[] = next.map((sym, i) => {
    const composite = dataset.specs[i].composite;
    if (!composite) {
      refs.push(sym.ref);
      return { kind: 'leaf' };
    }
    const parts = compositeParts(unboxComposite(ctx, sym, composite));
    refs.push(...parts.map((p) => p.ref));
    if (composite.kind === 'sparse') return { kind: 'leaf', host: { sparse: true } };
    return parts.length === 1 ? { kind: 'leaf' } : { kind: 'leaf', host: { raggedSplits: parts.length - 1 } };
  });
  return { refs, skeleton: replaceLeaves(dataset.skeleton, (i) => hosts[i]) };
}
