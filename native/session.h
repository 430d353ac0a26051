// A TF_Session over a Graph. Runs happen on libuv worker threads and settle Promises; a run
// can repeat its fetches up to N times (how dataset elements are pulled in chunks).
#pragma once
#include <napi.h>

#include <memory>

#include "graph.h"

namespace tfdata {

// Shared by the JS Session and every run in flight, so close() can wait for the last run.
struct SessionState {
  TF_Session* session = nullptr;
  int runs_in_flight = 0;   // main thread only
  bool close_requested = false;
  // Closes on a worker thread: TensorFlow's iterator teardown waits for its autotune and
  // prefetch threads, which must not block the event loop. Synchronous when no env can queue it.
  void CloseNow(Napi::Env env);
  void CloseHere();
};

class Session : public Napi::ObjectWrap<Session> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Session(const Napi::CallbackInfo& info);
  ~Session() override;

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunRepeated(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);
  Napi::Value Start(const Napi::CallbackInfo& info, bool repeated);

  std::shared_ptr<SessionState> state_;
  Napi::ObjectReference graph_ref_;
  Graph* graph_;
};

}  // namespace tfdata
