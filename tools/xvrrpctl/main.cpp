// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl: operator's view of a running xvrrpd (see docs/man/xvrrpctl.8).
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "bpf/bpffs.hpp"
#include "control.hpp"
#include "json.hpp"
#include "operate.hpp"
#include "pinned_maps.hpp"
#include "render.hpp"

namespace {

using namespace xvrrp::ctl;

constexpr char kUsage[] =
    "usage: xvrrpctl [-r ROUTER_ID] [--run-dir DIR] [--pin-root DIR] COMMAND [--json]\n"
    "commands:\n"
    "  status [--json]    state of every vrrp_instance, from the daemon's control socket\n"
    "  counters [--json]  XDP advert counters and inter-arrival histograms, from the pinned maps\n"
    "  metrics            both, in Prometheus text format (node_exporter textfile collector)\n"
    "  handover INSTANCE|--all [--wait MS]\n"
    "                     make-before-break handover of a MASTER to its peer; waits (default\n"
    "                     10000 ms) until the peer took over and prints the measured gap\n"
    "  maintenance on|off [--wait MS]\n"
    "                     sticky: no instance becomes MASTER until off (survives reload and\n"
    "                     restart); on hands every MASTER over first\n"
    "ROUTER_ID defaults to the daemon of this network namespace (RUN_DIR/*.ctl), else the\n"
    "only one found (RUN_DIR/*.ctl, PIN_ROOT/*/). Pins in the daemon's private bpffs are\n"
    "read through /proc/PID/root.\n"
    "defaults: --run-dir /run/xvrrp --pin-root " XVRRP_BPFFS_ROOT "\n";

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "xvrrpctl: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

Json parse_status(const std::string& reply, const std::string& router_id) {
  try {
    return Json::parse(reply);
  } catch (const JsonError& e) {
    throw CtlError("malformed status reply from xvrrpd (router id " + router_id + "): " + e.what());
  }
}

// xvrrpd removes its pins when it stops, so pins whose daemon is gone were left by a crash.
// pid and start time, so that a reused pid does not pass for the daemon.
void warn_if_stale(const MapSnapshot& maps) {
  pid_t pid = static_cast<pid_t>(maps.meta.daemon_pid);
  if (pid > 0 && xvrrp::bpf::pin_owner(maps.meta.daemon_pid, maps.meta.started_ns) ==
                     xvrrp::bpf::PinOwner::Gone) {
    std::fprintf(stderr,
                 "xvrrpctl: warning: xvrrpd pid %d that pinned %s is not running: these are the "
                 "last counters of a daemon that did not stop cleanly\n",
                 static_cast<int>(pid), maps.dir.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Paths paths;
  std::optional<std::string> router_id;
  std::string command;
  bool json = false;
  bool pin_root_given = false;
  std::vector<std::string> operands;
  int wait_ms = 10000;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* opt) -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      (void)opt;
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "-r" || a == "--router-id") {
      router_id = value("-r");
      if (!router_id) return usage_error(a + " needs a ROUTER_ID");
    } else if (a.rfind("--router-id=", 0) == 0) {
      router_id = a.substr(12);
    } else if (a == "--run-dir") {
      auto v = value("--run-dir");
      if (!v) return usage_error("--run-dir needs a directory");
      paths.run_dir = *v;
    } else if (a == "--pin-root") {
      auto v = value("--pin-root");
      if (!v) return usage_error("--pin-root needs a directory");
      paths.pin_root = *v;
      pin_root_given = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--wait") {
      auto v = value("--wait");
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos ||
          v->size() > 7)
        return usage_error("--wait needs a number of milliseconds");
      wait_ms = std::stoi(*v);
    } else if (!a.empty() && a[0] == '-' && !(a == "--all" && command == "handover")) {
      return usage_error("unknown option " + a);
    } else if (command.empty()) {
      command = a;
    } else if (command == "handover" || command == "maintenance") {
      operands.push_back(a);
    } else {
      return usage_error("unexpected argument " + a);
    }
  }
  if (command.empty()) return usage_error("no command given");
  if (command != "status" && command != "counters" && command != "metrics" &&
      command != "handover" && command != "maintenance")
    return usage_error("unknown command " + command);
  if (command == "handover" && operands.size() != 1)
    return usage_error("handover needs one INSTANCE or --all");
  if (command == "maintenance" &&
      (operands.size() != 1 || (operands[0] != "on" && operands[0] != "off")))
    return usage_error("maintenance needs on or off");
  if (command == "metrics" && json)
    return usage_error("metrics has no --json (it is Prometheus text)");

  try {
    const std::string id = resolve_router_id(paths, router_id);
    // The daemon's bpffs may be private to its mount namespace (`ip netns exec`, a unit's
    // private mounts): reach it through /proc/PID/root. An explicit --pin-root is kept.
    if (!pin_root_given) paths.pin_root = locate_pin_root(paths, id);
    if (command == "handover") return run_handover(paths, id, operands[0], json, wait_ms);
    if (command == "maintenance")
      return run_maintenance(paths, id, operands[0] == "on", json, wait_ms);
    if (command == "status") {
      Json status = parse_status(request_status(paths, id), id);
      if (json) {
        std::printf("%s\n", status.dump(2).c_str());
      } else {
        try {
          std::fputs(render_status_text(status).c_str(), stdout);
        } catch (const JsonError& e) {
          throw CtlError("unexpected status reply from xvrrpd (router id " + id + "): " + e.what());
        }
      }
    } else if (command == "counters") {
      MapSnapshot maps = read_pinned_maps(paths, id);
      warn_if_stale(maps);
      if (json) {
        std::printf("%s\n", counters_json(maps).dump(2).c_str());
      } else {
        std::fputs(render_counters_text(maps).c_str(), stdout);
      }
    } else {
      // Partial output beats none for a textfile collector: each source may fail alone,
      // and xvrrp_up tells which.
      std::optional<Json> status;
      std::optional<MapSnapshot> maps;
      try {
        status = parse_status(request_status(paths, id), id);
      } catch (const CtlError& e) {
        std::fprintf(stderr, "xvrrpctl: %s\n", e.what());
      }
      try {
        maps = read_pinned_maps(paths, id);
        warn_if_stale(*maps);
      } catch (const CtlError& e) {
        std::fprintf(stderr, "xvrrpctl: %s\n", e.what());
      }
      std::string text;
      try {
        text = render_metrics(id, status ? &*status : nullptr, maps ? &*maps : nullptr);
      } catch (const JsonError& e) {
        throw CtlError("unexpected status reply from xvrrpd (router id " + id + "): " + e.what());
      }
      std::fputs(text.c_str(), stdout);
      if (!status && !maps) return 1;
    }
  } catch (const CtlError& e) {
    std::fprintf(stderr, "xvrrpctl: %s\n", e.what());
    return 1;
  }
  return 0;
}
