{
  "targets": [
    {
      "target_name": "tfdata",
      "sources": [
        "native/addon.cc",
        "native/addon_data.cc",
        "native/delivery.cc",
        "native/exit_gate.cc",
        "native/graph.cc",
        "native/js_ops.cc",
        "native/registry.cc",
        "native/session.cc",
        "native/status.cc",
        "native/tensor.cc",
        "native/tf_library.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden"],
      "libraries": ["-ldl"]
    }
  ]
}
