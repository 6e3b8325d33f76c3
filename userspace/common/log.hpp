// SPDX-License-Identifier: GPL-2.0-or-later
// Logging to stderr, one line per call, in keepalived's wording where one
// exists ("(service-100) Entering MASTER STATE") so existing greps keep working.
// Lines carry a CLOCK_REALTIME timestamp with microseconds unless disabled.
// When stderr is connected to the systemd journal (use_journal_if_connected()),
// lines are "<N>MESSAGE" instead: the sd-daemon(3) priority prefix (error 3,
// warning 4, info 6, debug 7) and neither timestamp nor "tag[pid]: ", which
// journald records itself.
// After set_nonblocking_output() it never blocks at all: a line that a pipe
// or socket on fd 2 has no room for is dropped and counted, and the next line
// that gets through is preceded by how many were lost.
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

/// True when $JOURNAL_STREAM ("DEV:INODE", set by systemd for StandardError=journal)
/// names the file open on fd 2. A stream inherited by a child whose stderr was
/// redirected elsewhere does not match.
bool stderr_is_journal();
/// Switches to the journal format when stderr_is_journal(); returns whether it did.
bool use_journal_if_connected();
/// Forces the journal format on or off (tests).
void set_journal(bool on);

/// Makes every later write non-blocking when fd 2 is a pipe (through a second,
/// O_NONBLOCK description of it, so processes sharing fd 2 are unaffected) or a
/// socket (MSG_DONTWAIT; journald's stream). A file or tty stays as it is.
/// The pipe, or the socket's send buffer, is grown to 1 MiB where the kernel allows,
/// so that a start-up burst of state changes is held rather than dropped.
/// Returns whether writes are now non-blocking. For the daemon's event loop.
bool set_nonblocking_output();
/// Lines dropped since start because fd 2 had no room (non-blocking output only).
unsigned long long dropped_lines();

/// Optional hook that sees every message (without prefix) before it is written, in the
/// writing thread. It returns true when it took the line over (held, rewritten or dropped);
/// it may call emit() itself. nullptr (the default) writes every line as it comes.
using LineHook = bool (*)(Level level, const char* message);
void set_line_hook(LineHook hook);
/// Writes one already formatted message at `level`, bypassing the hook.
void emit(Level level, const char* message);

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
