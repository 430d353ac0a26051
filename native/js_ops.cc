#include "js_ops.h"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "exit_gate.h"
#include "generated/tables.h"
#include "status.h"
#include "tensor.h"
#include "tf_library.h"

namespace tfdata {

// What a kernel asks of JavaScript. The op type decides the kind (lib/iterate/js-host.ts).
enum Kind { kOpen = kJsOpen, kPull = kJsPull, kClose = kJsClose, kCall = kJsCall };

struct JsRequest {
  Kind kind = kOpen;
  int64_t source = 0;
  std::vector<TF_Tensor*> inputs;  // owned, with buffers of their own (Unshared)
  bool answered = false;
  int code = kCodeOk;
  std::string message;
  std::vector<TensorPtr> outputs;

  JsRequest() = default;
  JsRequest(const JsRequest&) = delete;
  JsRequest& operator=(const JsRequest&) = delete;
  ~JsRequest() {
    const TfApi* tf = TensorFlowApi();
    for (TF_Tensor* t : inputs) tf->TF_DeleteTensor(t);
  }
};

// The channel from kernels to one environment's JS thread. Kernels hold it through the source
// registry (weakly), so an environment that ends answers every waiting kernel with CANCELLED.
class JsBridge {
 public:
  static std::shared_ptr<JsBridge> Create(Napi::Env env);
  void Ask(const std::shared_ptr<JsRequest>& request);
  bool Answer(int64_t id, int code, std::string message, std::vector<TensorPtr> outputs);
  void Shutdown();

 private:
  static void CallJs(napi_env env, napi_value, void* context, void* data);
  static void Finalize(napi_env env, void* data, void* hint);
  void Fail(int64_t id, int code, const std::string& message);

  std::mutex mu_;
  std::condition_variable answered_;
  bool dead_ = false;
  int64_t next_id_ = 0;
  std::map<int64_t, std::shared_ptr<JsRequest>> pending_;
  napi_threadsafe_function tsfn_ = nullptr;
};

namespace {

std::mutex sources_mu;
int64_t next_source = 0;
std::map<int64_t, std::weak_ptr<JsBridge>>& Sources() {
  static auto* sources = new std::map<int64_t, std::weak_ptr<JsBridge>>();  // never destroyed: kernels outlive exit
  return *sources;
}

std::shared_ptr<JsBridge> BridgeOf(int64_t source) {
  std::lock_guard<std::mutex> lock(sources_mu);
  auto it = Sources().find(source);
  return it == Sources().end() ? nullptr : it->second.lock();
}

}  // namespace

std::shared_ptr<JsBridge> JsBridge::Create(Napi::Env env) {
  auto bridge = std::make_shared<JsBridge>();
  auto* context = new std::shared_ptr<JsBridge>(bridge);
  napi_value name;
  napi_create_string_utf8(env, "tfdata:js-ops", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, context, Finalize, context, CallJs,
                                      &bridge->tsfn_) != napi_ok) {
    delete context;
    throw Napi::Error::New(env, "could not create the channel for JavaScript sources");
  }
  // Unreferenced: a pipeline that asks JS is a session step in flight, which keeps the loop alive.
  napi_unref_threadsafe_function(env, bridge->tsfn_);
  return bridge;
}

void JsBridge::Ask(const std::shared_ptr<JsRequest>& request) {
  std::unique_lock<std::mutex> lock(mu_);
  if (dead_ || tsfn_ == nullptr) {
    request->code = kCodeCancelled;
    request->message = "the JavaScript environment of this source has ended";
    return;
  }
  int64_t id = ++next_id_;
  pending_[id] = request;
  // The request id travels; the bridge reaches CallJs as the threadsafe function's context.
  auto* ticket = new int64_t(id);
  if (napi_call_threadsafe_function(tsfn_, ticket, napi_tsfn_nonblocking) != napi_ok) {
    delete ticket;
    pending_.erase(id);
    request->code = kCodeCancelled;
    request->message = "the JavaScript environment of this source has ended";
    return;
  }
  answered_.wait(lock, [&] { return request->answered || dead_; });
  pending_.erase(id);
  if (!request->answered) {
    request->code = kCodeCancelled;
    request->message = "the JavaScript environment of this source has ended";
  }
}

