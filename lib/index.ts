// tfdata-node: tf.data pipelines from TypeScript, run inside TensorFlow's C++ runtime.
export { Dataset } from './dataset/dataset';
export type {
  MapOptions,
  BatchOptions,
  PaddedBatchOptions,
  ShuffleOptions,
  InterleaveOptions,
  Parallelism,
  RangeBound,
  ZipElement,
  GraphFeed,
  FileOptions,
  FilenamesArg,
  FixedLengthRecordOptions,
  ListFilesOptions,
  CsvOptions,
  MakeCsvOptions,
  WriteTFRecordsOptions,
  WindowOptions,
  GroupByWindowOptions,
  BucketOptions,
  NestedDataset,
  InCallback,
  StateOf,
  WindowOf,
} from './dataset/dataset';
export type { FileCompression, FilenamesOptions } from './dataset/formats/files';
export type { CountArg } from './dataset/definition';
export { encodeExample } from './tensor/example';
export type {
  LiteralDType,
  NumberDType,
  NumbersDType,
  Digits,
  UnsignedDType,
  Leaves,
  HasFraction,
} from './tensor/literal-dtype';
export type { ExampleRecord, ExampleFeatureValue } from './tensor/example';
export type {
  FeatureDType,
  FeatureValue,
  FixedLenFeature,
  VarLenFeature,
  RaggedFeature,
  FixedLenSequenceFeature,
  Feature,
  Features,
  ParsedExample,
  ParsedSingleExample,
  ParsedSequenceExample,
  ParsedSingleSequenceExample,
  ParsedSequenceFeatures,
  CutsRows,
} from './ops/example';
export type { CsvDType, CsvDefault, CsvColumnDType, CsvColumns, CsvFormatOptions } from './ops/csv';
export type { RawDType } from './ops/encoding';
export type { DecodeImageOptions } from './ops/image';
export type { DenseDefault } from './ops/sparse';
export type { RaggedPartition, UniformRowLength } from './ops/ragged-partition';
export type {
  DatasetOptions,
  AutotuneOptions,
  AutotuneAlgorithm,
  AutoShardPolicy,
  ExternalStatePolicy,
  OptimizationOptions,
  ShardingOptions,
  ThreadingOptions,
} from './dataset/options';
export type { ChooseOptions, SampleOptions } from './dataset/transform/choose';
export type { RejectionResampleOptions } from './dataset/transform/subset';
export type { LoadOptions, SaveOptions, SnapshotCompression, SnapshotOptions } from './dataset/formats/save';
export type { DistributeOptions, FromServiceOptions, ServiceReadOptions } from './dataset/transform/distribute';
export type { RegisterOptions } from './dataset/service/register';
export type { Compression, ProcessingMode } from './dataset/service/metadata';
export { DatasetIterator } from './iterate/iterator';
export type { ToTfjsOptions, TfjsModule, TfjsDatasetLike, TfjsDatasetOf, TfjsIteratorLike } from './interop/tfjs';
export type { TfjsTensorLike } from './tensor/tfjs-input';
export type { IteratorOptions } from './iterate/iterator';
export { configurePipelineCache, pipelineCacheStats, DEFAULT_PIPELINE_CACHE_SIZE } from './iterate/shared-session';
export type { PipelineCacheStats } from './iterate/shared-session';
export { Tensor, tensor } from './tensor/tensor';
export type { TensorLike, NestedArray, Nested } from './tensor/tensor';
export { Sym } from './graph/sym';
export { SparseSym, RaggedSym } from './graph/composite';
export type { ComponentSym, CompositeSpec, SparseSpec, RaggedSpec } from './graph/composite';
export { SparseTensor, RaggedTensor } from './tensor/composite';
export type { RowSplitsDType } from './tensor/composite';
export type { StaticShape } from './graph/sym';
export type {
  Element,
  HostElement,
  AnyHostElement,
  SpecOf,
  ComponentSpec,
  SparseComponentSpec,
  RaggedComponentSpec,
  DatasetComponent,
  DatasetComponentSpec,
  SourceStructure,
  SourceLeaf,
  NestedBuffers,
  SymOfSource,
  TypedArrayDType,
  SignatureSpec,
  SignatureLeaf,
  SparseSignatureSpec,
  RaggedSignatureSpec,
  SpecStructure,
  SymOfSignature,
  YieldOf,
  YieldedComponent,
} from './dataset/element';
export type { GeneratorOptions, MapJsOptions } from './dataset/generator';
export type {
  DType,
  GraphDType,
  NumericDType,
  IntegerDType,
  FloatDType,
  DataTypeMap,
  ValueTypeMap,
  AnyTypedArray,
} from './tensor/dtypes';
export { DTYPES } from './tensor/dtypes';
export { TFError, TF_CODES } from './errors';
export type { TFCode } from './errors';
export { init, version, liveHandles, nativeStats } from './native';
export type { InitOptions, LibraryInfo, NativeStats } from './native';
export { PINNED_TF_VERSION } from './install/paths';
export { fetchLibrary } from './install/fetch';
export type { FetchOptions, FetchResult, FetchSource } from './install/fetch';
export { locateLibrary } from './install/locate';
export type { LibraryLocation, SearchAttempt } from './install/locate';
export type { AttrValue, GraphFunction } from './graph/context';
export type { TracedFunction, TensorSpec } from './trace/function';
import * as ops from './ops/index';
export { ops };
