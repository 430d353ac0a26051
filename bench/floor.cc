// The C++ floor: iterates a pipeline GraphDef (Dataset.toGraphDef()) through the TensorFlow C API
// with no JavaScript at all, with the same feeds, session and run options as the addon, to bound
// the bridge's overhead.
// usage: floor <libtensorflow.so> <graph.pb> <number of outputs>   (feeds read from <graph.pb>.feeds)
// prints {"seconds", "elements", "first", "last"}: first/last are sums of the first output.
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

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: floor <libtensorflow.so> <graph.pb> <outputs>\n");
    return 2;
  }
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
  TF_Session* session = tf.TF_NewSession(graph, session_options, status);
  tf.TF_DeleteSessionOptions(session_options);
  TF_Operation* make = tf.TF_GraphOperationByName(graph, "make_iterator");
  TF_Operation* next = tf.TF_GraphOperationByName(graph, "next");
  if (make == nullptr || next == nullptr) {
    std::fprintf(stderr, "graph lacks make_iterator/next\n");
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

  auto start = std::chrono::steady_clock::now();
  tf.TF_SessionRun(session, nullptr, feed_ports.data(), feed_values.data(), static_cast<int>(feed_ports.size()),
                   nullptr, nullptr, 0, &make, 1, nullptr, status);
  if (tf.TF_GetCode(status) != kCodeOk) {
    std::fprintf(stderr, "make_iterator: %s\n", tf.TF_Message(status));
    return 1;
  }
  // The same RunOptions as the addon's iterator: inter_op_thread_pool = -1 (the calling thread).
  static const unsigned char kCallerThread[] = {0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  TF_Buffer caller_thread{kCallerThread, sizeof(kCallerThread), nullptr};
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