void JsBridge::Fail(int64_t id, int code, const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second->answered) return;
  it->second->code = code;
  it->second->message = message;
  it->second->answered = true;
  answered_.notify_all();
}

bool JsBridge::Answer(int64_t id, int code, std::string message, std::vector<TensorPtr> outputs) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second->answered) return false;
  JsRequest& request = *it->second;
  request.code = code;
  request.message = std::move(message);
  request.outputs = std::move(outputs);
  request.answered = true;
  answered_.notify_all();
  return true;
}

void JsBridge::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  dead_ = true;
  answered_.notify_all();
}

void JsBridge::CallJs(napi_env raw_env, napi_value, void* context, void* data) {
  auto* ticket = static_cast<int64_t*>(data);
  int64_t id = *ticket;
  delete ticket;
  // The environment is being torn down: Node drains the queue after Finalize, so the context is
  // gone too. Finalize already woke every waiting kernel (dead_), which answers it CANCELLED.
  if (raw_env == nullptr) return;
  JsBridge& self = **static_cast<std::shared_ptr<JsBridge>*>(context);
  Napi::Env env(raw_env);
  std::vector<TF_Tensor*> inputs;
  Kind kind;
  int64_t source;
  {
    std::lock_guard<std::mutex> lock(self.mu_);
    auto it = self.pending_.find(id);
    if (it == self.pending_.end()) return;
    inputs = std::move(it->second->inputs);
    it->second->inputs.clear();
    kind = it->second->kind;
    source = it->second->source;
  }
  try {
    Napi::HandleScope scope(env);
    Napi::Array js_inputs = Napi::Array::New(env, inputs.size());
    for (size_t i = 0; i < inputs.size(); i++) {
      TF_Tensor* t = inputs[i];
      inputs[i] = nullptr;
      js_inputs.Set(static_cast<uint32_t>(i), TensorToJS(env, t));  // takes ownership
    }
    AddonData& addon = Data(env);
    if (addon.js_handler.IsEmpty()) throw Napi::Error::New(env, "no JavaScript handler for sources is installed");
    addon.js_handler.Call({Napi::Number::New(env, static_cast<double>(id)), Napi::Number::New(env, kind),
                           Napi::Number::New(env, static_cast<double>(source)), js_inputs});
  } catch (const std::exception& e) {
    const TfApi* tf = TensorFlowApi();
    for (TF_Tensor* t : inputs)
      if (t != nullptr) tf->TF_DeleteTensor(t);
    self.Fail(id, kCodeInternal, std::string("the JavaScript source handler failed: ") + e.what());
  }
}

void JsBridge::Finalize(napi_env, void* data, void*) {
  auto* context = static_cast<std::shared_ptr<JsBridge>*>(data);
  {
    std::lock_guard<std::mutex> lock((*context)->mu_);
    (*context)->tsfn_ = nullptr;
    (*context)->dead_ = true;
    (*context)->answered_.notify_all();
  }
  delete context;
}

