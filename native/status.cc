#include "status.h"

#include <string>

#include "addon_data.h"
#include "generated/tables.h"

namespace tfdata {

// Names from lib/shared/tables.ts (TF_CODES), the same the TS TFError uses.
static const char* CodeName(int code) {
  return code >= 0 && code < kCodeCount ? kCodeNames[code] : kCodeNames[kCodeUnknown];
}

Status::Status() : status_(TensorFlowApi()->TF_NewStatus()) {}
Status::~Status() { TensorFlowApi()->TF_DeleteStatus(status_); }
bool Status::ok() const { return TensorFlowApi()->TF_GetCode(status_) == kCodeOk; }
int Status::code() const { return TensorFlowApi()->TF_GetCode(status_); }
std::string Status::message() const { return TensorFlowApi()->TF_Message(status_); }

Napi::Error MakeTFError(Napi::Env env, int code, const std::string& message) {
  AddonData& data = Data(env);
  if (!data.tf_error_class.IsEmpty()) {
    Napi::Object error = data.tf_error_class.New({Napi::String::New(env, message), Napi::Number::New(env, code)});
    return Napi::Error(env, error);
  }
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", CodeName(code));
  error.Set("tfCode", Napi::Number::New(env, code));
  return error;
}

void ThrowIfError(Napi::Env env, const Status& status, const std::string& context) {
  if (status.ok()) return;
  throw MakeTFError(env, status.code(), context.empty() ? status.message() : context + ": " + status.message());
}

const TfApi& RequireApi(Napi::Env env) {
  const TfApi* api = TensorFlowApi();
  if (api == nullptr) {
    throw Napi::Error::New(env, "libtensorflow is not loaded: call loadLibrary(path) first");
  }
  return *api;
}

}  // namespace tfdata
