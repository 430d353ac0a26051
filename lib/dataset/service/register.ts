// Registering a dataset with the tf.data service. The dataset's graph goes to the dispatcher in
// a RegisterDatasetV2 op, run in a one-off session of its own, when the dispatcher does not know
// the dataset yet (asked first: once per iterator start, so a restarted dispatcher gets it again);
// host data the pipeline captured is serialised into that graph (protobuf's 2 GB limit applies).
// The id is chosen here, before any RPC, so graphs can hold it as a constant and registering
// twice cannot make two datasets. It is new in each process (unless the caller names one): named
// jobs carry it, so a rerun never joins a finished job of a previous run.
import { randomBytes } from 'node:crypto';

import { traceFunction } from '../../trace/function';
import { GraphContext } from '../../graph/context';
import { NativeTensorHandle, OutputRef } from '../../native';
import { openSession } from '../../iterate/open-session';
import { Sym } from '../../graph/sym';
import { Tensor } from '../../tensor/tensor';
import { ProtoEntry, decodeProto } from '../../proto';
import { AUTOTUNE, DatasetInput, emitDatasetOp, int64 } from '../definition';
import { ServiceAddress, parseService } from './address';
import { isRegistered } from './probe';
import { Compression, checkCompression, serviceMetadata } from './metadata';

// ExternalStatePolicy.WARN, Python's default: stateful ops are registered, with a log line.
const EXTERNAL_STATE_WARN = 0;

/** A string scalar constant (bytes kept as they are). */
export function stringConst(ctx: GraphContext, value: string | Uint8Array): Sym {
  const bytes = typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return ctx.constant(new Tensor('string', [], [bytes]));
}

/** `datasetId` checked: a non-empty string. */
export function checkDatasetId(datasetId: unknown, name: string): string {
  if (typeof datasetId !== 'string' || datasetId === '')
    throw new TypeError(`${name} must be a non-empty string, got ${JSON.stringify(datasetId) ?? typeof datasetId}`);
  return datasetId;
}

/** Placeholders of `ctx` its feeds do not cover: inputs that only this process can give. */
function unfedPlaceholders(ctx: GraphContext): string[] {
  const fed = new Set(ctx.feedNames);
  const text = (e: ProtoEntry | undefined) => (e ? new TextDecoder().decode(e.bytes) : '');
  const unfed: string[] = [];
  // GraphDef.node = 1; NodeDef.name = 1, NodeDef.op = 2.
  for (const node of decodeProto(new Uint8Array(ctx.native.toGraphDef()))) {
    if (node.field !== 1) continue;
    const fields = decodeProto(node.bytes);
    const name = text(fields.find((f) => f.field === 1));
    if (text(fields.find((f) => f.field === 2)) === 'Placeholder' && !fed.has(name)) unfed.push(name);
  }
  return unfed;
}

/** The elements compressed one by one (CompressElement in a parallel map), as Python does. */
function compressed(ctx: GraphContext, dataset: DatasetInput, variant: Sym): Sym {
  const f = traceFunction('compress', dataset.specs, (components) => [
    GraphContext.require('compress').addOp('CompressElement', [components])[0],
  ]);
  return emitDatasetOp(
    ctx,
    'ParallelMapDatasetV2',
    [variant, ctx.resolveCaptures(f), int64(ctx, AUTOTUNE)],
    [{ dtype: 'variant', shape: [] }],
    { f, use_inter_op_parallelism: true, preserve_cardinality: true, deterministic: 'default' },
  );
}

/** One dataset's registration with one service: its id now, the RPC when the dispatcher lacks it. */
export class Registration {
  /** The dataset id, fixed before registering. */
  readonly id: string;
  private readonly ctx: GraphContext;
  private readonly output: Sym;
  private running: Promise<string> | undefined;

