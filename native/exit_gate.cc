#include "exit_gate.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace tfdata {

namespace {

// How long exit waits for steps to notice their cancellation (a step that ignores it is left).
constexpr auto kExitWait = std::chrono::seconds(2);

struct Gate {
  std::mutex mu;
  std::condition_variable left;
  int inside = 0;
  bool exiting = false;
  int64_t next_id = 0;
  struct Canceller {
    const void* owner;
    std::function<void()> cancel;
  };
  std::map<int64_t, Canceller> cancellers;
};

// Never destroyed: the handler and parked threads use it during exit.
Gate& TheGate() {
  static Gate* gate = new Gate();
  return *gate;
}

// Runs the cancellers of `owner` (all when null), outside the lock: cancelling takes a session's
// own lock and calls TensorFlow.
void CancelAll(const void* owner, bool exiting) {
  Gate& gate = TheGate();
  std::vector<std::function<void()>> cancels;
  {
    std::lock_guard<std::mutex> lock(gate.mu);
    if (exiting) gate.exiting = true;
    for (auto& entry : gate.cancellers) {
      if (owner == nullptr || entry.second.owner == owner) cancels.push_back(entry.second.cancel);
    }
  }
  for (auto& cancel : cancels) cancel();
}

void AtExit() {
  CancelAll(nullptr, true);
  Gate& gate = TheGate();
  std::unique_lock<std::mutex> lock(gate.mu);
  gate.left.wait_for(lock, kExitWait, [&] { return gate.inside == 0; });
}

}  // namespace

void InstallExitGate() {
  static std::once_flag once;  // the first environment to load libtensorflow may be any thread
  std::call_once(once, [] { std::atexit(AtExit); });
}

bool EnterTensorFlow() {
  Gate& gate = TheGate();
  std::lock_guard<std::mutex> lock(gate.mu);
  if (gate.exiting) return false;
  gate.inside++;
  return true;
}

void LeaveTensorFlow() {
  Gate& gate = TheGate();
  std::lock_guard<std::mutex> lock(gate.mu);
  if (--gate.inside == 0) gate.left.notify_all();
}

int64_t AddCanceller(const void* owner, std::function<void()> cancel) {
  Gate& gate = TheGate();
  std::lock_guard<std::mutex> lock(gate.mu);
  int64_t id = ++gate.next_id;
  gate.cancellers.emplace(id, Gate::Canceller{owner, std::move(cancel)});
  return id;
}

void CancelSessionsOf(void* owner) { CancelAll(owner, false); }

void RemoveCanceller(int64_t id) {
  Gate& gate = TheGate();
  std::lock_guard<std::mutex> lock(gate.mu);
  gate.cancellers.erase(id);
}

}  // namespace tfdata
