#include "session.h"

#include <chrono>

#include "addon_data.h"
#include "status.h"

namespace tfdata {

constexpr int kOutOfRange = 11;

namespace {

void CloseAndDelete(TF_Session* session) {
  const TfApi& tf = *TensorFlowApi();
  TF_Status* status = tf.TF_NewStatus();
  tf.TF_CloseSession(session, status);
  tf.TF_DeleteSession(session, status);
  tf.TF_DeleteStatus(status);
  live_handles--;
}

class CloseWorker : public Napi::AsyncWorker {
 public:
  CloseWorker(Napi::Env env, TF_Session* session) : Napi::AsyncWorker(env, "tfdata:SessionClose"), session_(session) {}
  void Execute() override { CloseAndDelete(session_); }

 private:
  TF_Session* session_;
};

}  // namespace

void SessionState::CloseHere() {
  if (session == nullptr) return;
  CloseAndDelete(session);
  session = nullptr;
}

void SessionState::CloseNow(Napi::Env env) {
  if (session == nullptr) return;
  TF_Session* s = session;
  session = nullptr;
  try {
    (new CloseWorker(env, s))->Queue();
  } catch (...) {
    CloseAndDelete(s);
  }
}

namespace {

// Runs fetches (with feeds and targets) once, or up to max_runs times until OUT_OF_RANGE,
// an error, or the time budget is spent. Never touches JS outside OnOK/OnError.
class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, Napi::Object owner, std::shared_ptr<SessionState> state, bool repeated)
      : Napi::AsyncWorker(env, "tfdata:SessionRun"), deferred_(Napi::Promise::Deferred::New(env)),
        state_(std::move(state)), repeated_(repeated) {
    owner_ = Napi::Persistent(owner);  // keeps the Session (and so its Graph) alive meanwhile
    state_->runs_in_flight++;
  }

  ~RunWorker() override {
    for (auto& row : results_) for (TF_Tensor* t : row) if (t) TensorFlowApi()->TF_DeleteTensor(t);
  }

  std::vector<TF_Output> feeds, fetches;
  std::vector<TensorPtr> feed_values;
  std::vector<TF_Operation*> targets;
  int max_runs = 1;
  double max_micros = 0;  // 0 = no time budget
  std::string run_options;  // serialized RunOptions, empty = none

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    const TfApi& tf = *TensorFlowApi();
    TF_Status* status = tf.TF_NewStatus();
    std::vector<TF_Tensor*> inputs;
    for (auto& v : feed_values) inputs.push_back(v.get());
    TF_Buffer options{run_options.data(), run_options.size(), nullptr};
    const TF_Buffer* options_ptr = run_options.empty() ? nullptr : &options;
    auto start = std::chrono::steady_clock::now();
    for (int n = 0; n < max_runs; n++) {
      std::vector<TF_Tensor*> outputs(fetches.size(), nullptr);
      tf.TF_SessionRun(state_->session, options_ptr, feeds.data(), inputs.data(), static_cast<int>(feeds.size()),
                       fetches.data(), outputs.data(), static_cast<int>(fetches.size()), targets.data(),
                       static_cast<int>(targets.size()), nullptr, status);
      int code = tf.TF_GetCode(status);
      if (code != 0) {
        for (TF_Tensor* t : outputs) if (t) tf.TF_DeleteTensor(t);
        if (repeated_ && code == kOutOfRange) {
          end_ = true;
        } else {
          error_code_ = code;
          error_message_ = tf.TF_Message(status);
        }
        break;
      }
      results_.push_back(std::move(outputs));
      if (max_micros > 0) {
        double spent = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
        if (spent >= max_micros) break;
      }
    }
    tf.TF_DeleteStatus(status);
  }

  void OnOK() override {
    Napi::Env env = Env();
    Finish();
    if (!repeated_) {
      if (error_code_ != 0) {
        deferred_.Reject(MakeTFError(env, error_code_, error_message_).Value());
        return;
      }
      deferred_.Resolve(Row(env, 0));
      return;
    }
    Napi::Object out = Napi::Object::New(env);
    Napi::Array rows = Napi::Array::New(env, results_.size());
    for (size_t i = 0; i < results_.size(); i++) rows.Set(static_cast<uint32_t>(i), Row(env, i));
    out.Set("elements", rows);
    out.Set("end", Napi::Boolean::New(env, end_));
    out.Set("error", error_code_ != 0 ? MakeTFError(env, error_code_, error_message_).Value() : env.Null());
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& e) override {
    Finish();
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Array Row(Napi::Env env, size_t i) {
    Napi::Array row = Napi::Array::New(env, results_[i].size());
    for (size_t j = 0; j < results_[i].size(); j++) {
      TF_Tensor* t = results_[i][j];
      results_[i][j] = nullptr;  // ownership moves to JS
      row.Set(static_cast<uint32_t>(j), TensorToJS(env, t));
    }
    return row;
  }

  void Finish() {
    state_->runs_in_flight--;
    if (state_->close_requested && state_->runs_in_flight == 0) state_->CloseNow(Env());
  }

  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference owner_;
  std::shared_ptr<SessionState> state_;
  bool repeated_;
  std::vector<std::vector<TF_Tensor*>> results_;
  bool end_ = false;
  int error_code_ = 0;
  std::string error_message_;
};

}  // namespace

