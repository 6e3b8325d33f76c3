// SPDX-License-Identifier: GPL-2.0-or-later
#include "control.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "common/unique_fd.hpp"

namespace xvrrp::ctl {

namespace fs = std::filesystem;

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::vector<std::string> control_socket_ids(const Paths& paths) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.run_dir, ec)) {
    const auto& p = entry.path();
    if (p.extension() == ".ctl" && entry.is_socket(ec)) ids.push_back(p.stem().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> pinned_ids(const Paths& paths) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(paths.pin_root, ec)) {
    if (entry.is_directory(ec)) ids.push_back(entry.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

std::optional<sockaddr_un> socket_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return std::nullopt;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

std::string ns_link(const std::string& proc_dir) {
  std::error_code ec;
  auto target = fs::read_symlink(proc_dir + "/ns/net", ec);
  return ec ? std::string() : target.string();
}

}  // namespace

std::optional<pid_t> control_socket_pid(const Paths& paths, const std::string& router_id) {
  auto addr = socket_address(paths.run_dir + "/" + router_id + ".ctl");
  if (!addr) return std::nullopt;
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return std::nullopt;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0)
    return std::nullopt;
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.pid <= 0)
    return std::nullopt;
  // The daemon sees a client that closes without a request, which it drops at once.
  return cred.pid;
}

std::optional<bool> same_network_namespace(pid_t pid) {
  const std::string mine = ns_link("/proc/self");
  const std::string theirs = ns_link("/proc/" + std::to_string(pid));
  if (mine.empty() || theirs.empty()) return std::nullopt;
  return mine == theirs;
}

std::string locate_pin_root(const Paths& paths, const std::string& router_id) {
  std::error_code ec;
  if (fs::is_directory(paths.pin_root + "/" + router_id, ec)) return paths.pin_root;
  auto pid = control_socket_pid(paths, router_id);
  if (!pid) return paths.pin_root;
  std::string via = "/proc/" + std::to_string(*pid) + "/root" + paths.pin_root;
  if (fs::is_directory(via + "/" + router_id, ec)) return via;
  return paths.pin_root;
}

std::string resolve_router_id(const Paths& paths, const std::optional<std::string>& requested) {
  if (requested) {
    if (requested->empty() || requested->find('/') != std::string::npos || *requested == "." ||
        *requested == "..")
      throw CtlError("invalid router id \"" + *requested + "\"");
    return *requested;
  }
  std::vector<std::string> here;
  for (auto& id : control_socket_ids(paths)) {
    auto pid = control_socket_pid(paths, id);
    if (!pid) continue;
    if (same_network_namespace(*pid).value_or(false)) here.push_back(id);
  }
  if (here.size() == 1) return here.front();
  if (here.size() > 1) {
    throw CtlError("several router ids found (" + join(here, ", ") +
                   "): choose one with -r ROUTER_ID");
  }
  // None here: as before, the only id there is (a daemon run in a namespace, asked from the
  // host), else a choice.
  std::set<std::string> all;
  for (auto& id : control_socket_ids(paths)) all.insert(id);
  for (auto& id : pinned_ids(paths)) all.insert(id);
  if (all.empty()) {
    throw CtlError("xvrrpd is not running: no control socket in " + paths.run_dir +
                   " and no pinned maps under " + paths.pin_root);
  }
  if (all.size() > 1) {
    throw CtlError("several router ids found (" +
                   join(std::vector<std::string>(all.begin(), all.end()), ", ") +
                   "): choose one with -r ROUTER_ID");
  }
  return *all.begin();
}

std::string request_status(const Paths& paths, const std::string& router_id, int timeout_ms) {
  return request(paths, router_id, "status", timeout_ms);
}

std::string request(const Paths& paths, const std::string& router_id, const std::string& command,
                    int timeout_ms) {
  const std::string path = paths.run_dir + "/" + router_id + ".ctl";
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    std::string msg = "xvrrpd is not running for router id " + router_id + " (no " + path + ")";
    auto running = control_socket_ids(paths);
    if (!running.empty()) msg += "; running router ids: " + join(running, ", ");
    throw CtlError(msg);
  }
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw CtlError("socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw CtlError(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int err = errno;
    if (err == ECONNREFUSED)
      throw CtlError("connection refused on " + path + ": stale socket (xvrrpd for router id " +
                     router_id + " is not running)");
    if (err == EACCES || err == EPERM)
      throw CtlError("permission denied on " + path + " (run xvrrpctl as root)");
    throw CtlError("cannot connect to " + path + ": " + std::strerror(err));
  }
  const std::string line = command + "\n";
  size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CtlError("cannot send the request to " + path + ": " + std::strerror(errno));
    }
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd.get(), SHUT_WR);

  std::string reply;
  char buf[8192];
  for (;;) {
    pollfd pfd{fd.get(), POLLIN, 0};
    int rc = ::poll(&pfd, 1, timeout_ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw CtlError(std::string("poll: ") + std::strerror(errno));
    if (rc == 0)
      throw CtlError("no complete reply from xvrrpd on " + path + " within " +
                     std::to_string(timeout_ms) + " ms");
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw CtlError("reading from " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    reply.append(buf, static_cast<size_t>(n));
    if (reply.size() > (16u << 20)) throw CtlError("reply from " + path + " exceeds 16 MiB");
  }
  if (reply.empty()) throw CtlError("xvrrpd closed " + path + " without a reply");
  return reply;
}

}  // namespace xvrrp::ctl
