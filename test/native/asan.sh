#!/usr/bin/env bash
# Runs test/native/asan-suite.js against the addon built with AddressSanitizer. Leak reports are
# limited to frames of our addon (TensorFlow and V8 keep process-lifetime allocations).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx cmake-js compile -O build-asan --CDTFDATA_SANITIZE=ON > /dev/null
supp=$(mktemp)
cat > "$supp" <<'SUPP'
leak:libtensorflow_cc
leak:libtensorflow_framework
leak:/node
leak:libstdc++
SUPP
export TFDATA_ADDON=$PWD/build-asan/Release/tfdata.node
export TF_CPP_MIN_LOG_LEVEL=3
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_odr_violation=0:allocator_may_return_null=1
export LSAN_OPTIONS=suppressions=$supp:print_suppressions=0
LD_PRELOAD=$(gcc -print-file-name=libasan.so) node --expose-gc test/native/asan-suite.js
# The teardown matrix (every way an environment ends × every moment) under the same build.
LD_PRELOAD=$(gcc -print-file-name=libasan.so) node test/teardown/matrix.js 1
