{
  "targets": [
    {
      "target_name": "shmscope",
      "sources": [
        "src/addon.cc",
        "src/os_error.cc",
        "src/sysv_segment.cc",
        "src/sysv_sem.cc",
        "src/posix_segment.cc",
        "src/channel.cc",
        "src/channel_reader.cc",
        "src/channel_presence.cc",
        "src/channel_segment.cc",
        "src/channel_binding.cc",
        "src/channel_delivery.cc",
        "src/channel_js.cc",
        "src/process_exit.cc",
        "src/bounded_read.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++20", "-Wall", "-Wextra"],
      "libraries": ["-lrt", "-lpthread"]
    }
  ]
}
