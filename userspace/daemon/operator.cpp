// SPDX-License-Identifier: GPL-2.0-or-later
// Operator commands on the control socket: `handover INSTANCE|--all` (make-before-break on a
// running MASTER, core::Instance::hand_over) and `maintenance on|off` (sticky, persisted in
// the state directory; core::Instance::set_maintenance). Replies are one JSON line; a
// handover's outcome is read from `status` (xvrrpctl polls it).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/json_quote.hpp"
#include "common/log.hpp"
#include "daemon/daemon.hpp"
#include "daemon/instance_runtime.hpp"

namespace xvrrp::daemon {

using core::Nanos;

namespace {

std::string error_reply(const std::string& message) {
  return "{\"error\":" + json_quoted(message) + "}\n";
}

}  // namespace

std::string maintenance_file_path(const std::string& router_id, const std::string& state_dir,
                                  const std::string& control_path) {
  std::string dir = state_dir;
  if (dir.empty() && !control_path.empty()) {
    const auto slash = control_path.rfind('/');
    dir = slash == std::string::npos ? "." : control_path.substr(0, slash);
  }
  if (dir.empty()) {
    const char* env = ::getenv("STATE_DIRECTORY");  // systemd's StateDirectory=
    dir = env != nullptr && *env != '\0' ? std::string(env).substr(0, std::string(env).find(':'))
                                         : "/var/lib/xvrrp";
  }
  return dir + "/" + router_id + ".maintenance";
}

void Daemon::load_maintenance() {
  maintenance_path_ =
      maintenance_file_path(config_.global.router_id, options_.state_dir, options_.control_path);
  maintenance_ = ::access(maintenance_path_.c_str(), F_OK) == 0;
  if (maintenance_)
    XLOG_INFO(
        "Maintenance mode is on (%s): no instance becomes MASTER until "
        "`xvrrpctl maintenance off`",
        maintenance_path_.c_str());
}

// A synchronous write on the loop: an operator's command, a few bytes, once. Without fsync:
// it must survive a daemon restart (the page cache does), and a reboot is a fresh start the
// operator would redo anyway.
bool Daemon::persist_maintenance(bool on, std::string& error) {
  if (on) {
    const int fd = ::open(maintenance_path_.c_str(),
                          O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      error = "cannot create " + maintenance_path_ + ": " + std::strerror(errno);
      return false;
    }
    static constexpr char kText[] = "on\n";
    const bool ok = ::write(fd, kText, sizeof kText - 1) == static_cast<ssize_t>(sizeof kText - 1);
    ::close(fd);
    if (!ok) {
      error = "cannot write " + maintenance_path_;
      return false;
    }
    return true;
  }
  if (::unlink(maintenance_path_.c_str()) != 0 && errno != ENOENT) {
    error = "cannot remove " + maintenance_path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::string Daemon::command_handover(const std::string& target) {
  if (stopping_) return error_reply("shutting down");
  const Nanos now = clock::monotonic_ns();
  std::string started = "[";
  std::string skipped = "[";
  bool found = false;
  for (auto& rt : instances_) {
    if (!rt->sm || (target != "--all" && rt->cfg.name != target)) continue;
    found = true;
    std::string& list =
        rt->sm->state() == core::State::Master && !rt->sm->handing_over() ? started : skipped;
    if (&list == &skipped) {
      if (skipped.size() > 1) skipped += ",";
      skipped +=
          "{\"instance\":" + json_quoted(rt->cfg.name) + ",\"state\":" +
          json_quoted(rt->sm->handing_over() ? "handing over" : core::state_name(rt->sm->state())) +
          "}";
      continue;
    }
    apply(*rt, rt->sm->hand_over(now), now);
    rt->handover = HandoverRecord{++handover_seq_, now, "pending", std::nullopt, std::nullopt};
    XLOG_INFO(
        "(%s) handover requested: priority 0 sent, keeping the VIPs until the new master "
        "is heard (at most %.0f ms)",
        rt->cfg.name.c_str(), static_cast<double>(rt->sm->next_deadline() - now) / 1e6);
    if (started.size() > 1) started += ",";
    started += "{\"instance\":" + json_quoted(rt->cfg.name) +
               ",\"id\":" + std::to_string(rt->handover->id) + "}";
  }
  if (!found)
    return error_reply(target == "--all" ? "no instance" : "no instance named '" + target + "'");
  return "{\"started\":" + started + "],\"skipped\":" + skipped + "]}\n";
}

void Daemon::note_handover(InstanceRuntime& rt) {
  if (!rt.handover || rt.handover->result != "pending" || !rt.sm || rt.sm->handing_over()) return;
  HandoverRecord& h = *rt.handover;
  const core::State state = rt.sm->state();
  if (state == core::State::Backup) {
    h.result = "done";
    if (const auto rx = rt.sm->last_advert_rx_ns())
      h.gap_ms = static_cast<double>(*rx - h.began_ns) / 1e6;
    if (rt.sm->master_ip()) h.new_master = rt.sm->master_ip()->to_string();
  } else if (state == core::State::Master) {
    h.result = "abandoned";  // no new master within the bound: still serving
  } else {
    h.result = "interrupted";
  }
  if (h.gap_ms)
    XLOG_INFO("(%s) handover done: new master %s heard %.3f ms after priority 0",
              rt.cfg.name.c_str(), h.new_master.value_or("?").c_str(), *h.gap_ms);
  else
    XLOG_INFO("(%s) handover %s", rt.cfg.name.c_str(), h.result.c_str());
}

std::string Daemon::command_maintenance(bool on) {
  if (on == maintenance_) return "{\"maintenance\":" + std::string(on ? "true" : "false") + "}\n";
  std::string error;
  if (!persist_maintenance(on, error)) return error_reply(error);
  maintenance_ = on;
  XLOG_INFO("Maintenance mode %s", on ? "on: every MASTER hands over" : "off");
  const Nanos now = clock::monotonic_ns();
  std::string handing = "[";
  for (auto& rt : instances_) {
    if (!rt->sm) continue;
    const bool was_master = rt->sm->state() == core::State::Master && !rt->sm->handing_over();
    apply(*rt, rt->sm->set_maintenance(on, now), now);
    if (on && was_master && rt->sm->handing_over()) {
      rt->handover = HandoverRecord{++handover_seq_, now, "pending", std::nullopt, std::nullopt};
      if (handing.size() > 1) handing += ",";
      handing += "{\"instance\":" + json_quoted(rt->cfg.name) +
                 ",\"id\":" + std::to_string(rt->handover->id) + "}";
    }
  }
  return "{\"maintenance\":" + std::string(on ? "true" : "false") + ",\"started\":" + handing +
         "]}\n";
}

std::optional<std::string> Daemon::operator_command(const std::string& command) {
  const std::string handover = "handover ";
  if (command.rfind(handover, 0) == 0) return command_handover(command.substr(handover.size()));
  if (command == "handover") return error_reply("handover needs INSTANCE or --all");
  if (command == "maintenance on") return command_maintenance(true);
  if (command == "maintenance off") return command_maintenance(false);
  if (command.rfind("maintenance", 0) == 0) return error_reply("maintenance needs on or off");
  return std::nullopt;
}

}  // namespace xvrrp::daemon
