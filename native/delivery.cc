#include "delivery.h"

#include <memory>

namespace tfdata {

std::shared_ptr<Mailbox> Mailbox::Create(Napi::Env env) {
  auto mailbox = std::make_shared<Mailbox>();
  // The threadsafe function owns a reference of its own, released in Finalize, so the mailbox
  // outlives every call Node makes into it.
  auto* context = new std::shared_ptr<Mailbox>(mailbox);
  napi_value name;
  napi_create_string_utf8(env, "tfdata:deliver", NAPI_AUTO_LENGTH, &name);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, context, Finalize, context,
                                                       CallJs, &mailbox->tsfn_);
  if (status != napi_ok) {
    delete context;
    throw Napi::Error::New(env, "could not create the result channel");
  }
  napi_unref_threadsafe_function(env, mailbox->tsfn_);
  return mailbox;
}

void Mailbox::Expect(Napi::Env env) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tsfn_ != nullptr && expected_++ == 0) napi_ref_threadsafe_function(env, tsfn_);
}

void Mailbox::Post(Completion* completion) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Finalize takes the same lock, so tsfn_ cannot be freed while this call uses it.
    if (tsfn_ != nullptr && napi_call_threadsafe_function(tsfn_, completion, napi_tsfn_nonblocking) == napi_ok) return;
  }
  delete completion;
}

void Mailbox::CallJs(napi_env env, napi_value, void* context, void* data) {
  auto* completion = static_cast<Completion*>(data);
  if (env == nullptr) {  // the environment is being torn down: drop, never touch JS
    delete completion;
    return;
  }
  Mailbox& self = **static_cast<std::shared_ptr<Mailbox>*>(context);
  try {
    Napi::HandleScope scope(env);
    completion->Settle(Napi::Env(env));
  } catch (...) {
    // Settling can fail only when the environment is stopping; there is no one left to tell.
  }
  delete completion;
  std::lock_guard<std::mutex> lock(self.mu_);
  if (self.tsfn_ != nullptr && --self.expected_ == 0) napi_unref_threadsafe_function(env, self.tsfn_);
}

void Mailbox::Finalize(napi_env, void* data, void*) {
  auto* context = static_cast<std::shared_ptr<Mailbox>*>(data);
  {
    std::lock_guard<std::mutex> lock((*context)->mu_);
    (*context)->tsfn_ = nullptr;
  }
  delete context;
}

}  // namespace tfdata
