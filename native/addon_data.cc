#include "addon_data.h"

#include <algorithm>

#include "session.h"

namespace tfdata {

std::shared_ptr<Mailbox> AddonData::Deliveries(Napi::Env env) {
  if (!mailbox_) mailbox_ = Mailbox::Create(env);
  return mailbox_;
}

void AddonData::TrackSession(const std::shared_ptr<SessionCore>& session) {
  // Pruned as it grows, so thousands of short-lived sessions keep the list short.
  if (sessions_.size() >= 64 && sessions_.size() % 64 == 0) {
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(), [](const auto& w) { return w.expired(); }),
                    sessions_.end());
  }
  sessions_.push_back(session);
}

void AddonData::CloseAllSessions(void* data) {
  auto* self = static_cast<AddonData*>(data);
  for (auto& weak : self->sessions_) {
    if (auto session = weak.lock()) session->Close();
  }
  self->sessions_.clear();
}

}  // namespace tfdata
