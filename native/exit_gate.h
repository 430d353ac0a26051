// Process exit without a crash. process.exit() on the main thread runs no environment cleanup,
// and exit() then runs TensorFlow's static destructors while session threads may still be inside
// TensorFlow (the teardown matrix hit it once in 800 runs). An atexit handler, registered after
// libtensorflow is loaded so that it runs before TensorFlow's own destructors, cancels every
// open session, stops session threads from entering TensorFlow again, and waits a bounded time
// for those inside it to leave.
#pragma once
#include <functional>

namespace tfdata {

// Registers the handler, once. Call after libtensorflow is loaded.
void InstallExitGate();

// Session threads bracket their TensorFlow calls with these. EnterTensorFlow() is false once the
// process is exiting: the thread must then not call TensorFlow again.
bool EnterTensorFlow();
void LeaveTensorFlow();

// What the handler runs to cancel a session's step in flight; returns an id to remove it with.
long AddExitCanceller(std::function<void()> cancel);
void RemoveExitCanceller(long id);

}  // namespace tfdata
