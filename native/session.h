// A TF_Session over a Graph, and the lanes that run its steps. A lane is one native thread that
// runs its queue of steps in order (TF_SessionRun blocks, so it never runs on the event loop or
// on libuv's small pool) and hands results back through the environment's Mailbox. A session
// has a default lane (Session.run); an iterator that shares a long-lived session opens a lane of
// its own (Lane), so iterators of one pipeline run side by side and never wait for each other.
// Closing a session cancels every step in flight (TF_CloseSession) at once; its last lane thread
// then deletes it, so closing never blocks JS.
#pragma once
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "delivery.h"
#include "graph.h"

namespace tfdata {

// One queued TF_SessionRun (or a chunk of them), settled on the JS thread.
class RunRequest;
class LaneCore;

// The TF_Session, shared by its lanes. Registered as an open session (exit_gate.h) until the
// last lane thread has deleted it.
class SessionCore : public std::enable_shared_from_this<SessionCore> {
 public:
  // `owner` tags the session with its environment (cancelled when that environment ends).
  static std::shared_ptr<SessionCore> Create(TF_Session* session, const void* owner);
  // Any thread, idempotent: cancels every running step and closes every lane.
  void Close();
  bool closing() const { return closing_.load(); }
  TF_Session* session() const { return session_; }

  // A lane joins (false once closing) and leaves; the last to leave a closing session deletes it.
  bool AddLane(const std::shared_ptr<LaneCore>& lane);
  void RemoveLane();

 private:
  explicit SessionCore(TF_Session* session) : session_(session) {}
  void Delete();

  TF_Session* const session_;
  int64_t canceller_ = 0;  // its entry among the open sessions (exit_gate.h)
  std::mutex mu_;
  std::vector<std::weak_ptr<LaneCore>> lanes_;
  int running_lanes_ = 0;
  std::atomic<bool> closing_{false};
};

// One thread running one queue of steps on a shared session. A lane may keep one tensor it
// fetched (an iterator's handle) and feed it to every later step; when the lane closes, its
// thread runs the cleanup targets with that feed (destroying the iterator) before it exits.
class LaneCore : public std::enable_shared_from_this<LaneCore> {
 public:
  struct Keep {
    bool counted = false;  // a Lane object's lane: counted in live_handles until its thread ends
    bool enabled = false;
    TF_Output feed{};                    // where the kept tensor is fed
    std::vector<TF_Operation*> cleanup;  // run once at close, with the kept feed
    std::string cleanup_options;         // the RunOptions of that run (serialized; empty = none)
  };
  // Null when the session is closing.
  static std::shared_ptr<LaneCore> Start(std::shared_ptr<SessionCore> core, std::shared_ptr<Mailbox> mailbox,
                                         Keep keep);
  // JS thread. False when the lane or its session is closing (the request is then not taken).
  bool Submit(std::unique_ptr<RunRequest>& request);
  // Any thread, idempotent: queued requests settle as CANCELLED; the step in flight finishes.
  void Close();
  bool closing() const { return closing_.load() || core_->closing(); }

 private:
  LaneCore(std::shared_ptr<SessionCore> core, std::shared_ptr<Mailbox> mailbox, Keep keep);
  void Loop();
  void Cleanup();

  const std::shared_ptr<SessionCore> core_;
  const std::shared_ptr<Mailbox> mailbox_;
  const Keep keep_;
  TF_Tensor* kept_ = nullptr;  // lane thread only
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

  const std::shared_ptr<SessionCore>& core() const { return core_; }
  Graph* graph() const { return graph_; }
  static Session* FromJS(Napi::Env env, Napi::Value value, const char* what);

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunRepeated(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  std::shared_ptr<SessionCore> core_;
  std::shared_ptr<LaneCore> lane_;  // the default lane
  Napi::ObjectReference graph_ref_;
  Graph* graph_;
};

// new Lane(session, keepFeed?: Output, cleanupTargets?: opId[]): a lane of its own on a session.
class Lane : public Napi::ObjectWrap<Lane> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit Lane(const Napi::CallbackInfo& info);
  ~Lane() override;

 private:
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunRepeated(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsClosed(const Napi::CallbackInfo& info);

  std::shared_ptr<LaneCore> lane_;
  Napi::ObjectReference session_ref_;  // keeps the session (and its graph) alive
  Graph* graph_ = nullptr;
};

}  // namespace tfdata
