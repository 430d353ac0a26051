// The op registry of the loaded TensorFlow: every OpDef, and which devices have kernels for an op.
#pragma once
#include <napi.h>

namespace tfdata {

void InitRegistry(Napi::Env env, Napi::Object exports);

}  // namespace tfdata
