// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the control socket tests: a private temporary directory and
// non-blocking unix stream clients driven from the test's own thread.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>

#include "common/unique_fd.hpp"
#include "daemon/event_loop.hpp"

namespace xvrrp::daemon::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "xvrrp-ctl-test.XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// A connected, non-blocking client; invalid on failure.
inline UniqueFd connect_client(const std::string& path) {
  UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return {};
  return fd;
}

inline bool send_all(int fd, const std::string& s) {
  return send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
}

/// What one non-blocking read pass found.
struct ReadResult {
  std::string data;
  bool eof = false;
  int error = 0;  // errno of a failed read other than EAGAIN
};

inline void read_available(int fd, ReadResult& r) {
  char buf[65536];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.data.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) r.eof = true;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) r.error = errno;
    return;
  }
}

/// Runs loop iterations (each waiting at most 10 ms) until `done` or `max_iterations`; returns
/// whether `done` became true. The bound only keeps a broken build from hanging the test.
inline bool pump_until(EventLoop& loop, const std::function<bool()>& done,
                       int max_iterations = 2000) {
  for (int i = 0; i < max_iterations; ++i) {
    if (done()) return true;
    loop.run_once(10);
  }
  return done();
}

}  // namespace xvrrp::daemon::test
