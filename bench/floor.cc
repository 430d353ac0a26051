// The C++ floor: iterates a pipeline GraphDef (Dataset.toGraphDef()) through the TensorFlow C API
// with no JavaScript at all, with the same feeds, session and run options as the addon, to bound
// the bridge's overhead.
// usage: floor <libtensorflow.so> <graph.pb> <number of outputs> [session|eager]
//   (feeds read from <graph.pb>.feeds, the session configuration from <graph.pb>.session-config)
// prints {"seconds", "elements", "first", "last"}: first/last are sums of the first output.
// `session` (the default) runs IteratorGetNextSync (`next/sync`) as a session step, as the addon
// does for an iterator without a timeout; `eager` runs the dataset as Python does: the pipeline
// graph as a function executed eagerly for the dataset variant, then AnonymousIteratorV3,
// MakeIterator and one eager IteratorGetNext per element.
#include <dlfcn.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "generated/tables.h"  // dtype and status code numbers, from lib/shared/tables.ts
#include "tf_library.h"

using tfdata::kCodeOk;
using tfdata::kCodeOutOfRange;
using tfdata::kDTypeFloat32;
using tfdata::kDTypeFloat64;
using tfdata::kDTypeInt32;
using tfdata::kDTypeInt64;
using tfdata::kDTypeUint8;
using tfdata::LoadTensorFlow;
using tfdata::TensorFlowApi;

// A file bench/child.mjs wrote next to the graph (`<graph.pb><suffix>`); empty (reported) when missing.
static std::string ReadSidecar(const char* graph_path, const char* suffix) {
  std::ifstream in(std::string(graph_path) + suffix, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.empty()) std::fprintf(stderr, "missing or empty %s%s\n", graph_path, suffix);
  return bytes;
}

static double Sum(const TfApi& tf, TF_Tensor* t) {
  double s = 0;
  int64_t n = tf.TF_TensorElementCount(t);
  const void* d = tf.TF_TensorData(t);
  switch (tf.TF_TensorType(t)) {
    case kDTypeFloat32:
      for (int64_t i = 0; i < n; i++) s += static_cast<const float*>(d)[i];
      break;
    case kDTypeFloat64:
      for (int64_t i = 0; i < n; i++) s += static_cast<const double*>(d)[i];
      break;
    case kDTypeInt32:
      for (int64_t i = 0; i < n; i++) s += static_cast<const int32_t*>(d)[i];
      break;
    case kDTypeInt64:
      for (int64_t i = 0; i < n; i++) s += static_cast<double>(static_cast<const int64_t*>(d)[i]);
      break;
    case kDTypeUint8:
      for (int64_t i = 0; i < n; i++) s += static_cast<const uint8_t*>(d)[i];
      break;
    default: break;
  }
  return s;
}

// The eager C API (TFE_*), resolved here because only this measurement uses it; the addon's
// entry points are the list in native/tf_api.h.
struct TFE_ContextOptions;
struct TFE_Context;
struct TFE_Op;
struct TFE_TensorHandle;
struct TF_Input {
  TF_Operation* oper;
  int index;
};
#define EAGER_API(X)                                                                                    \
  X(TFE_ContextOptions*, TFE_NewContextOptions, (void))                                                 \
  X(TFE_Context*, TFE_NewContext, (const TFE_ContextOptions*, TF_Status*))                              \
  X(void, TFE_DeleteContext, (TFE_Context*))                                                            \
  X(void, TFE_ContextAddFunction, (TFE_Context*, TF_Function*, TF_Status*))                             \
  X(TFE_Op*, TFE_NewOp, (TFE_Context*, const char*, TF_Status*))                                        \
  X(void, TFE_OpReset, (TFE_Op*, const char*, const char*, TF_Status*))                                 \
  X(void, TFE_DeleteOp, (TFE_Op*))                                                                      \
  X(void, TFE_OpAddInput, (TFE_Op*, TFE_TensorHandle*, TF_Status*))                                     \
  X(void, TFE_OpSetAttrTypeList, (TFE_Op*, const char*, const TF_DataType*, int))                       \
  X(void, TFE_OpSetAttrShapeList, (TFE_Op*, const char*, const int64_t**, const int*, int, TF_Status*)) \
  X(void, TFE_Execute, (TFE_Op*, TFE_TensorHandle**, int*, TF_Status*))                                 \
  X(TFE_TensorHandle*, TFE_NewTensorHandle, (const TF_Tensor*, TF_Status*))                             \
  X(void, TFE_DeleteTensorHandle, (TFE_TensorHandle*))                                                  \
  X(TF_Tensor*, TFE_TensorHandleResolve, (TFE_TensorHandle*, TF_Status*))                               \
  X(TF_Operation*, TF_GraphNextOperation, (TF_Graph*, size_t*))                                         \
  X(TF_Output, TF_OperationInput, (TF_Input))                                                           \
  X(int, TF_GraphNumFunctions, (TF_Graph*))                                                             \
  X(int, TF_GraphGetFunctions, (TF_Graph*, TF_Function**, int, TF_Status*))

