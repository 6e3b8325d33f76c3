// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers for the xvrrpctl tests: run the built binary, and a fake xvrrpd control socket.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/unique_fd.hpp"

namespace xvrrp::ctl::test {

struct RunResult {
  int rc = -1;
  std::string out;
  std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Runs XVRRPCTL_PATH with `args` (already shell-quoted where needed).
inline RunResult run_ctl(const std::string& args) {
  std::filesystem::path err_file =
      std::filesystem::temp_directory_path() / ("xvrrpctl-err-" + std::to_string(getpid()));
  std::string cmd = std::string(XVRRPCTL_PATH) + " " + args + " 2>" + err_file.string();
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.err = slurp(err_file);
  std::filesystem::remove(err_file);
  return r;
}

/// Listens on PATH like xvrrpd's control socket and answers every "status\n" with `reply`.
class FakeControlSocket {
 public:
  FakeControlSocket(const std::string& path, std::string reply)
      : path_(path), reply_(std::move(reply)) {
    fd_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ::unlink(path.c_str());
    if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_.get(), 4) != 0) {
      fd_.reset();
      return;
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeControlSocket() {
    stop_ = true;
    ::shutdown(fd_.get(), SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::unlink(path_.c_str());
  }
  [[nodiscard]] bool ok() const { return fd_.valid(); }
  [[nodiscard]] std::string last_request() const { return last_request_; }

 private:
  void serve() {
    while (!stop_) {
      UniqueFd conn(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!conn) return;
      std::string req;
      char c;
      while (::read(conn.get(), &c, 1) == 1) {
        req += c;
        if (c == '\n') break;
      }
      last_request_ = req;
      if (req == "status\n") {
        // Two writes, so the client must read until EOF rather than trust one read().
        size_t half = reply_.size() / 2;
        (void)!::write(conn.get(), reply_.data(), half);
        usleep(20'000);
        (void)!::write(conn.get(), reply_.data() + half, reply_.size() - half);
      }
    }
  }

  std::string path_;
  std::string reply_;
  UniqueFd fd_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::string last_request_;
};

/// The daemon's status schema, as documented in xvrrpctl(8), with one extra instance exercising
/// nulls, a lowered priority and a down tracked interface.
inline const char* sample_status_json() {
  return R"({"router_id":"server-1","pid":123,"abi_version":1,"rx":"xdp","xdp_mode":"native","uptime_s":12.5,)"
         R"("instances":[{"name":"service-100","interface":"eth0","vrid":100,"version":2,"state":"MASTER",)"
         R"("base_priority":100,"effective_priority":100,"master":"192.0.2.5","master_priority":100,)"
         R"("last_advert_age_ms":12.3,"advert_int_ms":1000,"master_adver_int_ms":1000,"transitions":1,)"
         R"("vips_present":true,"vips":[{"addr":"192.0.2.100/24","dev":"dummy0","present":true}],)"
         R"("tracked":[{"name":"eth0","up":true,"weight":0}],"adverts_sent":10,"adverts_received":12,"garps_sent":5,)"
         R"("max_advert_gap_ms":31.5,"max_gap_share_pct":87.5,"near_misses":2,"max_send_late_ms":0.25,)"
         R"("max_wake_late_ms":0.125,"down_timer_extensions":1,"master_down_interval_ms":3609.375},)"
         R"({"name":"service-\"7\"","interface":"eth1","vrid":7,"version":3,"state":"FAULT",)"
         R"("base_priority":90,"effective_priority":80,"master":null,"master_priority":null,)"
         R"("last_advert_age_ms":null,"advert_int_ms":10,"master_adver_int_ms":20,"transitions":4,)"
         R"("vips_present":false,"vips":[{"addr":"198.51.100.7/24","dev":"eth1","present":false}],)"
         R"("tracked":[{"name":"eth1","up":false,"weight":-10}],"adverts_sent":0,"adverts_received":3,"garps_sent":0}],)"
         R"("send_lateness":{"count":10,"sum_ms":2.5,"buckets":[{"le_ms":0.05,"count":8},{"le_ms":1,"count":9}]},)"
         R"("notify_fifo_dropped":4,"log_lines_dropped":3})";
}

}  // namespace xvrrp::ctl::test
