#include "session.h"

#ifdef __linux__
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#endif

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "exit_gate.h"
#include "generated/tables.h"
#include "status.h"

namespace tfdata {

// Runs fetches (with feeds and targets) once, or up to max_runs times until OUT_OF_RANGE, an
// error, or the time budget is spent. Execute runs on the session's thread; Settle on the JS
// thread. Holds only raw Node-API handles, released in Settle: a request dropped with its
// environment must not touch it.
class RunRequest : public Completion {
 public:
  explicit RunRequest(bool repeated) : repeated_(repeated) {}
  // Last step before submitting (nothing can throw after it): the Promise, and a reference that
  // keeps the Session (and its Graph) alive until the request settles.
  napi_value Bind(Napi::Env env, Napi::Object owner) {
    napi_value promise = nullptr;
    if (napi_create_promise(env, &deferred_, &promise) != napi_ok) throw Napi::Error::New(env);
    if (napi_create_reference(env, owner, 1, &owner_) != napi_ok) {
      napi_resolve_deferred(env, deferred_, env.Undefined());  // never returned: settle it away
      throw Napi::Error::New(env);
    }
    return promise;
  }
  ~RunRequest() override {
    for (auto& row : results_)
      for (TF_Tensor* t : row)
        if (t) TensorFlowApi()->TF_DeleteTensor(t);
  }

  std::vector<TF_Output> feeds, fetches;
  std::vector<TensorPtr> feed_values;
  std::vector<TF_Operation*> targets;
  int max_runs = 1;
  double max_micros = 0;         // 0 = no time budget
  std::string run_options;       // serialized RunOptions, empty = none
  bool keep_last_fetch = false;  // the last fetch is kept by the lane, not returned

  // `kept`: the lane's kept tensor and where it is fed (none when null); on success with
  // keep_last_fetch, replaced by this run's last fetch.
  void Execute(TF_Session* session, TF_Tensor** kept, TF_Output kept_feed) {
    const TfApi& tf = *TensorFlowApi();
    TF_Status* status = tf.TF_NewStatus();
    std::vector<TF_Tensor*> inputs;
    for (auto& v : feed_values) inputs.push_back(v.get());
    if (kept != nullptr && *kept != nullptr) {
      feeds.push_back(kept_feed);
      inputs.push_back(*kept);
    }
    TF_Buffer options{run_options.data(), run_options.size(), nullptr};
    const TF_Buffer* options_ptr = run_options.empty() ? nullptr : &options;
    auto start = std::chrono::steady_clock::now();
    for (int n = 0; n < max_runs; n++) {
      std::vector<TF_Tensor*> outputs(fetches.size(), nullptr);
      tf.TF_SessionRun(session, options_ptr, feeds.data(), inputs.data(), static_cast<int>(feeds.size()),
                       fetches.data(), outputs.data(), static_cast<int>(fetches.size()), targets.data(),
                       static_cast<int>(targets.size()), nullptr, status);
      int code = tf.TF_GetCode(status);
      if (code != kCodeOk) {
        for (TF_Tensor* t : outputs)
          if (t) tf.TF_DeleteTensor(t);
        if (repeated_ && code == kCodeOutOfRange) {
          end_ = true;
        } else {
          error_code_ = code;
          error_message_ = tf.TF_Message(status);
        }
        break;
      }
      if (keep_last_fetch && kept != nullptr) {
        if (*kept) tf.TF_DeleteTensor(*kept);
        *kept = outputs.back();
        outputs.pop_back();
      }
      try {
        for (TF_Tensor*& t : outputs) t = Unshared(t);
      } catch (const std::bad_alloc&) {
        for (TF_Tensor* t : outputs)
          if (t) tf.TF_DeleteTensor(t);
        Fail(kCodeResourceExhausted, "out of memory copying a shared output tensor");
        break;
      }
      results_.push_back(std::move(outputs));
      if (max_micros > 0) {
        double spent = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
        if (spent >= max_micros) break;
      }
    }
    tf.TF_DeleteStatus(status);
    feed_values.clear();  // the feeds' last owner may be this thread: release them here, not in JS
  }

  void Cancel() { Fail(kCodeCancelled, "the session was closed before this step ran"); }

  // Replaces whatever was produced with an error (nothing may escape the session's thread).
  void Fail(int code, const char* message) noexcept {
    error_code_ = code;
    try {
      error_message_ = message;
    } catch (...) {
    }
  }

  void Settle(Napi::Env env) override {
    napi_delete_reference(env, owner_);
    try {
      Resolve(env);
    } catch (const Napi::Error& e) {
      // A conversion failed (out of memory, a stopping environment): the Promise must not hang.
      napi_reject_deferred(env, deferred_, e.Value());
    }
  }

