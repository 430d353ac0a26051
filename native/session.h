// A TF_Session over a Graph. Each session owns one native thread that runs its steps in order
// (TF_SessionRun blocks, so it never runs on the event loop or on libuv's small pool) and hands
// results back through the environment's Mailbox. Closing cancels the step in flight
// (TF_CloseSession) at once; the thread then deletes the session, so closing never blocks JS.
#pragma once
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "delivery.h"
#include "graph.h"

namespace tfdata {

// One queued TF_SessionRun (or a chunk of them), settled on the JS thread.
class RunRequest;

// The TF_Session and its thread; shared by the JS Session and the thread. Registered as an open
// session (exit_gate.h) until its thread has deleted it.
class SessionCore {
 public:
  // `owner` tags the session with its environment (cancelled when that environment ends).
  static std::shared_ptr<SessionCore> Start(TF_Session* session, std::shared_ptr<Mailbox> mailbox, const void* owner);
  // JS thread. False when the session is closing (the request is then not taken).
  bool Submit(std::unique_ptr<RunRequest>& request);
  // Any thread, idempotent: cancels the running step; queued requests settle as CANCELLED.
  void Close();
  bool closing() const { return closing_.load(); }

 private:
  SessionCore(TF_Session* session, std::shared_ptr<Mailbox> mailbox);
  void Loop();

  TF_Session* const session_;  // deleted by the thread after Close()
  int64_t canceller_ = 0;      // its entry among the open sessions (exit_gate.h)
  const std::shared_ptr<Mailbox> mailbox_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<RunRequest>> queue_;
  std::atomic<bool> closing_{false};
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

  std::shared_ptr<SessionCore> core_;
  Napi::ObjectReference graph_ref_;
  Graph* graph_;
};

}  // namespace tfdata
