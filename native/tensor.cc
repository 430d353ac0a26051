#include "tensor.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "status.h"

namespace tfdata {

TensorPtr AdoptTensor(TF_Tensor* tensor) {
  return TensorPtr(tensor, [](TF_Tensor* t) {
    if (t != nullptr) TensorFlowApi()->TF_DeleteTensor(t);
    live_handles--;
  });
}

namespace {

constexpr size_t kAlignment = 64;  // TensorFlow copies buffers that are less aligned

void FreeNumeric(void* data, size_t, void*) { std::free(data); }

// Runs when the last owner (JS or a TensorFlow kernel) drops the buffer.
void FreeStrings(void* data, size_t, void* count) {
  auto* cells = static_cast<TF_TString*>(data);
  size_t n = reinterpret_cast<uintptr_t>(count);
  for (size_t i = 0; i < n; i++) TensorFlowApi()->TF_StringDealloc(&cells[i]);
  std::free(data);
}

// Node keeps an external ArrayBuffer in a Buffer, which cannot exceed this (node::Buffer::kMaxLength
// on 64-bit Node 20); larger outputs are copied into an ArrayBuffer V8 allocates.
constexpr size_t kMaxExternalBytes = size_t{1} << 32;

void* AlignedAlloc(size_t bytes) {
  if (bytes > std::numeric_limits<size_t>::max() - kAlignment) throw std::bad_alloc();
  size_t rounded = ((bytes + kAlignment - 1) / kAlignment) * kAlignment;
  void* p = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// A TensorFlow-owned copy of `count` strings; `at(i)` gives the bytes of string i.
template <typename At>
TF_Tensor* NewStringTensor(const TfApi& tf, const std::vector<int64_t>& dims, size_t count, At at) {
  if (count > std::numeric_limits<size_t>::max() / sizeof(TF_TString)) throw std::bad_alloc();
  auto* cells = static_cast<TF_TString*>(AlignedAlloc(count * sizeof(TF_TString)));
  for (size_t i = 0; i < count; i++) {
    std::pair<const char*, size_t> bytes = at(i);
    tf.TF_StringInit(&cells[i]);
    tf.TF_StringCopy(&cells[i], bytes.first, bytes.second);
  }
  const int rank = static_cast<int>(dims.size());
  return tf.TF_NewTensor(kDTypeString, dims.data(), rank, cells, count * sizeof(TF_TString), FreeStrings,
                         reinterpret_cast<void*>(static_cast<uintptr_t>(count)));
}

// A TensorFlow-owned, aligned copy of `bytes` bytes of numeric data.
TF_Tensor* NewNumericTensor(const TfApi& tf, int dtype, const std::vector<int64_t>& dims, const void* src,
                            size_t bytes) {
  void* copy = AlignedAlloc(bytes);
  if (bytes > 0) std::memcpy(copy, src, bytes);
  return tf.TF_NewTensor(dtype, dims.data(), static_cast<int>(dims.size()), copy, bytes, FreeNumeric, nullptr);
}

}  // namespace

std::vector<int64_t> ShapeFromJS(Napi::Env env, Napi::Value shape, const char* what) {
  if (!shape.IsArray()) throw Napi::TypeError::New(env, std::string(what) + " must be an array of dimensions");
  Napi::Array array = shape.As<Napi::Array>();
  if (array.Length() > 32) throw Napi::RangeError::New(env, std::string(what) + " has more than 32 dimensions");
  std::vector<int64_t> dims;
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value v = array[i];
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!v.IsNumber() || d < 0 || std::floor(d) != d || d > 9007199254740991.0) {
      throw Napi::RangeError::New(env,
                                  std::string(what) + "[" + std::to_string(i) + "] must be a non-negative integer");
    }
    dims.push_back(static_cast<int64_t>(d));
  }
  return dims;
}

// Element count of `dims`, checked against int64 (TensorFlow's limit); every byte size below is
// checked again against size_t before it is computed.
static size_t ElementCount(Napi::Env env, const std::vector<int64_t>& dims) {
  size_t count = 1;
  for (int64_t d : dims) {
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / static_cast<size_t>(d)) {
      throw Napi::RangeError::New(env, "shape has too many elements");
    }
    count *= static_cast<size_t>(d);
  }
  return count;
}

