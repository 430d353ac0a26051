#include "registry.h"

#include <string>

#include "status.h"
#include "tf_library.h"

namespace tfdata {
namespace {

// opList() -> the serialized OpList of every registered op (what `npm run gen:ops` reads).
Napi::Value OpList(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  TF_Buffer* buffer = tf.TF_GetAllOpList();
  if (buffer == nullptr) throw Napi::Error::New(env, "TensorFlow returned no op list");
  Napi::Value out = Napi::Buffer<char>::Copy(env, static_cast<const char*>(buffer->data), buffer->length);
  tf.TF_DeleteBuffer(buffer);
  return out;
}

// kernelsFor(opType) -> the serialized KernelList of the kernels registered for that op.
Napi::Value KernelsFor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "kernelsFor: opType must be a string");
  const TfApi& tf = RequireApi(env);
  std::string type = info[0].As<Napi::String>().Utf8Value();
  Status status;
  TF_Buffer* buffer = tf.TF_GetRegisteredKernelsForOp(type.c_str(), status.get());
  Napi::Value out = env.Undefined();
  if (status.ok() && buffer != nullptr) {
    out = Napi::Buffer<char>::Copy(env, static_cast<const char*>(buffer->data), buffer->length);
  }
  if (buffer != nullptr) tf.TF_DeleteBuffer(buffer);
  ThrowIfError(env, status);
  return out;
}

}  // namespace

void InitRegistry(Napi::Env env, Napi::Object exports) {
  exports.Set("opList", Napi::Function::New(env, OpList));
  exports.Set("kernelsFor", Napi::Function::New(env, KernelsFor));
}

}  // namespace tfdata