 private:
  void Resolve(Napi::Env env) {
    if (!repeated_) {
      if (error_code_ != 0) {
        napi_reject_deferred(env, deferred_, MakeTFError(env, error_code_, error_message_).Value());
      } else {
        napi_resolve_deferred(env, deferred_, Row(env, 0));
      }
      return;
    }
    Napi::Object out = Napi::Object::New(env);
    Napi::Array rows = Napi::Array::New(env, results_.size());
    for (size_t i = 0; i < results_.size(); i++) rows.Set(static_cast<uint32_t>(i), Row(env, i));
    out.Set("elements", rows);
    out.Set("end", Napi::Boolean::New(env, end_));
    out.Set("error", error_code_ != 0 ? MakeTFError(env, error_code_, error_message_).Value() : env.Null());
    napi_resolve_deferred(env, deferred_, out);
  }

  Napi::Array Row(Napi::Env env, size_t i) {
    Napi::Array row = Napi::Array::New(env, results_[i].size());
    for (size_t j = 0; j < results_[i].size(); j++) {
      TF_Tensor* t = results_[i][j];
      results_[i][j] = nullptr;  // ownership moves to JS
      row.Set(static_cast<uint32_t>(j), TensorToJS(env, t));
    }
    return row;
  }

  bool repeated_;
  napi_deferred deferred_ = nullptr;
  napi_ref owner_ = nullptr;
  std::vector<std::vector<TF_Tensor*>> results_;
  bool end_ = false;
  int error_code_ = 0;
  std::string error_message_;
};

// ---- SessionCore ----

std::shared_ptr<SessionCore> SessionCore::Create(TF_Session* session, const void* owner) {
  std::shared_ptr<SessionCore> core(new SessionCore(session));
  std::weak_ptr<SessionCore> weak = core;
  core->canceller_ = AddCanceller(owner, [weak] {
    if (auto alive = weak.lock()) alive->Close();
  });
  return core;
}

bool SessionCore::AddLane(const std::shared_ptr<LaneCore>& lane) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) return false;
  // Forget lanes that are gone, so a long-lived session's list stays as long as its open lanes.
  std::vector<std::weak_ptr<LaneCore>> open;
  for (auto& l : lanes_)
    if (!l.expired()) open.push_back(l);
  open.push_back(lane);
  lanes_.swap(open);
  running_lanes_++;
  return true;
}

void SessionCore::Close() {
  std::vector<std::shared_ptr<LaneCore>> lanes;
  bool none_running;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_.exchange(true)) return;
    // Cancels the steps in flight without waiting for them; the last lane thread deletes the session.
    const TfApi& tf = *TensorFlowApi();
    TF_Status* status = tf.TF_NewStatus();
    tf.TF_CloseSession(session_, status);
    tf.TF_DeleteStatus(status);
    for (auto& l : lanes_)
      if (auto alive = l.lock()) lanes.push_back(alive);
    none_running = running_lanes_ == 0;
  }
  for (auto& lane : lanes) lane->Close();
  if (none_running) {
    // No lane thread will delete it: a short-lived one does (deleting waits for TF's threads).
    std::shared_ptr<SessionCore> self = shared_from_this();
    std::thread([self] { self->Delete(); }).detach();
  }
}

void SessionCore::RemoveLane() {
  bool last;
  {
    std::lock_guard<std::mutex> lock(mu_);
    last = --running_lanes_ == 0 && closing_;
  }
  if (last) Delete();
}

namespace {

// The process is exiting (exit_gate.h): this thread must not touch TensorFlow again.
[[noreturn]] void ParkForever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

// How much lower than the event loop's thread a lane thread runs (a nice increment). Threads that
// a pipeline starts from its lane (prefetch, parallel map, autotune) inherit it. On a machine
// with fewer cores than busy pipeline threads, the event loop then gets a core when it wakes
// instead of waiting for a time slice: measured on 2 cores, the event-loop delay p99 of W2 fell
// from 2.2-2.6 ms to 1.4-1.8 ms and of W4b from 3.1-3.4 ms to 2.1-2.5 ms, with the same
// throughput (an idle event loop leaves every core to the pipeline). 5 gives a waking JS thread
// about three times a lane's share of a contended core.
constexpr int kLaneNiceIncrement = 5;

// Linux only: there a thread's nice value is its own (elsewhere it is the whole process's). The
// name shows lanes in tools (top -H, /proc/<pid>/task/*/comm, test/scheduling.test.ts).
void NameAndLowerThisThread() {
#ifdef __linux__
  pthread_setname_np(pthread_self(), "tfdata-lane");
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0) setpriority(PRIO_PROCESS, tid, current + kLaneNiceIncrement);  // best effort
  // Not SCHED_BATCH: its wakeups do not preempt, which also holds back the pipeline's own
  // threads handing work to each other. W3 (parallel map, autotuned) ran ~40 % slower with it
  // (1.49-2.16 s against 1.13-1.38 s, 5 runs each alternating); W4b and W1 gained ~10 % from it
  // and the event-loop p99 gained within noise.
#endif
}

}  // namespace

