// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpd: command line, configuration check, and the daemon's lifetime.
#include <getopt.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <variant>

#include "common/log.hpp"
#include "config/config.hpp"
#include "daemon/daemon.hpp"
#include "daemon/library_log.hpp"
#include "policy/down_guard.hpp"

namespace {

// Start-up and config-test messages: through the logger when stderr is the
// journal (so an error is at priority 3 and shows in `journalctl -p err`), as
// plain "FILE:LINE: error: ..." lines otherwise.
void report(xvrrp::log::Level level, const std::string& message) {
  if (xvrrp::log::stderr_is_journal()) {
    xvrrp::log::write(level, "%s", message.c_str());
  } else {
    fprintf(stderr, "%s\n", message.c_str());
  }
}

void usage(FILE* out) {
  fprintf(
      out,
      "Usage: xvrrpd [-f FILE] [-t] [--rx=xdp|socket] [--log-level LEVEL]\n"
      "  -f, --use-file FILE   keepalived.conf to read (default /etc/keepalived/keepalived.conf)\n"
      "  -t, --config-test     check the configuration and exit (0 = valid)\n"
      "      --rx=xdp|socket   receive adverts in XDP (default) or on a raw socket\n"
      "      --log-level L     error, warning, info (default) or debug\n"
      "      --no-timestamps   omit wall-clock timestamps (journald adds its own)\n"
      "      --keep-capabilities  do not drop capabilities after start-up\n"
      "      --realtime-priority N  SCHED_FIFO priority (default 20 with sub-second adverts or\n"
      "                        BFD intervals; 0 = off)\n"
      "      --control PATH    control socket (default /run/xvrrp/ROUTER_ID.ctl)\n"
      "      --ring-bytes N    advert ring buffer size, a power of two >= 4096 (default: two\n"
      "                        records per configured instance, at least 64 KiB)\n"
      "      --state-dir DIR   where ROUTER_ID.maintenance persists (default $STATE_DIRECTORY,\n"
      "                        else /var/lib/xvrrp; with --control, that socket's directory)\n"
      "      --quiet-path-grace N  a backup whose VRRP interface delivered nothing at all since\n"
      "                        the last advert waits N advert intervals more before taking over\n"
      "                        (0..10, default 1; 0 = take over when the down timer expires)\n"
      "  -h, --help            this text\n");
}

}  // namespace

