// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/library_log.hpp"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace xvrrp::daemon {
namespace {

constexpr std::size_t kMaxHeld = 32;
std::vector<std::pair<log::Level, std::string>> g_held;

bool from_library(const char* message) {
  return std::strncmp(message, "libbpf: ", 8) == 0 || std::strncmp(message, "libxdp: ", 8) == 0;
}

void release_held() {
  for (const auto& [level, text] : g_held) log::emit(level, text.c_str());
  g_held.clear();
}

// The most telling held line: libxdp's verdict on the dispatcher if present, else the first
// libbpf warning.
std::string fallback_reason() {
  for (const auto& [level, text] : g_held)
    if (text.find("dispatcher") != std::string::npos && text.rfind("libxdp: ", 0) == 0)
      return text.substr(8);
  for (const auto& [level, text] : g_held)
    if (level == log::Level::Warning) return text.substr(8);
  return "no reason given";
}

}  // namespace

bool bpf_library_line_hook(log::Level level, const char* message) {
  if (!from_library(message)) {
    release_held();
    return false;
  }
  if (std::strstr(message, "Falling back to loading single prog without dispatcher") != nullptr) {
    // emit(), not write(): through the hook this line would release the held ones.
    const std::string line =
        "XDP attach mode: single program (legacy attach), because libxdp's multi-program "
        "dispatcher is unavailable here: " +
        fallback_reason();
    log::emit(log::Level::Info, line.c_str());
    for (const auto& [held_level, text] : g_held) log::emit(log::Level::Debug, text.c_str());
    g_held.clear();
    log::emit(log::Level::Debug, message);
    return true;
  }
  if (level == log::Level::Debug) return false;
  g_held.emplace_back(level, message);
  if (g_held.size() > kMaxHeld) release_held();
  return true;
}

void coalesce_bpf_library_logs() { log::set_line_hook(bpf_library_line_hook); }

}  // namespace xvrrp::daemon