void Session::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls = DefineClass(env, "Session",
                                   {InstanceMethod("run", &Session::Run),
                                    InstanceMethod("runRepeated", &Session::RunRepeated),
                                    InstanceMethod("close", &Session::Close),
                                    InstanceAccessor("closed", &Session::IsClosed, nullptr)});
  Data(env).session_class = Napi::Persistent(cls);
  exports.Set("Session", cls);
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
  state_ = std::make_shared<SessionState>();
  state_->session = session;
  live_handles++;
  graph_ref_ = Napi::Persistent(info[0].As<Napi::Object>());
}

Session::~Session() {
  // Runs hold a reference to this object, so none is in flight when it is collected. A
  // finalizer must not start new work: close here.
  if (state_) state_->CloseHere();
}

// run(feeds: [output, TensorHandle][], fetches: output[], targets: opId[], runOptions?: Uint8Array) -> Promise<tensor[]>
Napi::Value Session::Run(const Napi::CallbackInfo& info) { return Start(info, false); }

// runRepeated(fetches, maxRuns, maxMicros, runOptions?: Uint8Array) -> Promise<{ elements, end, error }>
Napi::Value Session::RunRepeated(const Napi::CallbackInfo& info) { return Start(info, true); }

Napi::Value Session::Start(const Napi::CallbackInfo& info, bool repeated) {
  Napi::Env env = info.Env();
  try {
    if (!state_ || state_->session == nullptr || state_->close_requested) {
      throw Napi::Error::New(env, "session used after close()");
    }
    auto* worker = new RunWorker(env, info.This().As<Napi::Object>(), state_, repeated);
    try {
      if (repeated) {
        if (!info[0].IsArray()) throw Napi::TypeError::New(env, "fetches must be an array");
        Napi::Array fetches = info[0].As<Napi::Array>();
        for (uint32_t i = 0; i < fetches.Length(); i++) worker->fetches.push_back(graph_->OutputFromJS(env, fetches.Get(i), "fetch"));
        double max_runs = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 1;
        if (!(max_runs >= 1 && max_runs <= 1e6)) throw Napi::RangeError::New(env, "maxRuns must be between 1 and 1e6");
        worker->max_runs = static_cast<int>(max_runs);
        worker->max_micros = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
        if (info[3].IsTypedArray()) {
          Napi::Uint8Array o = info[3].As<Napi::Uint8Array>();
          worker->run_options.assign(reinterpret_cast<const char*>(o.Data()), o.ByteLength());
        }
      } else {
        if (!info[0].IsArray() || !info[1].IsArray()) throw Napi::TypeError::New(env, "feeds and fetches must be arrays");
        Napi::Array feeds = info[0].As<Napi::Array>();
        for (uint32_t i = 0; i < feeds.Length(); i++) {
          Napi::Value pair = feeds.Get(i);
          if (!pair.IsArray() || pair.As<Napi::Array>().Length() != 2) throw Napi::TypeError::New(env, "each feed must be [output, TensorHandle]");
          Napi::Array p = pair.As<Napi::Array>();
          worker->feeds.push_back(graph_->OutputFromJS(env, p.Get(0u), "feed"));
          worker->feed_values.push_back(TensorHandle::FromJS(env, p.Get(1u), "feed value")->tensor(env));
        }
        Napi::Array fetches = info[1].As<Napi::Array>();
        for (uint32_t i = 0; i < fetches.Length(); i++) worker->fetches.push_back(graph_->OutputFromJS(env, fetches.Get(i), "fetch"));
        if (info.Length() > 2 && info[2].IsArray()) {
          Napi::Array targets = info[2].As<Napi::Array>();
          for (uint32_t i = 0; i < targets.Length(); i++) worker->targets.push_back(graph_->OperationFromJS(env, targets.Get(i), "target"));
        }
        if (info[3].IsTypedArray()) {
          Napi::Uint8Array o = info[3].As<Napi::Uint8Array>();
          worker->run_options.assign(reinterpret_cast<const char*>(o.Data()), o.ByteLength());
        }
      }
    } catch (...) {
      state_->runs_in_flight--;
      delete worker;
      throw;
    }
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }
  TFDATA_CATCH_STD(env)
}

Napi::Value Session::Close(const Napi::CallbackInfo& info) {
  if (state_ && !state_->close_requested) {
    state_->close_requested = true;
    if (state_->runs_in_flight == 0) state_->CloseNow(info.Env());
  }
  return info.Env().Undefined();
}

Napi::Value Session::IsClosed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !state_ || state_->close_requested);
}

}  // namespace tfdata
