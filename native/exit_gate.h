// Process exit without a crash. process.exit() on the main thread runs no environment cleanup,
// and exit() then runs TensorFlow's static destructors while session threads may still be inside
// TensorFlow (the teardown matrix hit it once in 800 runs). An atexit handler, registered after
// libtensorflow is loaded so that it runs before TensorFlow's own destructors, cancels every
// open session, stops session threads from entering TensorFlow again, and waits a bounded time
// for those inside it to leave. The same list of open sessions serves each environment's cleanup
// hook (a worker terminated): it cancels that environment's sessions only.
#pragma once
#include <cstdint>
#include <functional>

namespace tfdata {

// Registers the handler, once. Call after libtensorflow is loaded.
void InstallExitGate();

// Session threads bracket their TensorFlow calls with these. EnterTensorFlow() is false once the
// process is exiting: the thread must then not call TensorFlow again.
bool EnterTensorFlow();
void LeaveTensorFlow();

// The open sessions: how to cancel each one's step in flight, tagged with the environment that
// owns it. The exit handler cancels them all; an environment's cleanup hook cancels its own.
// Returns an id to remove the entry with once the session is gone.
int64_t AddCanceller(const void* owner, std::function<void()> cancel);
void RemoveCanceller(int64_t id);
// Cancels every open session of `owner` (an environment's AddonData); an env cleanup hook.
void CancelSessionsOf(void* owner);

}  // namespace tfdata
