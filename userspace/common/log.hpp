// SPDX-License-Identifier: GPL-2.0-or-later
// Logging to stderr, one line per call, in keepalived's wording where one
// exists ("(service-100) Entering MASTER STATE") so existing greps keep working.
// Lines carry a CLOCK_REALTIME timestamp with microseconds unless disabled.
// Never blocks on anything but stderr itself.
#pragma once

#include <cstdarg>

namespace xvrrp::log {

enum class Level { Error = 0, Warning = 1, Info = 2, Debug = 3 };

/// Lines above this level are dropped. Default Info.
void set_level(Level level);
Level level();
/// Prefix for every line, e.g. "Keepalived_vrrp" style program tag. Default "xvrrpd".
void set_tag(const char* tag);
/// Whether to print a wall-clock timestamp (default true; off under systemd,
/// where journald stamps lines itself).
void set_timestamps(bool on);

void write(Level level, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void vwrite(Level level, const char* fmt, va_list ap);

}  // namespace xvrrp::log

#define XLOG_ERROR(...) ::xvrrp::log::write(::xvrrp::log::Level::Error, __VA_ARGS__)
#define XLOG_WARN(...) ::xvrrp::log::write(::xvrrp::log::Level::Warning, __VA_ARGS__)
#define XLOG_INFO(...) ::xvrrp::log::write(::xvrrp::log::Level::Info, __VA_ARGS__)
#define XLOG_DEBUG(...)                                             \
  do {                                                              \
    if (::xvrrp::log::level() >= ::xvrrp::log::Level::Debug)        \
      ::xvrrp::log::write(::xvrrp::log::Level::Debug, __VA_ARGS__); \
  } while (0)
