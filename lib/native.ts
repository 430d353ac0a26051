// The only module that touches the addon: loads the .node file, then libtensorflow.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { TFError } from './errors';
import { LibraryLocation, locateLibrary, notFoundMessage } from './install/locate';
import { SUPPORTED_TF_RANGE, packageRoot } from './install/paths';
import { ADDON_FILE, addonCandidates as addonPlaces } from './shared/tables';

export interface OutputRef {
  op: number;
  index: number;
}
export interface RawTensor {
  dtype: number;
  shape: number[];
  buffer?: ArrayBuffer;
  /** Set on a row of a batch (iterate/rows.ts): where in `buffer` the row lies, zero-copy. */
  byteOffset?: number;
  byteLength?: number;
  strings?: Uint8Array[];
}
export interface NativeOutputInfo {
  dtype: number;
  shape: number[] | null;
}
export type NativeAttr = [name: string, kind: string, value: unknown];
export interface NativeOperation {
  id: number;
  name: string;
  outputs: NativeOutputInfo[];
}
export interface NativeTensorHandle {
  read(): RawTensor;
  dispose(): void;
  readonly disposed: boolean;
}
export interface NativeFunction {
  readonly name: string;
  dispose(): void;
}
export interface NativeGraph {
  addOperation(
    type: string,
    name: string,
    inputs: (OutputRef | OutputRef[])[],
    attrs: NativeAttr[],
    controlInputs?: number[],
  ): NativeOperation;
  opDef(type: string): Buffer;
  toGraphDef(): Buffer;
  toFunction(name: string, inputs: OutputRef[], outputs: OutputRef[], appendHash: boolean): NativeFunction;
  copyFunction(fn: NativeFunction): void;
  dispose(): void;
}
export interface RepeatedRun {
  elements: RawTensor[][];
  end: boolean;
  error: Error | null;
}
export interface NativeSession {
  run(
    feeds: [OutputRef, NativeTensorHandle][],
    fetches: OutputRef[],
    targets: number[],
    runOptions?: Uint8Array,
  ): Promise<RawTensor[]>;
  runRepeated(fetches: OutputRef[], maxRuns: number, maxMicros: number, runOptions?: Uint8Array): Promise<RepeatedRun>;
  close(): void;
  readonly closed: boolean;
}
/**
 * A lane of a session: its own native thread, running its steps in order, side by side with the
 * session's other lanes. `run`'s `keepFetch` is fetched into the lane (not returned) and fed to
 * `keepFeed` in every later step; at close, the lane runs `cleanupTargets` with it.
 */
export interface NativeLane {
  run(
    feeds: [OutputRef, NativeTensorHandle][],
    fetches: OutputRef[],
    targets: number[],
    runOptions?: Uint8Array,
    keepFetch?: OutputRef,
  ): Promise<RawTensor[]>;
  runRepeated(fetches: OutputRef[], maxRuns: number, maxMicros: number, runOptions?: Uint8Array): Promise<RepeatedRun>;
  close(): void;
  readonly closed: boolean;
}
/** Counters kept by the addon. */
export interface NativeStats {
  /** Native objects alive (tensors, graphs, functions, sessions, output buffers). */
  liveHandles: number;
  /** Bytes copied from JS into TensorFlow memory (host tensors, once each). */
  bytesCopiedIn: number;
  /** Bytes copied from TensorFlow memory to JS (string outputs only: numeric outputs are not copied). */
  bytesCopiedOut: number;
}

export interface Addon {
  /** Loads libtensorflow; `logLevel` becomes TF_CPP_MIN_LOG_LEVEL in the process's real environment. */
  loadLibrary(path: string, quiet?: boolean, logLevel?: string): string;
  version(): string;
  libraryPath(): string | null;
  setErrorClass(ctor: typeof TFError): void;
  /** Registers the JS-backed ops and their CPU kernels (native/js_ops.cc), once per process. */
  registerJsOps(): void;
  /** Installs this environment's answerer of JS-backed kernels' requests. */
  setJsHandler(handler: (request: number, kind: number, source: number, inputs: RawTensor[]) => void): void;
  /** A new source id, answered by this environment's handler. */
  jsSource(): number;
  /** Forgets a source: kernels that still name it fail with FAILED_PRECONDITION. */
  dropJsSource(source: number): void;
  /** Answers a request (code 0 with outputs, or a TensorFlow status code and message); false if none waits. */
  jsAnswer(request: number, code: number, message: string, outputs: NativeTensorHandle[] | null): boolean;
  /** Serialized OpList of every registered op. */
  opList(): Buffer;
  /** Serialized KernelList of the kernels registered for an op. */
  kernelsFor(opType: string): Buffer;
  stats(): NativeStats;
  napiVersion: number;
  TensorHandle: new (dtype: number, shape: number[], data: unknown) => NativeTensorHandle;
  Graph: new () => NativeGraph;
  Session: new (graph: NativeGraph, config?: Uint8Array) => NativeSession;
  Lane: new (
    session: NativeSession,
    keepFeed?: OutputRef,
    cleanupTargets?: number[],
    cleanupRunOptions?: Uint8Array,
  ) => NativeLane;
}

let module_: Addon | undefined;
let addonFile: string | undefined;
let library: (LibraryLocation & { version: string }) | undefined;

/** Addon files in loading order: TFDATA_ADDON ('' when unset), prebuilt, the local build (through `bindings`). */
export function addonCandidates(): string[] {
  const root = packageRoot();
  // prebuilds/<platform>-<arch>/ then build/Release/ (lib/shared/tables.ts, shared with the scripts).
  const places = addonPlaces(process.platform, process.arch).map((parts) => path.join(root, ...parts));
  return [process.env.TFDATA_ADDON ?? '', ...places];
}

