// Hands work finished on our own threads back to the JavaScript thread of one environment
// (main thread or worker_thread). When that environment is going away (worker terminated,
// process exiting), finished work is dropped without touching JS: nothing can throw into an
// environment that can no longer run JavaScript.
#pragma once
#include <napi.h>

#include <memory>
#include <mutex>

namespace tfdata {

// Work finished off the JS thread, waiting to settle its Promise.
class Completion {
 public:
  virtual ~Completion() = default;
  // Runs on the JS thread, only while the environment is alive. Must not throw.
  virtual void Settle(Napi::Env env) = 0;
};

// One per environment: a threadsafe function that is referenced (keeps the event loop alive)
// only while completions are expected.
class Mailbox {
 public:
  static std::shared_ptr<Mailbox> Create(Napi::Env env);
  // JS thread: one more completion will be posted; the event loop stays alive until it settles.
  void Expect(Napi::Env env);
  // Any thread; takes ownership. Deleted unsettled if the environment is gone.
  void Post(Completion* completion);

 private:
  static void CallJs(napi_env env, napi_value, void* context, void* data);
  static void Finalize(napi_env env, void* data, void* hint);

  std::mutex mu_;
  napi_threadsafe_function tsfn_ = nullptr;  // null once the environment has torn it down
  int expected_ = 0;                         // JS thread only
};

}  // namespace tfdata