struct EagerApi {
#define EAGER_FIELD(ret, name, args) ret(*name) args = nullptr;
  EAGER_API(EAGER_FIELD)
#undef EAGER_FIELD
};

static bool LoadEager(const char* path, EagerApi* api) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  bool ok = true;
#define EAGER_RESOLVE(ret, name, args)                             \
  api->name = reinterpret_cast<ret(*) args>(dlsym(handle, #name)); \
  if (api->name == nullptr) {                                      \
    std::fprintf(stderr, "libtensorflow lacks %s\n", #name);       \
    ok = false;                                                    \
  }
  EAGER_API(EAGER_RESOLVE)
#undef EAGER_RESOLVE
  return ok;
}

static bool Check(const TfApi& tf, TF_Status* status, const char* what) {
  if (tf.TF_GetCode(status) == kCodeOk) return true;
  std::fprintf(stderr, "%s: %s\n", what, tf.TF_Message(status));
  return false;
}

// Sets output_types / output_shapes (every rank unknown: MakeIterator accepts any) on an iterator op.
static void SetIteratorAttrs(const EagerApi& e, TFE_Op* op, const std::vector<TF_DataType>& types, TF_Status* status) {
  e.TFE_OpSetAttrTypeList(op, "output_types", types.data(), static_cast<int>(types.size()));
  std::vector<const int64_t*> dims(types.size(), nullptr);
  std::vector<int> ranks(types.size(), -1);
  e.TFE_OpSetAttrShapeList(op, "output_shapes", dims.data(), ranks.data(), static_cast<int>(types.size()), status);
}

// Iterates eagerly, as Python's tf.data does; returns false on an error (printed).
static bool RunEager(const TfApi& tf, const char* library, TF_Graph* graph, const std::vector<TF_Output>& feed_ports,
                     const std::vector<TF_Tensor*>& feed_values, int outputs, int64_t* elements, double* first,
                     double* last, double* seconds) {
  EagerApi e;
  if (!LoadEager(library, &e)) return false;
  TF_Status* status = tf.TF_NewStatus();
  TF_Operation* make = tf.TF_GraphOperationByName(graph, "make_iterator");
  TF_Operation* next = tf.TF_GraphOperationByName(graph, "next");
  TF_Output variant = e.TF_OperationInput(TF_Input{make, 0});
  // The pipeline function: every op but the graph's own iterator ops; the feeds are its inputs.
  std::vector<const TF_Operation*> body;
  size_t pos = 0;
  while (TF_Operation* op = e.TF_GraphNextOperation(graph, &pos)) {
    std::string name = tf.TF_OperationName(op);
    bool feed = false;
    for (const TF_Output& f : feed_ports) feed = feed || f.oper == op;
    if (name != "iterator" && name != "make_iterator" && name != "next" && name != "next/sync" && !feed)
      body.push_back(op);
  }
  TF_Function* fn = tf.TF_GraphToFunction(graph, "floor_pipeline", 0, static_cast<int>(body.size()), body.data(),
                                          static_cast<int>(feed_ports.size()), feed_ports.data(), 1, &variant, nullptr,
                                          nullptr, nullptr, status);
  if (!Check(tf, status, "pipeline function")) return false;
  TFE_ContextOptions* options = e.TFE_NewContextOptions();
  TFE_Context* ctx = e.TFE_NewContext(options, status);
  if (!Check(tf, status, "eager context")) return false;
  // The functions the pipeline calls (map bodies...) go with it.
  std::vector<TF_Function*> functions(e.TF_GraphNumFunctions(graph));
  e.TF_GraphGetFunctions(graph, functions.data(), static_cast<int>(functions.size()), status);
  if (!Check(tf, status, "graph functions")) return false;
  for (TF_Function* f : functions) {
    e.TFE_ContextAddFunction(ctx, f, status);
    tf.TF_DeleteFunction(f);
    if (!Check(tf, status, "add a graph function")) return false;
  }
  e.TFE_ContextAddFunction(ctx, fn, status);
  if (!Check(tf, status, "add function")) return false;
  std::vector<TF_DataType> types;
  for (int i = 0; i < outputs; i++) types.push_back(tf.TF_OperationOutputType(TF_Output{next, i}));
  std::vector<TFE_TensorHandle*> inputs;
  for (TF_Tensor* t : feed_values) inputs.push_back(e.TFE_NewTensorHandle(t, status));

  auto start = std::chrono::steady_clock::now();
  TFE_Op* call = e.TFE_NewOp(ctx, "floor_pipeline", status);
  for (TFE_TensorHandle* h : inputs) e.TFE_OpAddInput(call, h, status);
  TFE_TensorHandle* dataset = nullptr;
  int one = 1;
  e.TFE_Execute(call, &dataset, &one, status);
  if (!Check(tf, status, "dataset")) return false;
  TFE_Op* anonymous = e.TFE_NewOp(ctx, "AnonymousIteratorV3", status);
  SetIteratorAttrs(e, anonymous, types, status);
  TFE_TensorHandle* iterator = nullptr;
  e.TFE_Execute(anonymous, &iterator, &one, status);
  if (!Check(tf, status, "AnonymousIteratorV3")) return false;
  TFE_Op* start_op = e.TFE_NewOp(ctx, "MakeIterator", status);
  e.TFE_OpAddInput(start_op, dataset, status);
  e.TFE_OpAddInput(start_op, iterator, status);
  int none = 0;
  e.TFE_Execute(start_op, nullptr, &none, status);
  if (!Check(tf, status, "MakeIterator")) return false;
  TFE_Op* get_next = e.TFE_NewOp(ctx, "IteratorGetNext", status);
  std::vector<TFE_TensorHandle*> handles(outputs);
  for (;;) {
    e.TFE_OpReset(get_next, "IteratorGetNext", nullptr, status);
    e.TFE_OpAddInput(get_next, iterator, status);
    SetIteratorAttrs(e, get_next, types, status);
    int n = outputs;
    e.TFE_Execute(get_next, handles.data(), &n, status);
    if (tf.TF_GetCode(status) == kCodeOutOfRange) break;  // the end
    if (!Check(tf, status, "IteratorGetNext")) return false;
    for (int i = 0; i < outputs; i++) {
      TF_Tensor* t = e.TFE_TensorHandleResolve(handles[i], status);
      if (i == 0) {
        *last = Sum(tf, t);
        if (*elements == 0) *first = *last;
      }
      tf.TF_DeleteTensor(t);
      e.TFE_DeleteTensorHandle(handles[i]);
    }
    (*elements)++;
  }
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (TFE_Op* op : {call, anonymous, start_op, get_next}) e.TFE_DeleteOp(op);
  for (TFE_TensorHandle* h : inputs) e.TFE_DeleteTensorHandle(h);
  e.TFE_DeleteTensorHandle(iterator);
  e.TFE_DeleteTensorHandle(dataset);
  e.TFE_DeleteContext(ctx);
  tf.TF_DeleteFunction(fn);
  tf.TF_DeleteStatus(status);
  return true;
}

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: floor <libtensorflow.so> <graph.pb> <outputs> [session|eager]\n");
    return 2;
  }
  const bool eager = argc == 5 && std::string(argv[4]) == "eager";
  std::string error = tfdata::LoadTensorFlow(argv[1]);
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  const TfApi& tf = *TensorFlowApi();
  std::ifstream in(argv[2], std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string def = bytes.str();
  int outputs = std::stoi(argv[3]);

  TF_Status* status = tf.TF_NewStatus();
  TF_Graph* graph = tf.TF_NewGraph();
  TF_Buffer buffer{def.data(), def.size(), nullptr};
  TF_ImportGraphDefOptions* options = tf.TF_NewImportGraphDefOptions();
  tf.TF_GraphImportGraphDef(graph, &buffer, options, status);
  tf.TF_DeleteImportGraphDefOptions(options);
  if (tf.TF_GetCode(status) != kCodeOk) {
    std::fprintf(stderr, "import: %s\n", tf.TF_Message(status));
    return 1;
  }
  TF_SessionOptions* session_options = tf.TF_NewSessionOptions();
  // The addon's session configuration (lib/iterate/open-session.ts), as bench/child.mjs wrote it.
  std::string config = ReadSidecar(argv[2], ".session-config");
  if (config.empty()) return 1;
  tf.TF_SetConfig(session_options, config.data(), config.size(), status);
  if (tf.TF_GetCode(status) != kCodeOk) {
    std::fprintf(stderr, "session config: %s\n", tf.TF_Message(status));
    return 1;
  }
  TF_Session* session = tf.TF_NewSession(graph, session_options, status);
  tf.TF_DeleteSessionOptions(session_options);
  TF_Operation* make = tf.TF_GraphOperationByName(graph, "make_iterator");
  // The cheapest pull in a session: `next/sync` (IteratorGetNextSync, in this thread), as the
  // addon's iterators without a timeout pull (lib/dataset/compile.ts).
  TF_Operation* next = tf.TF_GraphOperationByName(graph, "next/sync");
  if (make == nullptr || next == nullptr) {
    std::fprintf(stderr, "graph lacks make_iterator/next/sync\n");
    return 1;
  }
  std::vector<TF_Output> fetches;
  for (int i = 0; i < outputs; i++) fetches.push_back(TF_Output{next, i});

  // Feeds: "name dtype rank dims... file" per line; the data is read before timing starts.
  std::vector<TF_Output> feed_ports;
  std::vector<TF_Tensor*> feed_values;
  std::ifstream feeds(std::string(argv[2]) + ".feeds");
  std::string line;
  while (std::getline(feeds, line)) {
    if (line.empty()) continue;  // a graph with no feeds (file sources name their files in the graph)
    std::istringstream words(line);
    std::string name, file;
    int dtype, rank;
    words >> name >> dtype >> rank;
    std::vector<int64_t> dims(rank);
    for (auto& d : dims) words >> d;
    words >> file;
    std::ifstream data(file, std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(data)), std::istreambuf_iterator<char>());
    void* copy = std::aligned_alloc(64, ((raw.size() + 63) / 64) * 64 + 64);
    std::memcpy(copy, raw.data(), raw.size());
    feed_values.push_back(tf.TF_NewTensor(
        dtype, dims.data(), rank, copy, raw.size(), [](void* p, size_t, void*) { std::free(p); }, nullptr));
    feed_ports.push_back(TF_Output{tf.TF_GraphOperationByName(graph, name.c_str()), 0});
  }

  if (eager) {
    int64_t elements = 0;
    double first = 0, last = 0, seconds = 0;
    if (!RunEager(tf, argv[1], graph, feed_ports, feed_values, outputs, &elements, &first, &last, &seconds)) return 1;
    std::printf("{\"seconds\": %.6f, \"elements\": %" PRId64 ", \"first\": %.17g, \"last\": %.17g}\n", seconds,
                elements, first, last);
    return 0;
  }

  auto start = std::chrono::steady_clock::now();
  tf.TF_SessionRun(session, nullptr, feed_ports.data(), feed_values.data(), static_cast<int>(feed_ports.size()),
                   nullptr, nullptr, 0, &make, 1, nullptr, status);
  if (tf.TF_GetCode(status) != kCodeOk) {
    std::fprintf(stderr, "make_iterator: %s\n", tf.TF_Message(status));
    return 1;
  }
  // The addon's RunOptions for an iterator's steps (lib/iterate/open-session.ts), as child.mjs wrote them.
  std::string step_options = ReadSidecar(argv[2], ".run-options");
  if (step_options.empty()) return 1;
  TF_Buffer caller_thread{step_options.data(), step_options.size(), nullptr};
  const TF_Buffer* run_options = &caller_thread;
  int64_t elements = 0;
  double first = 0, last = 0;
  std::vector<TF_Tensor*> values(outputs);
  for (;;) {
    tf.TF_SessionRun(session, run_options, nullptr, nullptr, 0, fetches.data(), values.data(), outputs, nullptr, 0,
                     nullptr, status);
    if (tf.TF_GetCode(status) == kCodeOutOfRange) break;  // the end
    if (tf.TF_GetCode(status) != kCodeOk) {
      std::fprintf(stderr, "next: %s\n", tf.TF_Message(status));
      return 1;
    }
    last = Sum(tf, values[0]);
    if (elements == 0) first = last;
    elements++;
    for (TF_Tensor* t : values) tf.TF_DeleteTensor(t);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"seconds\": %.6f, \"elements\": %" PRId64 ", \"first\": %.17g, \"last\": %.17g}\n", seconds, elements,
              first, last);
  tf.TF_CloseSession(session, status);
  tf.TF_DeleteSession(session, status);
  for (TF_Tensor* t : feed_values) tf.TF_DeleteTensor(t);
  tf.TF_DeleteGraph(graph);
  tf.TF_DeleteStatus(status);
  return 0;
}
