// The C++ floor: iterates a pipeline GraphDef (from Dataset.toGraphDef({ inlineData: true }))
// through the TensorFlow C API with no JavaScript at all, to bound the bridge's overhead.
// usage: floor <libtensorflow.so> <graph.pb> <number of outputs>
// prints {"seconds", "elements", "first", "last"}: first/last are sums of the first output.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tf_library.h"

using tfdata::TensorFlowApi;

static double Sum(const TfApi& tf, TF_Tensor* t) {
  double s = 0;
  int64_t n = tf.TF_TensorElementCount(t);
  const void* d = tf.TF_TensorData(t);
  switch (tf.TF_TensorType(t)) {
    case 1: for (int64_t i = 0; i < n; i++) s += static_cast<const float*>(d)[i]; break;
    case 2: for (int64_t i = 0; i < n; i++) s += static_cast<const double*>(d)[i]; break;
    case 3: for (int64_t i = 0; i < n; i++) s += static_cast<const int32_t*>(d)[i]; break;
    case 9: for (int64_t i = 0; i < n; i++) s += static_cast<double>(static_cast<const int64_t*>(d)[i]); break;
    case 4: for (int64_t i = 0; i < n; i++) s += static_cast<const uint8_t*>(d)[i]; break;
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
  if (tf.TF_GetCode(status) != 0) {
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

  auto start = std::chrono::steady_clock::now();
  tf.TF_SessionRun(session, nullptr, nullptr, nullptr, 0, nullptr, nullptr, 0, &make, 1, nullptr, status);
  if (tf.TF_GetCode(status) != 0) {
    std::fprintf(stderr, "make_iterator: %s\n", tf.TF_Message(status));
    return 1;
  }
  // The same RunOptions as the addon's iterator: inter_op_thread_pool = -1 (the calling thread).
  static const unsigned char kCallerThread[] = {0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  TF_Buffer caller_thread{kCallerThread, sizeof(kCallerThread), nullptr};
  const TF_Buffer* run_options = &caller_thread;
  long elements = 0;
  double first = 0, last = 0;
  std::vector<TF_Tensor*> values(outputs);
  for (;;) {
    tf.TF_SessionRun(session, run_options, nullptr, nullptr, 0, fetches.data(), values.data(), outputs, nullptr, 0, nullptr, status);
    if (tf.TF_GetCode(status) == 11) break;  // OUT_OF_RANGE: the end
    if (tf.TF_GetCode(status) != 0) {
      std::fprintf(stderr, "next: %s\n", tf.TF_Message(status));
      return 1;
    }
    last = Sum(tf, values[0]);
    if (elements == 0) first = last;
    elements++;
    for (TF_Tensor* t : values) tf.TF_DeleteTensor(t);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"seconds\": %.6f, \"elements\": %ld, \"first\": %.17g, \"last\": %.17g}\n", seconds, elements, first, last);
  tf.TF_CloseSession(session, status);
  tf.TF_DeleteSession(session, status);
  tf.TF_DeleteGraph(graph);
  tf.TF_DeleteStatus(status);
  return 0;
}
