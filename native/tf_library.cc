#include "tf_library.h"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <string>

namespace tfdata {
namespace {

std::mutex load_mutex;
TfApi api_table;
std::atomic<const TfApi*> loaded_api{nullptr};
// Never destroyed: session threads may still ask for it while the process exits.
std::string& LoadedPath() {
  static auto* path = new std::string();
  return *path;
}

}  // namespace

std::string LoadTensorFlow(const std::string& path) {
  std::lock_guard<std::mutex> lock(load_mutex);
  if (loaded_api.load() != nullptr) {
    if (path == LoadedPath()) return "";
    return "libtensorflow is already loaded from " + LoadedPath() + "; a process can load only one (asked for " + path +
           ")";
  }
  // RTLD_LOCAL: the wheel's libraries export LLVM and protobuf symbols that must not leak
  // into the process's global namespace.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return "cannot load " + path + ": " + (why ? why : "unknown dlopen error");
  }
  TfApi table;
  std::string missing;
#define TFDATA_RESOLVE(ret, name, params)                             \
  table.name = reinterpret_cast<ret(*) params>(dlsym(handle, #name)); \
  if (table.name == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(#name);
  TFDATA_TF_FUNCTIONS(TFDATA_RESOLVE)
#undef TFDATA_RESOLVE
  if (!missing.empty()) {
    dlclose(handle);
    return path + " does not export the TensorFlow C API (missing " + missing + ")";
  }
  api_table = table;
  LoadedPath() = path;
  loaded_api.store(&api_table);
  // The handle is never closed: TensorFlow registers kernels and threads that live until exit.
  return "";
}

const TfApi* TensorFlowApi() { return loaded_api.load(); }

std::string LoadedTensorFlowPath() {
  std::lock_guard<std::mutex> lock(load_mutex);
  return LoadedPath();
}

}  // namespace tfdata