// ---------------------------------------------------------------------------------------------
// Kernels.
namespace {

struct JsKernel {
  Kind kind;
  int64_t source;
};

template <Kind K>
void* CreateKernel(TF_OpKernelConstruction* ctx) {
  const TfApi& tf = *TensorFlowApi();
  Status status;
  int64_t source = 0;
  tf.TF_OpKernelConstruction_GetAttrInt64(ctx, "source", &source, status.get());
  if (!status.ok()) {
    tf.TF_OpKernelConstruction_Failure(ctx, status.get());
    return nullptr;
  }
  return new JsKernel{K, source};
}

void DeleteKernel(void* kernel) { delete static_cast<JsKernel*>(kernel); }

void FailKernel(TF_OpKernelContext* ctx, int code, const std::string& message) {
  const TfApi& tf = *TensorFlowApi();
  Status status;
  tf.TF_SetStatus(status.get(), code, message.c_str());
  tf.TF_OpKernelContext_Failure(ctx, status.get());
}

void ComputeKernel(void* kernel, TF_OpKernelContext* ctx) {
  const TfApi& tf = *TensorFlowApi();
  auto* k = static_cast<JsKernel*>(kernel);
  std::shared_ptr<JsBridge> bridge = BridgeOf(k->source);
  if (!bridge) {
    FailKernel(ctx, kCodeFailedPrecondition,
               "the JavaScript source of this pipeline is gone (its environment ended, or the graph was "
               "imported elsewhere)");
    return;
  }
  auto request = std::make_shared<JsRequest>();
  request->kind = k->kind;
  request->source = k->source;
  Status status;
  for (int i = 0; i < tf.TF_NumInputs(ctx); i++) {
    TF_Tensor* input = nullptr;
    tf.TF_GetInput(ctx, i, &input, status.get());
    if (!status.ok()) {
      tf.TF_OpKernelContext_Failure(ctx, status.get());
      return;
    }
    request->inputs.push_back(Unshared(input));  // JS gets memory of its own
  }
  bridge->Ask(request);
  if (request->code != kCodeOk) {
    FailKernel(ctx, request->code, request->message);
    return;
  }
  int outputs = tf.TF_NumOutputs(ctx);
  if (static_cast<int>(request->outputs.size()) != outputs) {
    FailKernel(ctx, kCodeInternal,
               "the JavaScript source answered " + std::to_string(request->outputs.size()) + " tensors, " +
                   std::to_string(outputs) + " expected");
    return;
  }
  for (int i = 0; i < outputs; i++) {
    TF_Tensor* t = request->outputs[i].get();
    if (tf.TF_TensorType(t) != tf.TF_ExpectedOutputDataType(ctx, i)) {
      FailKernel(ctx, kCodeInvalidArgument,
                 "the JavaScript source answered dtype " + std::to_string(tf.TF_TensorType(t)) + " for output " +
                     std::to_string(i) + ", expected " + std::to_string(tf.TF_ExpectedOutputDataType(ctx, i)));
      return;
    }
    tf.TF_SetOutput(ctx, i, t, status.get());
    if (!status.ok()) {
      tf.TF_OpKernelContext_Failure(ctx, status.get());
      return;
    }
  }
}

void UnknownShapes(TF_ShapeInferenceContext* ctx, TF_Status* status) {
  TensorFlowApi()->TF_ShapeInferenceContextSetUnknownShape(ctx, status);
}

// The ops, as (name, attrs, inputs, outputs). Names carry our prefix so they never clash with
// TensorFlow's; `npm run gen:ops` runs before they exist, so tf.raw does not list them.
struct OpSpec {
  const char* name;
  Kind kind;
  std::vector<const char*> attrs, inputs, outputs;
};

const std::vector<OpSpec>& OpSpecs() {
  static const auto* specs = new std::vector<OpSpec>{
      {kJsOpenOp,
       kOpen,
       {"source: int", "Targs: list(type) >= 0"},
       {"token: int64", "args: Targs"},
       {"instance: int64"}},
      {kJsPullOp,
       kPull,
       {"source: int", "output_types: list(type) >= 1"},
       {"instance: int64"},
       {"components: output_types"}},
      {kJsCloseOp, kClose, {"source: int"}, {"instance: int64"}, {"done: int64"}},
      {kJsCallOp,
       kCall,
       {"source: int", "Tin: list(type) >= 0", "Tout: list(type) >= 1"},
       {"token: int64", "args: Tin"},
       {"results: Tout"}},
  };
  return *specs;
}

void* (*CreateFor(Kind kind))(TF_OpKernelConstruction*) {
  switch (kind) {
    case kOpen: return &CreateKernel<kOpen>;
    case kPull: return &CreateKernel<kPull>;
    case kClose: return &CreateKernel<kClose>;
    default: return &CreateKernel<kCall>;
  }
}

// registerJsOps(): registers the ops and their CPU kernels, once per process.
Napi::Value RegisterJsOps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  static std::mutex mu;
  static bool registered = false;
  std::lock_guard<std::mutex> lock(mu);
  if (registered) return env.Undefined();
  for (const OpSpec& spec : OpSpecs()) {
    Status status;
    TF_OpDefinitionBuilder* op = tf.TF_NewOpDefinitionBuilder(spec.name);
    for (const char* a : spec.attrs) tf.TF_OpDefinitionBuilderAddAttr(op, a);
    for (const char* i : spec.inputs) tf.TF_OpDefinitionBuilderAddInput(op, i);
    for (const char* o : spec.outputs) tf.TF_OpDefinitionBuilderAddOutput(op, o);
    // Stateful: TensorFlow must call it every time, in order, and never fold it.
    tf.TF_OpDefinitionBuilderSetIsStateful(op, true);
    tf.TF_OpDefinitionBuilderSetShapeInferenceFunction(op, &UnknownShapes);
    tf.TF_RegisterOpDefinition(op, status.get());  // takes the builder
    ThrowIfError(env, status, std::string("registering ") + spec.name);
    TF_KernelBuilder* kernel =
        tf.TF_NewKernelBuilder(spec.name, "CPU", CreateFor(spec.kind), &ComputeKernel, &DeleteKernel);
    tf.TF_RegisterKernelBuilder(spec.name, kernel, status.get());  // takes the builder
    ThrowIfError(env, status, std::string("registering the kernel of ") + spec.name);
  }
  registered = true;
  return env.Undefined();
}