/** The addon module alone (no TensorFlow needed yet): prebuilt first, then the local build via `bindings`. */
export function addonModule(): Addon {
  if (module_) return module_;
  const tried: string[] = [];
  const [explicit, prebuilt, local] = addonCandidates();
  for (const file of [explicit, prebuilt]) {
    if (!file || !fs.existsSync(file)) {
      if (file) tried.push(`${file} (missing)`);
      continue;
    }
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a .node file loads only through require
      return adopt(require(file) as Addon, file);
    } catch (e) {
      tried.push(`${file} (${(e as Error).message})`);
    }
  }
  try {
    // bindings looks in build/Release, build/Debug and the other places node-gyp/cmake-js use.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- bindings is a CommonJS function export
    const bindings = require('bindings') as (opts: {
      bindings: string;
      module_root: string;
    }) => Addon & { path?: string };
    const mod = bindings({ bindings: ADDON_FILE, module_root: packageRoot() });
    return adopt(mod, local);
  } catch (e) {
    tried.push(`bindings: ${(e as Error).message.split('\n')[0]}`);
  }
  throw new Error(
    `tfdata-node: the native addon could not be loaded.\nTried:\n  ${tried.join('\n  ')}\n` +
      'Build it with `npm run build:native` (needs cmake and a C++17 compiler), ' +
      'or reinstall the package for its prebuilt binary.',
  );
}

function adopt(mod: Addon, file: string): Addon {
  module_ = mod;
  addonFile = file;
  mod.setErrorClass(TFError);
  return mod;
}

export function loadedAddonFile(): string | undefined {
  return addonFile;
}

function versionTuple(v: string): number[] {
  return v
    .split(/[.-]/)
    .slice(0, 3)
    .map((x) => parseInt(x, 10) || 0);
}

function checkVersion(version: string): void {
  const [maj, min] = versionTuple(version);
  const [lmaj, lmin] = versionTuple(SUPPORTED_TF_RANGE.min);
  if (maj > SUPPORTED_TF_RANGE.maxMajor || maj < lmaj || (maj === lmaj && min < lmin)) {
    throw new Error(
      `libtensorflow ${version} is outside the supported range ` +
        `(>= ${SUPPORTED_TF_RANGE.min}, major ${SUPPORTED_TF_RANGE.maxMajor})`,
    );
  }
}

/** Options of {@link init}. */
export interface InitOptions {
  /** A directory holding libtensorflow (with libtensorflow in it or in its lib/), or the library file itself. */
  libraryDir?: string;
}

/** What {@link init} loaded. */
export interface LibraryInfo {
  /** TF_Version(), e.g. '2.21.0'. */
  version: string;
  /** The shared library file loaded. */
  path: string;
  /** The rule of the search order that found it. */
  source: LibraryLocation['source'];
}

/**
 * Silent by default: TensorFlow's C++ logs are off (TF_CPP_MIN_LOG_LEVEL=3, set in this process's
 * environment before the library reads it) and what it prints while loading is discarded.
 * TFDATA_LOG_LEVEL (0 all … 3 fatal only, as TF_CPP_MIN_LOG_LEVEL), or an explicit
 * TF_CPP_MIN_LOG_LEVEL, brings the logs back. Returns whether loading is to be silenced.
 */
function applyLogLevel(): boolean {
  const asked = process.env.TFDATA_LOG_LEVEL;
  if (asked !== undefined && asked !== '') {
    process.env.TF_CPP_MIN_LOG_LEVEL = asked;
    return false;
  }
  if (process.env.TF_CPP_MIN_LOG_LEVEL !== undefined) return false;
  process.env.TF_CPP_MIN_LOG_LEVEL = '3';
  // A CPU without AVX makes TensorFlow abort while it loads: let it say why.
  return !cpuLacksAvx();
}

function cpuLacksAvx(): boolean {
  if (process.arch !== 'x64') return false;
  try {
    const flags = /^flags\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1].split(' ');
    return flags !== undefined && !flags.includes('avx');
  } catch {
    return false;
  }
}

/**
 * Loads libtensorflow, following the search order (see README). Called implicitly by the
 * first use; call it yourself to choose the library. A second call with another library throws.
 */
export function init(options: InitOptions = {}): LibraryInfo {
  const mod = addonModule();
  if (library && !options.libraryDir) return { ...library };
  const { found, attempts } = locateLibrary(options);
  if (!found) throw new Error(notFoundMessage(attempts));
  if (library && library.path !== found.path) {
    throw new Error(
      `libtensorflow is already loaded from ${library.path}; a process can load only one (asked for ${found.path})`,
    );
  }
  const quiet = applyLogLevel();
  // Passed down as well: in a worker thread process.env is a copy that TensorFlow never sees.
  const version = mod.loadLibrary(found.path, quiet, process.env.TF_CPP_MIN_LOG_LEVEL);
  checkVersion(version);
  library = { ...found, version };
  return { ...library };
}

/** The addon with libtensorflow loaded. */
export function addon(): Addon {
  if (!library) init();
  return module_ as Addon;
}

/** TensorFlow's version string (TF_Version()), loading the library if needed. */
export function version(): string {
  return addon().version();
}

/** The addon's counters: live handles and bytes copied across the bridge. */
export function nativeStats(): NativeStats {
  return addonModule().stats();
}

/**
 * Native handles alive right now (tensors, graphs, functions, sessions): `nativeStats().liveHandles`,
 * a debugging aid for leaks.
 */
export function liveHandles(): number {
  return addonModule().stats().liveHandles;
}
