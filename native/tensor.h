// Host data <-> TF_Tensor. Inputs are copied into TensorFlow-owned memory; outputs reach JS
// without a copy, as external ArrayBuffers whose finalizer deletes the TF_Tensor.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "generated/tables.h"  // kDType* and DTypeSize (bytes per element, 0 strings, -1 not carried)
#include "tf_library.h"

namespace tfdata {

// A TF_Tensor shared by its JS handle and any session run that feeds it.
using TensorPtr = std::shared_ptr<TF_Tensor>;
TensorPtr AdoptTensor(TF_Tensor* tensor);

// Reads shape (array of non-negative integers) with overflow checks; throws RangeError/TypeError.
std::vector<int64_t> ShapeFromJS(Napi::Env env, Napi::Value shape, const char* what);

// Copies `data` (an ArrayBufferView for numeric dtypes, an array of Uint8Array for strings).
TensorPtr TensorFromJS(Napi::Env env, int dtype, const std::vector<int64_t>& dims, Napi::Value data);

// A tensor whose buffer nothing else in TensorFlow holds: `tensor` itself when it is the sole
// owner, else a private copy (and `tensor` is deleted). What a pipeline yields goes through this
// (off the event loop) so JS can hand out its memory without a copy and edits reach nothing
// else: not a feed, a constant, a cache, nor another element. Takes ownership.
TF_Tensor* Unshared(TF_Tensor* tensor);

// { dtype, shape, buffer } or { dtype, shape, strings }. Takes ownership of `tensor`.
Napi::Object TensorToJS(Napi::Env env, TF_Tensor* tensor);

// JS handle of an input tensor: new TensorHandle(dtype, shape, data).
class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;
  const TensorPtr& tensor(Napi::Env env) const;
  static TensorHandle* FromJS(Napi::Env env, Napi::Value value, const char* what);

 private:
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
  TensorPtr tensor_;
};

}  // namespace tfdata