// setJsHandler(fn): fn(requestId, kind, source, inputs) answers through jsAnswer, now or later.
Napi::Value SetJsHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsFunction()) throw Napi::TypeError::New(env, "setJsHandler: handler must be a function");
  AddonData& data = Data(env);
  data.js_handler = Napi::Persistent(info[0].As<Napi::Function>());
  if (!data.js_bridge) {
    data.js_bridge = JsBridge::Create(env);
    // Among the environment's cancellers (exit_gate.h): its cleanup hook and process exit (which
    // runs no cleanup hook) wake every kernel waiting on this JS thread, so no step outlives it.
    std::weak_ptr<JsBridge> bridge = data.js_bridge;
    AddCanceller(&data, [bridge] {
      if (auto b = bridge.lock()) b->Shutdown();
    });
  }
  return env.Undefined();
}

// jsSource() -> a new source id, answered by this environment's handler.
Napi::Value JsSource(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData& data = Data(env);
  if (!data.js_bridge) throw Napi::Error::New(env, "jsSource: call setJsHandler first");
  std::lock_guard<std::mutex> lock(sources_mu);
  int64_t id = ++next_source;
  Sources()[id] = data.js_bridge;
  return Napi::Number::New(env, static_cast<double>(id));
}

// dropJsSource(id): the source's Dataset is gone; kernels still running it fail cleanly.
Napi::Value DropJsSource(const Napi::CallbackInfo& info) {
  std::lock_guard<std::mutex> lock(sources_mu);
  Sources().erase(static_cast<int64_t>(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

// jsAnswer(requestId, code, message, outputs: TensorHandle[]) -> whether a kernel was waiting.
Napi::Value JsAnswer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData& data = Data(env);
  if (!data.js_bridge) throw Napi::Error::New(env, "jsAnswer: no bridge");
  if (!info[0].IsNumber() || !info[1].IsNumber() || !info[2].IsString())
    throw Napi::TypeError::New(env, "jsAnswer(requestId, code, message, outputs)");
  std::vector<TensorPtr> outputs;
  if (info[3].IsArray()) {
    Napi::Array list = info[3].As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++)
      outputs.push_back(TensorHandle::FromJS(env, list.Get(i), "output")->tensor(env));
  }
  bool waiting = data.js_bridge->Answer(static_cast<int64_t>(info[0].As<Napi::Number>().Int64Value()),
                                        info[1].As<Napi::Number>().Int32Value(), info[2].As<Napi::String>().Utf8Value(),
                                        std::move(outputs));
  return Napi::Boolean::New(env, waiting);
}

}  // namespace

void InitJsOps(Napi::Env env, Napi::Object exports) {
  exports.Set("registerJsOps", Napi::Function::New(env, RegisterJsOps));
  exports.Set("setJsHandler", Napi::Function::New(env, SetJsHandler));
  exports.Set("jsSource", Napi::Function::New(env, JsSource));
  exports.Set("dropJsSource", Napi::Function::New(env, DropJsSource));
  exports.Set("jsAnswer", Napi::Function::New(env, JsAnswer));
}

}  // namespace tfdata