// Deleting waits for the iterators' own threads (prefetch, autotune): this is why it runs on a
// lane's thread, never on the event loop. The core object itself lives on with its owners.
void SessionCore::Delete() {
  RemoveCanceller(canceller_);
  if (!EnterTensorFlow()) ParkForever();
  const TfApi& tf = *TensorFlowApi();
  TF_Status* status = tf.TF_NewStatus();
  tf.TF_DeleteSession(session_, status);
  tf.TF_DeleteStatus(status);
  LeaveTensorFlow();
  live_handles--;
}

// ---- LaneCore ----

LaneCore::LaneCore(std::shared_ptr<SessionCore> core, std::shared_ptr<Mailbox> mailbox, Keep keep)
    : core_(std::move(core)), mailbox_(std::move(mailbox)), keep_(std::move(keep)) {}

std::shared_ptr<LaneCore> LaneCore::Start(std::shared_ptr<SessionCore> core, std::shared_ptr<Mailbox> mailbox,
                                          Keep keep) {
  std::shared_ptr<LaneCore> lane(new LaneCore(core, std::move(mailbox), std::move(keep)));
  if (!core->AddLane(lane)) return nullptr;
  try {
    // Detached: a terminated worker never waits for it, and process exit only briefly (see
    // exit_gate.h). It holds the lane (and so the session core) until it is done.
    if (lane->keep_.counted) live_handles++;
    std::thread([lane] { lane->Loop(); }).detach();
  } catch (...) {
    if (lane->keep_.counted) live_handles--;
    core->RemoveLane();
    throw;
  }
  return lane;
}

bool LaneCore::Submit(std::unique_ptr<RunRequest>& request) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing()) return false;
  try {
    queue_.push_back(std::move(request));
  } catch (...) {
    return false;  // the caller settles it as cancelled
  }
  wake_.notify_one();
  return true;
}

void LaneCore::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  closing_ = true;
  wake_.notify_one();
}

void LaneCore::Loop() {
  NameAndLowerThisThread();
  for (;;) {
    std::unique_ptr<RunRequest> request;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) break;  // closing, nothing left
      request = std::move(queue_.front());
      queue_.pop_front();
    }
    if (closing()) {
      request->Cancel();
    } else {
      if (!EnterTensorFlow()) ParkForever();
      try {
        request->Execute(core_->session(), keep_.enabled ? &kept_ : nullptr, keep_.feed);
      } catch (...) {
        request->Fail(kCodeResourceExhausted, "out of memory running a step");
      }
      LeaveTensorFlow();
    }
    mailbox_->Post(request.release());
  }
  Cleanup();
  if (keep_.counted) live_handles--;
  core_->RemoveLane();
}

// The lane's iterator is destroyed now, not when the long-lived session ends; a closing session
// frees it anyway.
void LaneCore::Cleanup() {
  if (kept_ == nullptr) return;
  if (!EnterTensorFlow()) ParkForever();
  const TfApi& tf = *TensorFlowApi();
  if (!keep_.cleanup.empty() && !core_->closing()) {
    TF_Status* status = tf.TF_NewStatus();
    TF_Output feed = keep_.feed;
    // Options from JS (open-session.ts): in this thread, not on TensorFlow's inter-op pool, which
    // the pipelines' own work may keep busy.
    TF_Buffer options{keep_.cleanup_options.data(), keep_.cleanup_options.size(), nullptr};
    tf.TF_SessionRun(core_->session(), keep_.cleanup_options.empty() ? nullptr : &options, &feed, &kept_, 1, nullptr,
                     nullptr, 0, keep_.cleanup.data(), static_cast<int>(keep_.cleanup.size()), nullptr, status);
    tf.TF_DeleteStatus(status);  // a failed cleanup leaves what the session's end frees
  }
  tf.TF_DeleteTensor(kept_);
  kept_ = nullptr;
  LeaveTensorFlow();
}

// ---- requests from JS ----

