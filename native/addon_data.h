// Per-environment state (one per main thread or worker_thread), kept as Node-API instance data.
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>

#include "delivery.h"

namespace tfdata {

class JsBridge;  // js_ops.cc

struct AddonData {
  Napi::FunctionReference tf_error_class;  // lib/errors.ts TFError, set by the TS layer
  Napi::FunctionReference graph_class;
  Napi::FunctionReference function_class;
  Napi::FunctionReference tensor_class;
  Napi::FunctionReference session_class;

  // Answers the requests of JS-backed kernels (lib/iterate/js-host.ts), and their channel.
  Napi::FunctionReference js_handler;
  std::shared_ptr<JsBridge> js_bridge;
  // The channel session threads post results through (made on first use).
  std::shared_ptr<Mailbox> Deliveries(Napi::Env env);

 private:
  std::shared_ptr<Mailbox> mailbox_;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

// Live native handles across all environments, for leak checks.
extern std::atomic<int64_t> live_handles;
// Bytes copied between JS and TensorFlow memory (inputs in; string outputs out).
extern std::atomic<int64_t> bytes_copied_in;
extern std::atomic<int64_t> bytes_copied_out;

}  // namespace tfdata
