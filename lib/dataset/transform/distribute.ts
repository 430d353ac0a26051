// Reading from the tf.data service (DataServiceDatasetV4): `distribute` (register this
// pipeline, then read it back from the service's workers) and `fromService` (read a dataset
// registered elsewhere). Pipelines holding one check the dispatcher and register before their
// first step (preflight.ts), since TensorFlow would retry an absent dispatcher for an hour.
import { TensorSpec, traceFunction } from '../../trace/function';
import { GraphContext } from '../../graph/context';
import { TFError } from '../../errors';
import { Skeleton } from '../../tensor/structure';
import { Tensor } from '../../tensor/tensor';
import type { OutputRef } from '../../native';
import { DatasetDefinition, DatasetInput, checkCount, emitDatasetOp, int64, typeAttrs } from '../definition';
import { Feed, setPreflight } from '../preflight';
import { ServiceAddress, parseService } from '../service/address';
import { isRegistered } from '../service/probe';
import {
  Compression,
  ProcessingMode,
  checkCompression,
  checkProcessingMode,
  processingModeDef,
} from '../service/metadata';
import { checkDatasetId, registrationOf, stringConst } from '../service/register';
import type { SpecStructure } from '../element';
import { parseSignature } from '../signature';

/** How a pipeline reads from the tf.data service (options of `distribute` and `fromService`). */
export interface ServiceReadOptions {
  /**
   * How work is split among workers: 'off' (each worker produces the whole dataset), 'dynamic'
   * (splits handed out at run time: each element once), or the static 'file', 'data',
   * 'fileOrData', 'hint' (they need the dispatcher's fixed worker list).
   */
  processingMode: ProcessingMode;
  /** Consumers that give the same name share one job (and its elements) instead of each having its own. */
  jobName?: string;
  /** With `numConsumers`: this consumer's index; consumers then read in strict round robin. */
  consumerIndex?: number;
  /** With `consumerIndex` and `jobName`: how many consumers read the job (the dataset must be infinite). */
  numConsumers?: number;
  /** Elements requested from workers at once (bounds memory); default 'auto'. */
  maxOutstandingRequests?: number | 'auto';
  /** How often to ask the dispatcher for new or removed workers, in ms (default 1000). */
  taskRefreshMs?: number;
  /** Which workers to read from (default 'auto'). */
  targetWorkers?: 'auto' | 'any' | 'local';
}

/** Options of `distribute`. */
export interface DistributeOptions extends ServiceReadOptions {
  /** The dispatcher: 'grpc://host:port' or 'host:port'. */
  service: string;
  /** Compression of elements between workers and this process (default 'auto'). */
  compression?: Compression;
  /** Register under this id instead of a new one (see `registerWithService`). */
  datasetId?: string;
}

const KNOWN = [
  'processingMode',
  'jobName',
  'consumerIndex',
  'numConsumers',
  'maxOutstandingRequests',
  'taskRefreshMs',
  'targetWorkers',
];
const TARGETS = { auto: 'AUTO', any: 'ANY', local: 'LOCAL' } as const;
const NOT_FOUND = 5;

interface ReadPlan {
  where: ServiceAddress;
  mode: ProcessingMode;
  jobName: string;
  consumerIndex: number;
  numConsumers: number;
  maxOutstanding: number;
  refreshMs: number;
  targetWorkers: string;
}