TensorPtr TensorFromJS(Napi::Env env, int dtype, const std::vector<int64_t>& dims, Napi::Value data) {
  const TfApi& tf = RequireApi(env);
  int size = DTypeSize(dtype);
  if (size < 0) throw Napi::TypeError::New(env, "unsupported dtype " + std::to_string(dtype));
  size_t count = ElementCount(env, dims);
  TF_Tensor* tensor = nullptr;
  if (dtype == kDTypeString) {
    if (!data.IsArray()) throw Napi::TypeError::New(env, "string tensor data must be an array of Uint8Array");
    Napi::Array items = data.As<Napi::Array>();
    if (items.Length() != count) {
      throw Napi::RangeError::New(env, "string tensor data has " + std::to_string(items.Length()) +
                                           " items, shape needs " + std::to_string(count));
    }
    for (uint32_t i = 0; i < count; i++) {
      Napi::Value item = items[i];
      if (!item.IsTypedArray() || item.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
        throw Napi::TypeError::New(env, "string tensor item " + std::to_string(i) + " must be a Uint8Array");
      }
    }
    tensor = NewStringTensor(tf, dims, count, [&](size_t i) {
      Napi::Uint8Array item = items.Get(static_cast<uint32_t>(i)).As<Napi::Uint8Array>();
      bytes_copied_in += static_cast<int64_t>(item.ByteLength());
      return std::make_pair(reinterpret_cast<const char*>(item.Data()), item.ByteLength());
    });
  } else {
    if (!data.IsTypedArray() && !data.IsDataView()) {
      throw Napi::TypeError::New(env, "tensor data must be a TypedArray");
    }
    Napi::ArrayBuffer buffer;
    size_t offset = 0, length = 0;
    if (data.IsTypedArray()) {
      Napi::TypedArray view = data.As<Napi::TypedArray>();
      buffer = view.ArrayBuffer();
      offset = view.ByteOffset();
      length = view.ByteLength();
    } else {
      Napi::DataView view = data.As<Napi::DataView>();
      buffer = view.ArrayBuffer();
      offset = view.ByteOffset();
      length = view.ByteLength();
    }
    if (count > std::numeric_limits<size_t>::max() / static_cast<size_t>(size)) {
      throw Napi::RangeError::New(env, "shape and dtype need more bytes than memory can address");
    }
    size_t bytes = count * static_cast<size_t>(size);
    if (length != bytes) {
      throw Napi::RangeError::New(
          env, "tensor data has " + std::to_string(length) + " bytes, shape and dtype need " + std::to_string(bytes));
    }
    tensor = NewNumericTensor(tf, dtype, dims, static_cast<uint8_t*>(buffer.Data()) + offset, bytes);
    bytes_copied_in += static_cast<int64_t>(bytes);
  }
  if (tensor == nullptr) throw Napi::Error::New(env, "TF_NewTensor failed");
  live_handles++;
  return AdoptTensor(tensor);
}

TF_Tensor* Unshared(TF_Tensor* tensor) {
  const TfApi& tf = *TensorFlowApi();
  int dtype = tf.TF_TensorType(tensor);
  // Strings are copied into JS Buffers anyway; empty tensors have nothing to share.
  if (dtype == kDTypeString || DTypeSize(dtype) < 0 || tf.TF_TensorByteSize(tensor) == 0) return tensor;
  // Over the external-buffer limit TensorToJS copies into JS memory anyway: one copy, not two.
  if (tf.TF_TensorByteSize(tensor) > kMaxExternalBytes) return tensor;
  if (tf.TF_TensorMaybeMove(tensor) != nullptr) return tensor;  // sole owner: hand it out as is
  std::vector<int64_t> dims(tf.TF_NumDims(tensor));
  for (size_t i = 0; i < dims.size(); i++) dims[i] = tf.TF_Dim(tensor, static_cast<int>(i));
  size_t bytes = tf.TF_TensorByteSize(tensor);
  TF_Tensor* copy = NewNumericTensor(tf, dtype, dims, tf.TF_TensorData(tensor), bytes);
  if (copy == nullptr) throw std::bad_alloc();  // `tensor` is still the caller's to delete
  tf.TF_DeleteTensor(tensor);
  bytes_copied_out += static_cast<int64_t>(bytes);
  return copy;
}

