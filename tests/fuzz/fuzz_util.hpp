// SPDX-License-Identifier: GPL-2.0-or-later
// Shared by the libFuzzer targets: a private directory for inputs that must be files, and an
// invariant check that makes the fuzzer report a finding.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace xvrrp::fuzz {

/// Aborts (a libFuzzer crash) with `what` when `ok` is false.
inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

/// A directory that lives as long as the fuzzing process and is removed at exit. The name is
/// never destroyed: the exit handler runs after function-local statics are gone.
inline const std::string& scratch_dir() {
  static const std::string* const dir = [] {
    // tmpfs when there is one: creating files on an overlay /tmp costs more than a whole input.
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string tmpl = (base / "xvrrp-fuzz.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    auto* d = new std::string(tmpl);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return d;
  }();
  return *dir;
}

inline void write_file(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

}  // namespace xvrrp::fuzz
