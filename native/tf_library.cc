#include "tf_library.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
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

// While it lives, what is written to stderr (fd 2) goes nowhere: the notices TensorFlow prints
// as it loads (absl's "before InitializeLog" warning, the oneDNN line) whatever the log level.
class StderrSilenced {
 public:
  explicit StderrSilenced(bool on) {
    if (!on) return;
    std::fflush(stderr);
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null_fd < 0) return;
    saved_ = dup(2);
    if (saved_ >= 0) dup2(null_fd, 2);
    close(null_fd);
  }
  ~StderrSilenced() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    dup2(saved_, 2);
    close(saved_);
  }
  StderrSilenced(const StderrSilenced&) = delete;
  StderrSilenced& operator=(const StderrSilenced&) = delete;

 private:
  int saved_ = -1;
};

}  // namespace

std::string LoadTensorFlow(const std::string& path, bool quiet, const std::string& log_level) {
  std::lock_guard<std::mutex> lock(load_mutex);
  if (loaded_api.load() != nullptr) {
    if (path == LoadedPath()) return "";
    return "libtensorflow is already loaded from " + LoadedPath() + "; a process can load only one (asked for " + path +
           ")";
  }
  // Set in the process's real environment, which TensorFlow reads: a worker thread's
  // process.env is its own copy, so setting it from JavaScript there would not reach getenv.
  if (!log_level.empty()) setenv("TF_CPP_MIN_LOG_LEVEL", log_level.c_str(), 1);
  // RTLD_LOCAL: the wheel's libraries export LLVM and protobuf symbols that must not leak
  // into the process's global namespace.
  void* handle;
  {
    StderrSilenced silenced(quiet);
    handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  }
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
