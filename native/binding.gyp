{
  "targets": [
    {
      "target_name": "sockshell",
      "sources": ["sockshell.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
