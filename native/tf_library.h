// Finds the TF_* entry points of a libtensorflow chosen at run time (dlopen, RTLD_LOCAL).
#pragma once
#include <string>

#include "tf_api.h"

namespace tfdata {

// Loads the library at `path` once per process. Returns an empty string on success, otherwise
// the reason. Loading the same path again succeeds; a different path fails.
std::string LoadTensorFlow(const std::string& path, bool quiet = false, const std::string& log_level = "");

// The resolved API, or nullptr before a successful LoadTensorFlow.
const TfApi* TensorFlowApi();

// The path the library was loaded from ("" when none).
std::string LoadedTensorFlowPath();

}  // namespace tfdata
