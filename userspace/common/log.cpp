// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/log.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace xvrrp::log {
namespace {
Level g_level = Level::Info;
const char* g_tag = "xvrrpd";
bool g_timestamps = true;
bool g_journal = false;
constexpr int kBurstBytes = 1 << 20;
LineHook g_hook = nullptr;
// set_nonblocking_output(): how a line reaches fd 2 without ever blocking.
enum class Output { Blocking, Socket, OwnFd };
Output g_output = Output::Blocking;
int g_own_fd = -1;  // a non-blocking description of the pipe on fd 2
unsigned long long g_dropped = 0;
unsigned long long g_unreported = 0;  // dropped since the last line that got through

// sd-daemon(3) priorities (syslog's LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG).
int journal_priority(Level lvl) {
  switch (lvl) {
    case Level::Error:
      return 3;
    case Level::Warning:
      return 4;
    case Level::Info:
      return 6;
    case Level::Debug:
      return 7;
  }
  return 6;
}
}  // namespace

void set_level(Level lvl) { g_level = lvl; }
Level level() { return g_level; }
void set_tag(const char* tag) { g_tag = tag; }
void set_timestamps(bool on) { g_timestamps = on; }
void set_journal(bool on) { g_journal = on; }
void set_line_hook(LineHook hook) { g_hook = hook; }

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev &&
         static_cast<unsigned long long>(st.st_ino) == ino;
}

bool use_journal_if_connected() {
  g_journal = stderr_is_journal();
  return g_journal;
}

bool set_nonblocking_output() {
  struct stat st {};
  if (fstat(STDERR_FILENO, &st) != 0) return false;
  if (S_ISSOCK(st.st_mode)) {
    // Best effort, capped by net.core.wmem_max: a burst of transitions waits in the
    // buffer instead of being dropped while journald catches up.
    const int bytes = kBurstBytes;
    (void)setsockopt(STDERR_FILENO, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
    g_output = Output::Socket;
    return true;
  }
  if (S_ISFIFO(st.st_mode)) {
    // O_NONBLOCK on fd 2 itself would be shared with every script that inherits it.
    const int fd = ::open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    // Best effort, capped by fs.pipe-max-size (1 MiB by default): a 64 KiB pipe holds
    // fewer lines than 255 instances changing state at start-up write.
    (void)fcntl(fd, F_SETPIPE_SZ, kBurstBytes);
    g_own_fd = fd;
    g_output = Output::OwnFd;
    return true;
  }
  return false;
}

unsigned long long dropped_lines() { return g_dropped; }

namespace {
// One write(2) or send(2) per line so lines from several processes never interleave.
bool put(const char* line, size_t len) {
  ssize_t rc = -1;
  switch (g_output) {
    case Output::Blocking:
      rc = ::write(STDERR_FILENO, line, len);
      break;
    case Output::Socket:
      rc = ::send(STDERR_FILENO, line, len, MSG_DONTWAIT | MSG_NOSIGNAL);
      break;
    case Output::OwnFd:
      rc = ::write(g_own_fd, line, len);
      break;
  }
  return rc >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}
}  // namespace

void emit(Level lvl, const char* message) {
  if (lvl > g_level) return;
  char line[1024];
  int off = 0;
  if (g_journal) {
    off = snprintf(line, sizeof line, "<%d>", journal_priority(lvl));
  } else if (g_timestamps) {
    timeval tv{};
    gettimeofday(&tv, nullptr);
    tm tmv{};
    localtime_r(&tv.tv_sec, &tmv);
    off = static_cast<int>(strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tmv));
    off += snprintf(line + off, sizeof line - off, ".%06ld ", static_cast<long>(tv.tv_usec));
  }
  if (!g_journal) {
    off += snprintf(line + off, sizeof line - off, "%s[%d]: ", g_tag, static_cast<int>(getpid()));
    if (lvl == Level::Error) off += snprintf(line + off, sizeof line - off, "ERROR: ");
    if (lvl == Level::Warning) off += snprintf(line + off, sizeof line - off, "WARNING: ");
  }
  if (off < static_cast<int>(sizeof line)) snprintf(line + off, sizeof line - off, "%s", message);
  size_t len = 0;
  while (len < sizeof line - 2 && line[len] != '\0') ++len;
  line[len++] = '\n';
  if (g_unreported > 0) {
    char note[128];
    const int n =
        snprintf(note, sizeof note, "%s%llu log line(s) dropped: stderr's reader did not keep up\n",
                 g_journal ? "<4>" : "", g_unreported);
    if (n > 0 && put(note, static_cast<size_t>(n))) g_unreported = 0;
  }
  if (!put(line, len)) {
    ++g_dropped;
    ++g_unreported;
  }
}

void vwrite(Level lvl, const char* fmt, va_list ap) {
  // The hook may hold a line for later, so it sees even those above the level.
  if (lvl > g_level && g_hook == nullptr) return;
  char message[1024];
  vsnprintf(message, sizeof message, fmt, ap);
  if (g_hook != nullptr && g_hook(lvl, message)) return;
  emit(lvl, message);
}

void write(Level lvl, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vwrite(lvl, fmt, ap);
  va_end(ap);
}

}  // namespace xvrrp::log