Napi::Object TensorToJS(Napi::Env env, TF_Tensor* tensor) {
  const TfApi& tf = *TensorFlowApi();
  Napi::Object out = Napi::Object::New(env);
  int dtype = tf.TF_TensorType(tensor);
  int rank = tf.TF_NumDims(tensor);
  Napi::Array shape = Napi::Array::New(env, rank);
  for (int i = 0; i < rank; i++) shape.Set(i, Napi::Number::New(env, static_cast<double>(tf.TF_Dim(tensor, i))));
  out.Set("dtype", Napi::Number::New(env, dtype));
  out.Set("shape", shape);
  if (dtype == kDTypeString) {
    int64_t count = tf.TF_TensorElementCount(tensor);
    auto* cells = static_cast<const TF_TString*>(tf.TF_TensorData(tensor));
    Napi::Array strings = Napi::Array::New(env, count);
    for (int64_t i = 0; i < count; i++) {
      bytes_copied_out += static_cast<int64_t>(tf.TF_StringGetSize(&cells[i]));
      strings.Set(static_cast<uint32_t>(i),
                  Napi::Buffer<char>::Copy(env, tf.TF_StringGetDataPointer(&cells[i]), tf.TF_StringGetSize(&cells[i])));
    }
    tf.TF_DeleteTensor(tensor);
    out.Set("strings", strings);
    return out;
  }
  size_t bytes = tf.TF_TensorByteSize(tensor);
  void* data = tf.TF_TensorData(tensor);
  if (bytes == 0 || data == nullptr || DTypeSize(dtype) < 0) {
    tf.TF_DeleteTensor(tensor);
    out.Set("buffer", Napi::ArrayBuffer::New(env, 0));
    return out;
  }
  if (bytes > kMaxExternalBytes) {
    Napi::ArrayBuffer copy;
    try {
      copy = Napi::ArrayBuffer::New(env, bytes);
    } catch (...) {
      tf.TF_DeleteTensor(tensor);
      throw;
    }
    std::memcpy(copy.Data(), data, bytes);
    bytes_copied_out += static_cast<int64_t>(bytes);
    tf.TF_DeleteTensor(tensor);
    out.Set("buffer", copy);
    return out;
  }
  Napi::ArrayBuffer buffer;
  try {
    buffer = Napi::ArrayBuffer::New(
        env, data, bytes,
        [](Napi::Env, void*, TF_Tensor* t) {
          TensorFlowApi()->TF_DeleteTensor(t);
          live_handles--;
        },
        tensor);
  } catch (...) {
    tf.TF_DeleteTensor(tensor);  // node-addon-api drops its finalizer without calling it
    throw;
  }
  live_handles++;
  out.Set("buffer", buffer);
  return out;
}

// ---- TensorHandle ----

void TensorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function cls =
      DefineClass(env, "TensorHandle",
                  {InstanceMethod("read", &TensorHandle::Read), InstanceMethod("dispose", &TensorHandle::Dispose),
                   InstanceAccessor("disposed", &TensorHandle::IsDisposed, nullptr)});
  Data(env).tensor_class = Napi::Persistent(cls);
  exports.Set("TensorHandle", cls);
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {
  Napi::Env env = info.Env();
  try {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "dtype must be a number");
    std::vector<int64_t> dims = ShapeFromJS(env, info[1], "shape");
    tensor_ = TensorFromJS(env, info[0].As<Napi::Number>().Int32Value(), dims, info[2]);
  }
  TFDATA_CATCH_STD(env)
}

TensorHandle::~TensorHandle() = default;

const TensorPtr& TensorHandle::tensor(Napi::Env env) const {
  if (!tensor_) throw Napi::Error::New(env, "tensor handle used after dispose()");
  return tensor_;
}

TensorHandle* TensorHandle::FromJS(Napi::Env env, Napi::Value value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(Data(env).tensor_class.Value())) {
    throw Napi::TypeError::New(env, std::string(what) + " must be a TensorHandle");
  }
  return Napi::ObjectWrap<TensorHandle>::Unwrap(value.As<Napi::Object>());
}

// A copy of the contents, for inspection and round-trip checks.
Napi::Value TensorHandle::Read(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const TfApi& tf = RequireApi(env);
  TF_Tensor* t = tensor(env).get();
  int dtype = tf.TF_TensorType(t);
  std::vector<int64_t> dims(tf.TF_NumDims(t));
  for (size_t i = 0; i < dims.size(); i++) dims[i] = tf.TF_Dim(t, static_cast<int>(i));
  TF_Tensor* copy;
  if (dtype == kDTypeString) {
    auto* src = static_cast<const TF_TString*>(tf.TF_TensorData(t));
    copy = NewStringTensor(tf, dims, static_cast<size_t>(tf.TF_TensorElementCount(t)), [&](size_t i) {
      return std::make_pair(tf.TF_StringGetDataPointer(&src[i]), tf.TF_StringGetSize(&src[i]));
    });
  } else {
    copy = NewNumericTensor(tf, dtype, dims, tf.TF_TensorData(t), tf.TF_TensorByteSize(t));
  }
  if (copy == nullptr) throw Napi::Error::New(env, "TF_NewTensor failed");
  return TensorToJS(env, copy);
}

Napi::Value TensorHandle::Dispose(const Napi::CallbackInfo& info) {
  tensor_.reset();
  return info.Env().Undefined();
}

Napi::Value TensorHandle::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !tensor_);
}

}  // namespace tfdata
