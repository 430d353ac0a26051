// Module entry: registers the generic classes and the library loader.
#include <dlfcn.h>
#include <napi.h>

#include <string>

#include "addon_data.h"
#include "exit_gate.h"
#include "graph.h"
#include "js_ops.h"
#include "registry.h"
#include "session.h"
#include "status.h"
#include "tensor.h"
#include "tf_library.h"

namespace tfdata {

std::atomic<int64_t> live_handles{0};
std::atomic<int64_t> bytes_copied_in{0};
std::atomic<int64_t> bytes_copied_out{0};

namespace {

// loadLibrary(path, quiet, logLevel?) -> TF version string; throws Error naming the path and the
// reason. logLevel, when a string, becomes TF_CPP_MIN_LOG_LEVEL in the process's environment.
Napi::Value LoadLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
  // quiet: what TensorFlow prints while loading goes nowhere (lib/native.ts decides, from the log level).
  std::string log_level = info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "";
  std::string error = LoadTensorFlow(info[0].As<Napi::String>().Utf8Value(), info[1].ToBoolean().Value(), log_level);
  if (!error.empty()) throw Napi::Error::New(env, error);
  InstallExitGate();  // after the library: its handler must run before TensorFlow's destructors
  return Napi::String::New(env, TensorFlowApi()->TF_Version());
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), RequireApi(info.Env()).TF_Version());
}

Napi::Value LibraryPath(const Napi::CallbackInfo& info) {
  if (TensorFlowApi() == nullptr) return info.Env().Null();
  return Napi::String::New(info.Env(), LoadedTensorFlowPath());
}

Napi::Value SetErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "error class must be a constructor");
  Data(info.Env()).tf_error_class = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// Keeps this addon mapped for the life of the process. Session threads can outlive the
// environment that loaded it (a terminated worker), and Node unloads an addon with the last
// environment that required it: their code would vanish under them.
void PinAddon() {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&PinAddon), &info) != 0 && info.dli_fname != nullptr) {
    dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);  // a no-op once pinned
  }
}

}  // namespace

// { liveHandles, bytesCopiedIn, bytesCopiedOut }: counters for leak checks and benchmarks.
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveHandles", Napi::Number::New(env, static_cast<double>(live_handles.load())));
  o.Set("bytesCopiedIn", Napi::Number::New(env, static_cast<double>(bytes_copied_in.load())));
  o.Set("bytesCopiedOut", Napi::Number::New(env, static_cast<double>(bytes_copied_out.load())));
  return o;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  PinAddon();
  auto* data = new AddonData();
  env.SetInstanceData(data);
  // Runs when this environment ends (worker terminated, process exiting), before the instance
  // data is freed: open sessions are cancelled there, never waited for.
  napi_add_env_cleanup_hook(env, CancelSessionsOf, data);
  exports.Set("loadLibrary", Napi::Function::New(env, LoadLibrary));
  exports.Set("version", Napi::Function::New(env, Version));
  exports.Set("libraryPath", Napi::Function::New(env, LibraryPath));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
  exports.Set("stats", Napi::Function::New(env, Stats));
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  TensorHandle::Init(env, exports);
  Graph::Init(env, exports);
  Function::Init(env, exports);
  Session::Init(env, exports);
  Lane::Init(env, exports);
  InitRegistry(env, exports);
  InitJsOps(env, exports);
  return exports;
}

}  // namespace tfdata

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return tfdata::Init(env, exports); }
NODE_API_MODULE(tfdata_addon, InitAddon)
