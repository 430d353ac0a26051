// Per-environment state (one per main thread or worker_thread), kept as Node-API instance data.
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>
#include <vector>

#include "delivery.h"

namespace tfdata {

class SessionCore;

struct AddonData {
  Napi::FunctionReference tf_error_class;  // lib/errors.ts TFError, set by the TS layer
  Napi::FunctionReference graph_class;
  Napi::FunctionReference function_class;
  Napi::FunctionReference tensor_class;
  Napi::FunctionReference session_class;

  // The channel session threads post results through (made on first use).
  std::shared_ptr<Mailbox> Deliveries(Napi::Env env);
  // Sessions of this environment, closed when it is torn down (worker terminated, exit).
  void TrackSession(const std::shared_ptr<SessionCore>& session);
  // Env cleanup hook: cancels every open session's step; their threads delete them.
  static void CloseAllSessions(void* data);

 private:
  std::shared_ptr<Mailbox> mailbox_;
  std::vector<std::weak_ptr<SessionCore>> sessions_;
};

inline AddonData& Data(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

// Live native handles across all environments, for leak checks.
extern std::atomic<int64_t> live_handles;
// Bytes copied between JS and TensorFlow memory (inputs in; string outputs out).
extern std::atomic<int64_t> bytes_copied_in;
extern std::atomic<int64_t> bytes_copied_out;

}  // namespace tfdata