namespace {

std::string RunOptionsFromJS(const Napi::Value& value) {
  if (!value.IsTypedArray()) return {};
  Napi::Uint8Array o = value.As<Napi::Uint8Array>();
  return std::string(reinterpret_cast<const char*>(o.Data()), o.ByteLength());
}

// run(feeds, fetches, targets?, runOptions?, keepFetch?) or runRepeated(fetches, maxRuns, maxMicros, runOptions?)
std::unique_ptr<RunRequest> RequestFromJS(const Napi::CallbackInfo& info, Graph* graph, bool repeated) {
  Napi::Env env = info.Env();
  auto request = std::make_unique<RunRequest>(repeated);
  if (repeated) {
    if (!info[0].IsArray()) throw Napi::TypeError::New(env, "fetches must be an array");
    Napi::Array fetches = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < fetches.Length(); i++)
      request->fetches.push_back(graph->OutputFromJS(env, fetches.Get(i), "fetch"));
    double max_runs = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1;
    if (!(max_runs >= 1 && max_runs <= 1e6)) throw Napi::RangeError::New(env, "maxRuns must be between 1 and 1e6");
    request->max_runs = static_cast<int>(max_runs);
    request->max_micros = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
    request->run_options = RunOptionsFromJS(info[3]);
    return request;
  }
  if (!info[0].IsArray() || !info[1].IsArray()) throw Napi::TypeError::New(env, "feeds and fetches must be arrays");
  Napi::Array feeds = info[0].As<Napi::Array>();
  for (uint32_t i = 0; i < feeds.Length(); i++) {
    Napi::Value pair = feeds.Get(i);
    if (!pair.IsArray() || pair.As<Napi::Array>().Length() != 2)
      throw Napi::TypeError::New(env, "each feed must be [output, TensorHandle]");
    Napi::Array p = pair.As<Napi::Array>();
    request->feeds.push_back(graph->OutputFromJS(env, p.Get(0u), "feed"));
    request->feed_values.push_back(TensorHandle::FromJS(env, p.Get(1u), "feed value")->tensor(env));
  }
  Napi::Array fetches = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < fetches.Length(); i++)
    request->fetches.push_back(graph->OutputFromJS(env, fetches.Get(i), "fetch"));
  if (info.Length() > 2 && info[2].IsArray()) {
    Napi::Array targets = info[2].As<Napi::Array>();
    for (uint32_t i = 0; i < targets.Length(); i++)
      request->targets.push_back(graph->OperationFromJS(env, targets.Get(i), "target"));
  }
  request->run_options = RunOptionsFromJS(info[3]);
  if (info.Length() > 4 && !info[4].IsUndefined()) {
    request->fetches.push_back(graph->OutputFromJS(env, info[4], "keepFetch"));
    request->keep_last_fetch = true;
  }
  return request;
}

// Queues `request` on `lane`; the Promise settles on the JS thread. `owner` (the JS object)
// stays alive until it does.
Napi::Value Submit(const Napi::CallbackInfo& info, const std::shared_ptr<LaneCore>& lane,
                   std::unique_ptr<RunRequest> request) {
  Napi::Env env = info.Env();
  Napi::Value promise(env, request->Bind(env, info.This().As<Napi::Object>()));
  Data(env).Deliveries(env)->Expect(env);
  if (!lane->Submit(request)) {
    // Closed between the caller's check and now (another thread closed the session).
    request->Cancel();
    Data(env).Deliveries(env)->Post(request.release());
  }
  return promise;
}

// run() and runRepeated() of a Session (its default lane) or a Lane.
Napi::Value QueueRun(const Napi::CallbackInfo& info, const std::shared_ptr<LaneCore>& lane, Graph* graph, bool repeated,
                     const char* what) {
  Napi::Env env = info.Env();
  try {
    if (!lane || lane->closing()) throw Napi::Error::New(env, std::string(what) + " used after close()");
    return Submit(info, lane, RequestFromJS(info, graph, repeated));
  }
  TFDATA_CATCH_STD(env)
}

}  // namespace

// ---- Session (the JS class) ----

void Session::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "Session",
                  {InstanceMethod("run", &Session::Run), InstanceMethod("runRepeated", &Session::RunRepeated),
                   InstanceMethod("close", &Session::Close), InstanceAccessor("closed", &Session::IsClosed, nullptr)});
  Data(env).session_class = Napi::Persistent(cls);
  exports.Set("Session", cls);
}

Session* Session::FromJS(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(Data(env).session_class.Value()))
    throw Napi::TypeError::New(env, std::string(what) + " must be a Session");
  return Napi::ObjectWrap<Session>::Unwrap(value.As<Napi::Object>());
}