int main(int argc, char** argv) {
  using xvrrp::daemon::Options;
  using xvrrp::daemon::RxMode;
  Options options;
  bool check_only = false;
  enum {
    kRx = 1000,
    kLogLevel,
    kNoTimestamps,
    kKeepCaps,
    kControl,
    kRealtime,
    kRingBytes,
    kStateDir,
    kQuietGrace
  };
  const option long_options[] = {
      {"use-file", required_argument, nullptr, 'f'},
      {"config-test", no_argument, nullptr, 't'},
      {"help", no_argument, nullptr, 'h'},
      {"rx", required_argument, nullptr, kRx},
      {"log-level", required_argument, nullptr, kLogLevel},
      {"no-timestamps", no_argument, nullptr, kNoTimestamps},
      {"keep-capabilities", no_argument, nullptr, kKeepCaps},
      {"control", required_argument, nullptr, kControl},
      {"state-dir", required_argument, nullptr, kStateDir},
      {"realtime-priority", required_argument, nullptr, kRealtime},
      {"ring-bytes", required_argument, nullptr, kRingBytes},
      {"quiet-path-grace", required_argument, nullptr, kQuietGrace},
      {nullptr, 0, nullptr, 0},
  };
  if (getenv("NOTIFY_SOCKET") != nullptr) xvrrp::log::set_timestamps(false);
  xvrrp::log::use_journal_if_connected();
  xvrrp::daemon::coalesce_bpf_library_logs();
  int opt;
  while ((opt = getopt_long(argc, argv, "f:th", long_options, nullptr)) != -1) {
    switch (opt) {
      case 'f':
        options.config_path = optarg;
        break;
      case 't':
        check_only = true;
        break;
      case 'h':
        usage(stdout);
        return 0;
      case kRx:
        if (strcmp(optarg, "xdp") == 0) {
          options.rx = RxMode::Xdp;
        } else if (strcmp(optarg, "socket") == 0) {
          options.rx = RxMode::Socket;
        } else {
          fprintf(stderr, "xvrrpd: --rx: '%s' is not a receive path (expected xdp or socket)\n",
                  optarg);
          return 2;
        }
        break;
      case kLogLevel:
        if (strcmp(optarg, "error") == 0) {
          xvrrp::log::set_level(xvrrp::log::Level::Error);
        } else if (strcmp(optarg, "warning") == 0) {
          xvrrp::log::set_level(xvrrp::log::Level::Warning);
        } else if (strcmp(optarg, "info") == 0) {
          xvrrp::log::set_level(xvrrp::log::Level::Info);
        } else if (strcmp(optarg, "debug") == 0) {
          xvrrp::log::set_level(xvrrp::log::Level::Debug);
        } else {
          fprintf(stderr,
                  "xvrrpd: --log-level: '%s' is not a level (expected error, warning, info or "
                  "debug)\n",
                  optarg);
          return 2;
        }
        break;
      case kNoTimestamps:
        xvrrp::log::set_timestamps(false);
        break;
      case kKeepCaps:
        options.drop_capabilities = false;
        break;
      case kStateDir:
        options.state_dir = optarg;
        break;
      case kControl:
        options.control_path = optarg;
        break;
      case kRealtime: {
        char* end = nullptr;
        const long prio = strtol(optarg, &end, 10);
        if (end == optarg || *end != '\0' || prio < 0 || prio > 99) {
          fprintf(stderr, "xvrrpd: --realtime-priority: '%s' is not 0..99\n", optarg);
          return 2;
        }
        options.realtime_priority = prio == 0 ? -1 : static_cast<int>(prio);
        break;
      }
      case kQuietGrace: {
        char* end = nullptr;
        const long n = strtol(optarg, &end, 10);
        if (end == optarg || *end != '\0' || n < 0 ||
            n > static_cast<long>(xvrrp::policy::kMaxQuietPathGraceAdverts)) {
          fprintf(stderr, "xvrrpd: --quiet-path-grace: '%s' is not 0..%u advert intervals\n",
                  optarg, xvrrp::policy::kMaxQuietPathGraceAdverts);
          return 2;
        }
        options.quiet_path_grace_adverts = static_cast<std::uint32_t>(n);
        break;
      }
      case kRingBytes: {
        char* end = nullptr;
        const unsigned long long n = strtoull(optarg, &end, 10);
        if (end == optarg || *end != '\0' || n < 4096 || n > (1ull << 30) || (n & (n - 1)) != 0) {
          fprintf(stderr, "xvrrpd: --ring-bytes: '%s' is not a power of two in 4096..2^30\n",
                  optarg);
          return 2;
        }
        options.ring_bytes = static_cast<std::uint32_t>(n);
        break;
      }
      default:
        usage(stderr);
        return 2;
    }
  }
  if (optind != argc) {
    fprintf(stderr, "xvrrpd: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }

  xvrrp::config::Config config;
  try {
    // keepalived's default router_id is the host name; the parser never asks the system.
    char host[HOST_NAME_MAX + 1] = "";
    if (gethostname(host, sizeof host) != 0) host[0] = '\0';
    host[HOST_NAME_MAX] = '\0';
    config = xvrrp::config::load(options.config_path, host);
  } catch (const std::exception& e) {
    report(xvrrp::log::Level::Error, e.what());
    return 1;
  }
  for (const auto& warning : config.warnings) report(xvrrp::log::Level::Warning, warning);
  if (const auto sizes = xvrrp::policy::size_maps(config.instances);
      const auto* problem = std::get_if<std::string>(&sizes)) {
    report(xvrrp::log::Level::Error, options.config_path + ": " + *problem);
    return 1;
  }
  if (check_only) {
    printf("%s: configuration OK (router_id %s, %zu vrrp_instance(s))\n%s",
           options.config_path.c_str(), config.global.router_id.c_str(), config.instances.size(),
           xvrrp::config::check_report(config).c_str());
    return 0;
  }
  if (config.instances.empty()) {
    report(xvrrp::log::Level::Error,
           options.config_path + ": no vrrp_instance configured, nothing to do");
    return 1;
  }
  if (geteuid() != 0) {
    report(xvrrp::log::Level::Error,
           "xvrrpd: must run as root (loads XDP, opens raw sockets, manages addresses)");
    return 1;
  }

  // The event loop must never wait for stderr's reader (journald, a pipe that a script floods).
  xvrrp::log::set_nonblocking_output();
  try {
    xvrrp::daemon::Daemon daemon(options, std::move(config));
    return daemon.run();
  } catch (const std::exception& e) {
    XLOG_ERROR("%s", e.what());
    XLOG_ERROR("xvrrpd: start-up failed; everything it had set up was undone");
    return 1;
  }
}
