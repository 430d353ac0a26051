#include "addon_data.h"

#include <memory>

namespace tfdata {

std::shared_ptr<Mailbox> AddonData::Deliveries(Napi::Env env) {
  if (!mailbox_) mailbox_ = Mailbox::Create(env);
  return mailbox_;
}

}  // namespace tfdata
