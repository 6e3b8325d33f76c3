// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/file_watch.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace xvrrp::daemon {

FileWatch::FileWatch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!fd_) throw std::system_error(errno, std::generic_category(), "inotify_init1");
}

int FileWatch::watch_dir(const std::string& dir, std::string& error) {
  const int wd = inotify_add_watch(fd_.get(), dir.c_str(), IN_CLOSE_WRITE | IN_DELETE | IN_MOVE);
  if (wd < 0) error = dir + ": " + std::strerror(errno);
  return wd;
}

void FileWatch::on_readable(const Handler& handler) {
  alignas(inotify_event) std::array<char, 16 * (sizeof(inotify_event) + NAME_MAX + 1)> buf{};
  for (;;) {
    const ssize_t len = ::read(fd_.get(), buf.data(), buf.size());
    if (len < 0 && errno == EINTR) continue;
    if (len <= 0) return;  // EAGAIN: drained
    for (ssize_t off = 0; off + static_cast<ssize_t>(sizeof(inotify_event)) <= len;) {
      inotify_event ev{};
      std::memcpy(&ev, buf.data() + off, sizeof ev);
      const char* name = buf.data() + off + sizeof(inotify_event);
      off += static_cast<ssize_t>(sizeof(inotify_event) + ev.len);
      if (off > len) return;
      if ((ev.mask & IN_ISDIR) != 0 || ev.len == 0) continue;
      const bool gone = (ev.mask & (IN_DELETE | IN_MOVED_FROM)) != 0;
      if (!gone && (ev.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) == 0) continue;
      handler(ev.wd, std::string(name, ::strnlen(name, ev.len)), gone);
    }
  }
}

void split_track_path(const std::string& path, std::string& dir, std::string& name) {
  const auto slash = path.rfind('/');
  dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  name = slash == std::string::npos ? path : path.substr(slash + 1);
  char resolved[PATH_MAX];
  if (::realpath(dir.c_str(), resolved) != nullptr) dir = resolved;
}

std::string read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return {};
  std::array<char, 127> buf{};
  const ssize_t len = ::read(fd.get(), buf.data(), buf.size());
  return len > 0 ? std::string(buf.data(), static_cast<std::size_t>(len)) : std::string();
}

bool init_track_file(const config::TrackFile& f, std::string& error) {
  struct stat st {};
  if (::stat(f.path.c_str(), &st) == 0) {
    if (!f.init_overwrite) return true;
    if (!S_ISREG(st.st_mode)) {
      error = "cannot initialise " + f.path + ": not a regular file";
      return false;
    }
  }
  UniqueFd fd(::open(f.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!fd) {
    error = "cannot initialise " + f.path + ": " + std::strerror(errno);
    return false;
  }
  const std::string text = std::to_string(f.init_value) + "\n";
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    error = "cannot write " + f.path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace xvrrp::daemon