// new Session(graph, configProto?: Uint8Array)
Session::Session(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Session>(info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  graph_ = Graph::FromJS(env, info[0], "graph");
  TF_Graph* g = graph_->graph(env);
  Status status;
  TF_SessionOptions* options = tf.TF_NewSessionOptions();
  if (info.Length() > 1 && info[1].IsTypedArray()) {
    Napi::Uint8Array config = info[1].As<Napi::Uint8Array>();
    tf.TF_SetConfig(options, config.Data(), config.ByteLength(), status.get());
  }
  TF_Session* session = nullptr;
  if (status.ok()) session = tf.TF_NewSession(g, options, status.get());
  tf.TF_DeleteSessionOptions(options);
  ThrowIfError(env, status, "creating a session");
  live_handles++;
  AddonData& data = Data(env);
  try {
    core_ = SessionCore::Create(session, &data);
  } catch (...) {
    tf.TF_DeleteSession(session, status.get());
    live_handles--;
    throw Napi::Error::New(env, "out of memory opening a session");
  }
  try {
    lane_ = LaneCore::Start(core_, data.Deliveries(env), {});
    graph_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
  } catch (...) {
    core_->Close();  // a lane thread, or a short-lived one, deletes the session
    throw Napi::Error::New(env, "could not start the session's thread or its result channel");
  }
}

Session::~Session() {
  // Runs hold a reference to this object (and lanes to it), so none is in flight when it is
  // collected. Closing only cancels and wakes threads: a finalizer never blocks the event loop.
  if (core_) core_->Close();
}

// run(feeds: [output, TensorHandle][], fetches: output[], targets: opId[], runOptions?: Uint8Array) ->
// Promise<tensor[]>
Napi::Value Session::Run(const Napi::CallbackInfo& info) { return QueueRun(info, lane_, graph_, false, "session"); }

// runRepeated(fetches, maxRuns, maxMicros, runOptions?: Uint8Array) -> Promise<{ elements, end, error }>
Napi::Value Session::RunRepeated(const Napi::CallbackInfo& info) {
  return QueueRun(info, lane_, graph_, true, "session");
}

Napi::Value Session::Close(const Napi::CallbackInfo& info) {
  if (core_) core_->Close();
  return info.Env().Undefined();
}

Napi::Value Session::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !core_ || core_->closing());
}

// ---- Lane (the JS class) ----

void Lane::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "Lane",
                  {InstanceMethod("run", &Lane::Run), InstanceMethod("runRepeated", &Lane::RunRepeated),
                   InstanceMethod("close", &Lane::Close), InstanceAccessor("closed", &Lane::IsClosed, nullptr)});
  exports.Set("Lane", cls);
}

Lane::Lane(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Lane>(info) {
  Napi::Env env = info.Env();
  try {
    Session* session = Session::FromJS(env, info[0], "session");
    graph_ = session->graph();
    LaneCore::Keep keep;
    keep.counted = true;
    if (info.Length() > 1 && !info[1].IsUndefined()) {
      keep.enabled = true;
      keep.feed = graph_->OutputFromJS(env, info[1], "keepFeed");
      if (info.Length() > 2 && info[2].IsArray()) {
        Napi::Array targets = info[2].As<Napi::Array>();
        for (uint32_t i = 0; i < targets.Length(); i++)
          keep.cleanup.push_back(graph_->OperationFromJS(env, targets.Get(i), "cleanup target"));
      }
      keep.cleanup_options = RunOptionsFromJS(info[3]);
    }
    if (!session->core() || session->core()->closing()) throw Napi::Error::New(env, "session used after close()");
    lane_ = LaneCore::Start(session->core(), Data(env).Deliveries(env), std::move(keep));
    if (!lane_) throw Napi::Error::New(env, "session used after close()");
    session_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
  }
  TFDATA_CATCH_STD(env)
}

Lane::~Lane() {
  // A lane dropped without close() still ends its thread and destroys its iterator.
  if (lane_) lane_->Close();
}

Napi::Value Lane::Run(const Napi::CallbackInfo& info) { return QueueRun(info, lane_, graph_, false, "lane"); }

Napi::Value Lane::RunRepeated(const Napi::CallbackInfo& info) { return QueueRun(info, lane_, graph_, true, "lane"); }

Napi::Value Lane::Close(const Napi::CallbackInfo& info) {
  if (lane_) lane_->Close();
  return info.Env().Undefined();
}

Napi::Value Lane::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !lane_ || lane_->closing());
}

}  // namespace tfdata
