// TF_Status ownership and its conversion into the JavaScript TFError.
#pragma once
#include <napi.h>

#include <string>

#include "tf_library.h"

namespace tfdata {

// RAII owner of a TF_Status.
class Status {
 public:
  Status();
  ~Status();
  Status(const Status&) = delete;
  Status& operator=(const Status&) = delete;
  TF_Status* get() const { return status_; }
  bool ok() const;
  int code() const;
  std::string message() const;

 private:
  TF_Status* status_;
};

// A JS TFError (or a plain Error carrying code/tfCode when the TS layer has not registered one).
Napi::Error MakeTFError(Napi::Env env, int code, const std::string& message);

// Throws MakeTFError when `status` is not OK, prefixing `context` to the message.
void ThrowIfError(Napi::Env env, const Status& status, const std::string& context = "");

// The loaded API, or a thrown Error saying libtensorflow is not loaded yet.
const TfApi& RequireApi(Napi::Env env);

// Runs `fill` on a fresh TF_Buffer and returns a copy of its bytes as a Buffer (or throws TFError).
template <typename Fill>
Napi::Value BufferToJS(Napi::Env env, const TfApi& tf, Fill fill) {
  Status status;
  TF_Buffer* buffer = tf.TF_NewBuffer();
  fill(buffer, status.get());
  Napi::Value out = env.Undefined();
  if (status.ok()) out = Napi::Buffer<char>::Copy(env, static_cast<const char*>(buffer->data), buffer->length);
  tf.TF_DeleteBuffer(buffer);
  ThrowIfError(env, status);
  return out;
}

}  // namespace tfdata

// Turns a C++ exception other than Napi::Error into a JS Error instead of a process abort.
#define TFDATA_CATCH_STD(env)                          \
  catch (const Napi::Error&) {                         \
    throw;                                             \
  }                                                    \
  catch (const std::bad_alloc&) {                      \
    throw Napi::RangeError::New(env, "out of memory"); \
  }                                                    \
  catch (const std::exception& e) {                    \
    throw Napi::Error::New(env, e.what());             \
  }