function checkOptions(options: unknown, where: string, extra: string[]): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  const known = [...KNOWN, ...extra];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${where}: unknown option '${key}' (known: ${known.join(', ')})`);
  }
}

/** The read options checked, with TensorFlow's values for what was left out (-1: tuned). */
function readPlan(what: string, service: unknown, o: ServiceReadOptions): ReadPlan {
  const where = parseService(service, `${what}: service`);
  const mode = checkProcessingMode(o.processingMode, `${what}: processingMode`);
  if (o.jobName !== undefined && (typeof o.jobName !== 'string' || o.jobName === ''))
    throw new TypeError(`${what}: jobName must be a non-empty string`);
  if ((o.consumerIndex === undefined) !== (o.numConsumers === undefined))
    throw new TypeError(`${what}: consumerIndex and numConsumers go together: give both or neither`);
  const numConsumers = o.numConsumers === undefined ? -1 : checkCount(o.numConsumers, `${what}: numConsumers`, 1);
  const consumerIndex = o.consumerIndex === undefined ? -1 : checkCount(o.consumerIndex, `${what}: consumerIndex`, 0);
  if (numConsumers > 0 && consumerIndex >= numConsumers)
    throw new RangeError(`${what}: consumerIndex must be < numConsumers (${numConsumers}), got ${consumerIndex}`);
  if (numConsumers > 0 && o.jobName === undefined)
    throw new TypeError(`${what}: numConsumers needs a jobName (the consumers share that job)`);
  const maxOutstanding =
    o.maxOutstandingRequests === undefined || o.maxOutstandingRequests === 'auto'
      ? -1
      : checkCount(o.maxOutstandingRequests, `${what}: maxOutstandingRequests`, 1);
  const refreshMs = o.taskRefreshMs === undefined ? -1 : checkCount(o.taskRefreshMs, `${what}: taskRefreshMs`, 1);
  const target = o.targetWorkers ?? 'auto';
  if (typeof target !== 'string' || !Object.hasOwn(TARGETS, target))
    throw new RangeError(`${what}: targetWorkers must be 'auto', 'any' or 'local', got ${String(target)}`);
  return {
    where,
    mode,
    jobName: o.jobName ?? '',
    consumerIndex,
    numConsumers,
    maxOutstanding,
    refreshMs,
    targetWorkers: TARGETS[target as keyof typeof TARGETS],
  };
}

/**
 * The job name of an iterator's pass: Python's from_dataset_id form for the first, so named jobs
 * are shared with Python consumers. Each TensorFlow session counts passes from 0 (the dataset
 * op's iteration counter), so a later pass would join the first, finished job and read nothing:
 * pass k > 0 of this dataset gets a job of its own, shared by the k-th passes of other processes.
 */
function jobNameOf(datasetId: string, jobName: string, pass: number): string {
  return `dataset_id=/${datasetId}/${jobName}${pass > 0 ? `/pass-${pass}` : ''}`;
}

/** DataServiceDatasetV4 reading `datasetId`; its elements are decompressed by a traced UncompressElement. */
function serviceRead(
  plan: ReadPlan,
  datasetId: string,
  specs: readonly TensorSpec[],
  skeleton: Skeleton,
  ready: (runOptions: Uint8Array | undefined) => Promise<void>,
): DatasetDefinition {
  // Required even when nothing is compressed: TensorFlow asks the dispatcher whether to use it.
  const uncompress = traceFunction('uncompress', [{ dtype: 'variant', shape: [] }], ([element]) =>
    GraphContext.require('uncompress').addOp('UncompressElement', [element], typeAttrs(specs)),
  );
  const detail = [
    plan.where.address,
    plan.mode,
    `dataset ${datasetId}`,
    ...(plan.jobName ? [`job ${plan.jobName}`] : []),
    ...(plan.numConsumers > 0 ? [`consumer ${plan.consumerIndex}/${plan.numConsumers}`] : []),
  ].join(', ');
  // A named job's name is fed when an iterator starts (it depends on the pass).
  const jobNames = new WeakMap<GraphContext, OutputRef>();
  let passes = 0;
  const node = {
    op: 'DataServiceDatasetV4',
    detail,
    inputs: [],
    emit: (ctx: GraphContext) => {
      if (ctx.kind !== 'pipeline')
        throw new TypeError('a dataset read from the tf.data service cannot be used inside a callback');
      let job = stringConst(ctx, '');
      if (plan.jobName) {
        job = ctx.placeholder('string', [], 'job_name');
        jobNames.set(ctx, job.ref);
      }
      const [counter] = ctx.addOp('DummyIterationCounter', []);
      const inputs = [
        stringConst(ctx, datasetId),
        stringConst(ctx, processingModeDef(plan.mode)),
        stringConst(ctx, plan.where.address),
        stringConst(ctx, plan.where.protocol),
        job,
        int64(ctx, plan.consumerIndex),
        int64(ctx, plan.numConsumers),
        int64(ctx, plan.maxOutstanding),
        counter,
      ];
      return emitDatasetOp(ctx, 'DataServiceDatasetV4', inputs, specs, {
        task_refresh_interval_hint_ms: plan.refreshMs,
        target_workers: plan.targetWorkers,
        uncompress: true,
        uncompress_fn: uncompress,
      });
    },
  };
  setPreflight(node, async (ctx, starting, runOptions): Promise<Feed[]> => {
    await ready(runOptions);
    const ref = jobNames.get(ctx);
    if (!ref) return [];
    const pass = starting ? passes++ : Math.max(passes - 1, 0);
    const name = new TextEncoder().encode(jobNameOf(datasetId, plan.jobName, pass));
    return [[ref, new Tensor('string', [], [name]).handle()]];
  });
  return { node, specs, skeleton };
}

function outsideCallbacks(what: string): void {
  if (GraphContext.current())
    throw new TypeError(`${what} cannot be called inside a callback: the tf.data service is read by a whole pipeline`);
}

/** `input` registered with the service and read back from its workers. */
export function distribute(input: DatasetInput, options: DistributeOptions): DatasetDefinition {
  outsideCallbacks('distribute');
  checkOptions(options, 'distribute', ['service', 'compression', 'datasetId']);
  const plan = readPlan('distribute', options.service, options);
  const compression = checkCompression(options.compression ?? 'auto', 'distribute: compression');
  const id = options.datasetId === undefined ? undefined : checkDatasetId(options.datasetId, 'distribute: datasetId');
  const registration = registrationOf('distribute', input, plan.where, compression, id);
  return serviceRead(plan, registration.id, input.specs, input.skeleton, async (runOptions) => {
    await registration.ensure(runOptions);
  });
}

/** Options of `Dataset.fromService`. */
export interface FromServiceOptions<S extends SpecStructure = SpecStructure> extends ServiceReadOptions {
  /** The registered dataset's element structure: `ds.elementSpec` of the dataset registered. */
  elementSpec: S;
}

/** A dataset registered by anyone (`registerWithService`, Python's register_dataset) read from the service. */
export function fromService(service: unknown, datasetId: unknown, options: FromServiceOptions): DatasetDefinition {
  outsideCallbacks('fromService');
  checkOptions(options, 'fromService', ['elementSpec']);
  const plan = readPlan('fromService', service, options);
  const id = checkDatasetId(datasetId, 'fromService: datasetId');
  const { specs, skeleton } = parseSignature(
    options.elementSpec,
    'fromService: elementSpec',
    " (the registered dataset's ds.elementSpec)",
  );
  return serviceRead(plan, id, specs, skeleton, async () => {
    if (!(await isRegistered(plan.where, id)))
      throw new TFError(
        `the tf.data service at ${plan.where.address} has no dataset '${id}': register it first ` +
          '(Dataset.registerWithService, or register_dataset in Python)',
        NOT_FOUND,
      );
  });
}
