// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/process_watch.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xvrrp::daemon {

namespace {

// One netlink message carrying one connector message with a 4-byte payload.
constexpr std::size_t kListenSize = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op));

std::string read_text(const std::string& path, std::size_t max) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out(max, '\0');
  const ssize_t n = ::read(fd, out.data(), max);
  ::close(fd);
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace

ProcessWatch::ProcessWatch(std::string& why) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR));
  if (!fd) {
    why = std::string("socket(NETLINK_CONNECTOR): ") + std::strerror(errno);
    return;
  }
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    why = std::string("bind to the proc connector: ") + std::strerror(errno);
    return;
  }
  alignas(nlmsghdr) char req[kListenSize] = {};
  nlmsghdr nl{};
  nl.nlmsg_len = kListenSize;
  nl.nlmsg_type = NLMSG_DONE;
  nl.nlmsg_pid = 0;
  cn_msg cn{};
  cn.id.idx = CN_IDX_PROC;
  cn.id.val = CN_VAL_PROC;
  cn.len = sizeof(proc_cn_mcast_op);
  const proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
  std::memcpy(req, &nl, sizeof nl);
  std::memcpy(req + NLMSG_HDRLEN, &cn, sizeof cn);
  std::memcpy(req + NLMSG_HDRLEN + sizeof cn, &op, sizeof op);
  // Outside the initial network namespace the connector does not exist: ECONNREFUSED.
  if (::send(fd.get(), req, kListenSize, 0) != static_cast<ssize_t>(kListenSize)) {
    why = std::string("subscribe to the proc connector: ") + std::strerror(errno) +
          (errno == ECONNREFUSED ? " (not in the initial network namespace)" : "");
    return;
  }
  connector_ = std::move(fd);
}

void ProcessWatch::on_connector_readable(const Events& events) {
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    const ssize_t n = ::recv(connector_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == ENOBUFS) {
        if (events.lost) events.lost();
        continue;
      }
      return;  // EAGAIN: drained
    }
    auto len = static_cast<std::size_t>(n);
    for (auto* nl = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nl, len); nl = NLMSG_NEXT(nl, len)) {
      if (nl->nlmsg_len < NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_event))) continue;
      const auto* cn = static_cast<const cn_msg*>(NLMSG_DATA(nl));
      if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
      proc_event ev;
      std::memcpy(&ev, cn->data, sizeof ev);
      switch (ev.what) {
        case proc_event::PROC_EVENT_FORK:
          if (ev.event_data.fork.child_pid == ev.event_data.fork.child_tgid && events.fork)
            events.fork(ev.event_data.fork.parent_tgid, ev.event_data.fork.child_pid);
          break;
        case proc_event::PROC_EVENT_EXEC:
          if (ev.event_data.exec.process_pid == ev.event_data.exec.process_tgid && events.exec)
            events.exec(ev.event_data.exec.process_pid);
          break;
        case proc_event::PROC_EVENT_COMM:
          if (ev.event_data.comm.process_pid == ev.event_data.comm.process_tgid && events.exec)
            events.exec(ev.event_data.comm.process_pid);
          break;
        case proc_event::PROC_EVENT_EXIT:
          if (ev.event_data.exit.process_pid == ev.event_data.exit.process_tgid && events.exit)
            events.exit(ev.event_data.exit.process_pid);
          break;
        default:
          break;
      }
    }
  }
}

int ProcessWatch::watch_exit(pid_t pid) {
  if (auto it = pidfds_.find(pid); it != pidfds_.end()) return it->second.get();
  UniqueFd fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!fd) return -1;
  const int raw = fd.get();
  pidfds_.emplace(pid, std::move(fd));
  return raw;
}

int ProcessWatch::watching(pid_t pid) const {
  const auto it = pidfds_.find(pid);
  return it == pidfds_.end() ? -1 : it->second.get();
}

void ProcessWatch::unwatch(pid_t pid) { pidfds_.erase(pid); }

bool read_process(pid_t pid, bool with_cmdline, ProcessInfo& out) {
  const std::string dir = "/proc/" + std::to_string(pid);
  const std::string stat = read_text(dir + "/stat", 512);
  // "PID (NAME) S ...": the name may itself hold ')' and spaces; the last ')' ends it.
  const size_t open = stat.find('(');
  const size_t close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open ||
      close + 2 >= stat.size())
    return false;
  out.comm = stat.substr(open + 1, close - open - 1);
  out.zombie = stat[close + 2] == 'Z';
  out.cmdline = with_cmdline ? read_text(dir + "/cmdline", 4096) : std::string{};
  return true;
}

std::vector<pid_t> list_processes() {
  std::vector<pid_t> pids;
  DIR* d = ::opendir("/proc");
  if (d == nullptr) return pids;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    char* end = nullptr;
    const long v = std::strtol(e->d_name, &end, 10);
    if (end != nullptr && *end == '\0' && v > 0) pids.push_back(static_cast<pid_t>(v));
  }
  ::closedir(d);
  return pids;
}

bool proc_hides_processes() {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string id, parent, devno, root, mount;
    words >> id >> parent >> devno >> root >> mount;
    if (mount != "/proc") continue;
    const bool hidden = line.find("hidepid=invisible") != std::string::npos ||
                        line.find("hidepid=2") != std::string::npos ||
                        line.find("hidepid=ptraceable") != std::string::npos;
    if (hidden) return true;
  }
  return false;
}

}  // namespace xvrrp::daemon
