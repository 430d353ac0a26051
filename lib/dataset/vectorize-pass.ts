// The vectorisation pass: before a pipeline is compiled, `map(f) … batch(n)` (a chain of maps
// right below a batch) becomes `batch(n).map(vf)`, with vf = f rewritten for a batch of elements
// (trace/vectorize.ts): one function call per batch instead of one per element. A map the
// vectoriser declines stays as written (and the maps below it with it); `explain()` shows either
// the rewrite or the op that stopped it. Off with `withOptions({ vectorize: false })`.
import { vectorizeFunction } from '../trace/vectorize';
import type { TracedFunction } from '../trace/function';
import { DatasetInput, NodeFacts, asInput } from './definition';
import { batch } from './transform/batch';
import { mapTraced } from './transform/functional';

type MapFacts = Extract<NodeFacts, { kind: 'map' }>;
type BatchFacts = Extract<NodeFacts, { kind: 'batch' | 'paddedBatch' }>;

/** The `vectorize` option in force: the outermost withOptions that sets it (default on). */
export function enabled(root: DatasetInput): boolean {
  const seen = new Set<DatasetInput>();
  const stack = [root];
  while (stack.length) {
    const d = stack.shift() as DatasetInput;
    if (seen.has(d)) continue;
    seen.add(d);
    const facts = d.node.facts;
    if (facts?.kind === 'options' && facts.vectorize !== undefined) return facts.vectorize;
    stack.push(...d.node.inputs);
  }
  return true;
}

/** The same node with a note added to what explain() shows. */
function annotated(d: DatasetInput, note: string, inputs = d.node.inputs): DatasetInput {
  const detail = d.node.detail ? `${d.node.detail}; ${note}` : note;
  return asInput({ node: { ...d.node, detail, inputs }, specs: d.specs, skeleton: d.skeleton });
}

const passes = new WeakMap<DatasetInput, DatasetInput>();

/** `root` with every vectorisable map → batch rewritten (itself when nothing changes). */
export function vectorizePass(root: DatasetInput): DatasetInput {
  const cached = passes.get(root);
  if (cached) return cached;
  const result = enabled(root) ? rewriteTree(root) : root;
  passes.set(root, result);
  return result;
}

function rewriteTree(root: DatasetInput): DatasetInput {
  const memo = new Map<DatasetInput, DatasetInput>();
  const visit = (d: DatasetInput): DatasetInput => {
    const known = memo.get(d);
    if (known) return known;
    const facts = d.node.facts;
    let result = facts?.kind === 'batch' || facts?.kind === 'paddedBatch' ? rewriteBatch(d, facts, visit) : undefined;
    if (!result) {
      const inputs = d.node.inputs.map(visit);
      result = inputs.every((x, i) => x === d.node.inputs[i])
        ? d
        : asInput({ node: { ...d.node, inputs }, specs: d.specs, skeleton: d.skeleton });
    }
    memo.set(d, result);
    return result;
  };
  return visit(root);
}

/** Why a paddedBatch is not a plain batch of its elements (undefined when it is). */
function padding(d: DatasetInput, facts: Extract<NodeFacts, { kind: 'paddedBatch' }>): string | undefined {
  const input = d.node.inputs[0];
  for (const [i, s] of input.specs.entries()) {
    if (s.shape === null || s.shape.some((x) => x === null)) return `component ${i} has no static shape`;
    const pad = facts.paddedShapes[i];
    if (pad.some((p, j) => p !== null && p >= 0 && p !== (s.shape as number[])[j]))
      return `component ${i} is padded beyond its shape`;
  }
  return undefined;
}

/** A batch over maps, rewritten as batch then the vectorised maps; or annotated with why not. */
function rewriteBatch(
  d: DatasetInput,
  facts: BatchFacts,
  visit: (d: DatasetInput) => DatasetInput,
): DatasetInput | undefined {
  const maps: DatasetInput[] = []; // nearest the batch first
  for (let below = d.node.inputs[0]; below.node.facts?.kind === 'map'; below = below.node.inputs[0]) maps.push(below);
  if (maps.length === 0) return undefined;
  const rest = () => d.node.inputs.map(visit);
  if (facts.kind === 'paddedBatch') {
    const why = padding(d, facts);
    if (why) return annotated(d, `not vectorized: paddedBatch pads (${why})`, rest());
  }
  const drop = facts.kind === 'batch' ? !!facts.options.dropRemainder : facts.dropRemainder;
  const vectorized: { map: DatasetInput; fn: TracedFunction }[] = [];
  let note = '';
  for (const map of maps) {
    const { f } = map.node.facts as MapFacts;
    const r = vectorizeFunction(f, drop ? facts.batchSize : null);
    if ('declined' in r) {
      note = `not vectorized: ${f.name} uses ${r.declined.op} (${r.declined.reason})`;
      break;
    }
    vectorized.push({ map, fn: r.fn });
  }
  if (vectorized.length === 0) return annotated(d, note, rest());
  const lowest = vectorized[vectorized.length - 1].map;
  const batchOptions = facts.kind === 'batch' ? facts.options : { dropRemainder: drop };
  let top = asInput(batch(visit(lowest.node.inputs[0]), facts.batchSize, batchOptions));
  if (note) top = annotated(top, note);
  for (let i = vectorized.length - 1; i >= 0; i--) {
    const { map, fn } = vectorized[i];
    const { f, options } = map.node.facts as MapFacts;
    const def = mapTraced(top, fn, options);
    def.node.detail += `; vectorized ${f.name}`;
    def.node.facts = { kind: 'map', f: fn, options, vectorized: true };
    top = asInput(def);
  }
  // The rewritten pipeline yields what the batch did: its element structure stays the batch's.
  return asInput({ node: top.node, specs: d.specs, skeleton: d.skeleton });
}
