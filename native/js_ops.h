// Ops whose kernels ask JavaScript for data: the sources of Dataset.fromGenerator and the
// function of mapJs. A kernel runs on a TensorFlow thread: it posts a request to the JS thread of
// the environment that owns its source and waits for the answer. It never runs JavaScript
// itself, and the event loop never waits for TensorFlow.
#pragma once
#include <napi.h>

namespace tfdata {

// addon.registerJsOps(), addon.jsSource(handler-less id), addon.jsAnswer(...), addon.setJsHandler(fn).
void InitJsOps(Napi::Env env, Napi::Object exports);

}  // namespace tfdata