  constructor(
    what: string,
    dataset: DatasetInput,
    readonly where: ServiceAddress,
    compression: Compression,
    datasetId: string | undefined,
  ) {
    if (dataset.specs.length === 0) throw new TypeError(`${what}: a dataset without components cannot be registered`);
    this.id = datasetId ?? `tfdata-${randomBytes(12).toString('hex')}`;
    const ctx = new GraphContext('pipeline');
    try {
      let variant = dataset.emit(ctx);
      const unfed = unfedPlaceholders(ctx);
      if (unfed.length > 0) {
        throw new TypeError(
          `${what}: the pipeline takes input from this process (${unfed.join(', ')}: a JavaScript source ` +
            "such as fromGenerator or mapJs), which the service's workers cannot reach",
        );
      }
      if (compression !== 'none') variant = compressed(ctx, dataset, variant);
      const inputs = [variant, stringConst(ctx, where.address), stringConst(ctx, where.protocol)];
      this.output = ctx.addOp('RegisterDatasetV2', inputs, {
        external_state_policy: EXTERNAL_STATE_WARN,
        requested_dataset_id: this.id,
        // The element spec lets Python's from_dataset_id read it without being told the structure.
        metadata: serviceMetadata(dataset.skeleton, dataset.specs, compression),
      })[0];
      this.ctx = ctx;
    } catch (e) {
      ctx.dispose();
      throw e;
    }
  }

  /** Makes sure the dispatcher has the dataset (registering it if not); resolves to its id. */
  async ensure(runOptions?: Uint8Array): Promise<string> {
    if (await isRegistered(this.where, this.id)) return this.id;
    if (!this.running) {
      this.running = this.register(runOptions);
      this.running.then(
        () => (this.running = undefined),
        () => (this.running = undefined),
      );
    }
    return this.running;
  }

  private async register(runOptions: Uint8Array | undefined): Promise<string> {
    const session = openSession(this.ctx);
    try {
      const feeds = this.ctx.feeds.map(([ref, t]) => [ref, t.handle()] as [OutputRef, NativeTensorHandle]);
      const [raw] = await session.run(feeds, [this.output.ref], [], runOptions);
      return new TextDecoder().decode((Tensor.fromRaw(raw).data as Uint8Array[])[0]);
    } finally {
      session.close();
    }
  }
}

const registrations = new WeakMap<DatasetInput, Map<string, Registration>>();

/** The registration of `dataset` with the service at `where` (one per dataset, service, compression and id). */
export function registrationOf(
  what: string,
  dataset: DatasetInput,
  where: ServiceAddress,
  compression: Compression,
  datasetId?: string,
): Registration {
  let byService = registrations.get(dataset);
  if (!byService) registrations.set(dataset, (byService = new Map()));
  const key = JSON.stringify([where.protocol, where.address, compression, datasetId ?? null]);
  let r = byService.get(key);
  if (!r) byService.set(key, (r = new Registration(what, dataset, where, compression, datasetId)));
  return r;
}

/** Options of `Dataset.registerWithService`. */
export interface RegisterOptions {
  /** Compression of elements between workers and consumers (default 'auto'). */
  compression?: Compression;
  /**
   * The id to register under (default: a new one per process). Processes that register under the
   * same id share the dataset, and their named jobs; the dispatcher keeps the first registration.
   */
  datasetId?: string;
}

/** Registers `dataset` (once per dataset, service, compression and id) and resolves to its id. */
export async function registerWithService(
  dataset: DatasetInput,
  service: unknown,
  options: RegisterOptions,
): Promise<string> {
  if (options === null || typeof options !== 'object')
    throw new TypeError('registerWithService: options must be an object');
  for (const key of Object.keys(options)) {
    if (key !== 'compression' && key !== 'datasetId')
      throw new TypeError(`registerWithService: unknown option '${key}' (known: compression, datasetId)`);
  }
  const where = parseService(service, 'registerWithService: service');
  const compression = checkCompression(options.compression ?? 'auto', 'registerWithService: compression');
  const id =
    options.datasetId === undefined ? undefined : checkDatasetId(options.datasetId, 'registerWithService: datasetId');
  return registrationOf('registerWithService', dataset, where, compression, id).ensure();
}
