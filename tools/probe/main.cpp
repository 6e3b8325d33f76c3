// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp-probe: client-side failover latency meter. The sockets and the clock live here; every
// number it reports is computed by timeline.cpp and rendered by report.cpp.
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/unique_fd.hpp"
#include "probe/options.hpp"
#include "probe/report.hpp"
#include "probe/route.hpp"
#include "probe/timeline.hpp"

namespace xvrrp::probe {
namespace {

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
// Stamped into every echo payload so replies are matched by content, not only the 16-bit
// ICMP sequence number, which wraps after 65 s at 1 ms.
constexpr std::uint64_t kPayloadMagic = 0x7876727270726f62ULL;  // "xvrrprob"

struct EchoPayload {
  std::uint64_t magic;
  std::uint32_t probe;  // the full sequence number
  std::uint32_t pad;
};

std::int64_t now_ns(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::uint16_t inet_checksum(const void* data, std::size_t len) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  if (len & 1) sum += bytes[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<std::uint16_t>(~sum));
}

[[noreturn]] void die(int code, const std::string& message) {
  std::fprintf(stderr, "xvrrp-probe: %s\n", message.c_str());
  std::exit(code);
}

bool write_file(const std::string& path, const std::string& content, std::string& error) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out << content;
  if (!out) error = "cannot write " + path + ": " + std::strerror(errno);
  return static_cast<bool>(out);
}

class Prober {
 public:
  explicit Prober(const ProbeOptions& options) : options_(options) {}

  // Opens every socket; exits with a one-line error on failure.
  void open() {
    const std::uint32_t target = options_.target.v4_be();
    int oif_hint = 0;
    if (!options_.iface.empty()) {
      oif_hint = static_cast<int>(if_nametoindex(options_.iface.c_str()));
      if (oif_hint == 0) die(kExitRuntime, "interface '" + options_.iface + "' does not exist");
    }
    std::string error;
    auto route = lookup_route(target, oif_hint, error);
    if (!route) die(kExitRuntime, error);
    route_ = *route;
    context_.target = options_.target.to_string();
    context_.interface = route_.ifname;
    context_.on_link = route_.on_link;
    context_.interval_ns = options_.interval_ns;
    context_.reply_timeout_ns = options_.reply_timeout_ns;

    icmp_ = UniqueFd(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
    if (icmp_) {
      icmp_id_ = static_cast<std::uint16_t>(::getpid());
      // Only echo replies reach this socket; every other ICMP type is filtered in the kernel.
      // (ICMP_FILTER and struct icmp_filter from <linux/icmp.h>, which clashes with glibc's
      // <netinet/ip_icmp.h>.)
      constexpr int kIcmpFilter = 1;
      std::uint32_t blocked_types = ~(1U << ICMP_ECHOREPLY);
      ::setsockopt(icmp_.get(), SOL_RAW, kIcmpFilter, &blocked_types, sizeof blocked_types);
    } else if (errno == EPERM || errno == EACCES) {
      icmp_ = UniqueFd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP));
      if (!icmp_) {
        die(kExitRuntime,
            "permission denied: needs root or CAP_NET_RAW (or a group in "
            "net.ipv4.ping_group_range for ICMP-only probing)");
      }
      dgram_ = true;
      context_.icmp_socket = "dgram";
      sockaddr_in any{};
      any.sin_family = AF_INET;
      socklen_t len = sizeof any;
      if (::bind(icmp_.get(), reinterpret_cast<sockaddr*>(&any), sizeof any) < 0 ||
          ::getsockname(icmp_.get(), reinterpret_cast<sockaddr*>(&any), &len) < 0) {
        die(kExitRuntime, std::string("ICMP ping socket: ") + std::strerror(errno));
      }
      icmp_id_ = ntohs(any.sin_port);  // the kernel rewrites the echo id to the socket's port
    } else {
      die(kExitRuntime, std::string("ICMP socket: ") + std::strerror(errno));
    }
    int rcvbuf = 4 << 20;
    ::setsockopt(icmp_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

    if (route_.on_link) open_packet_socket();
  }

  TimelineSummary run(const sigset_t& stop_signals) {
    UniqueFd signals(::signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC));
    UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!signals || !timer) die(kExitRuntime, std::string("signalfd/timerfd: ") + strerror(errno));

    context_.realtime_offset_ns = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
    const std::int64_t start = now_ns(CLOCK_MONOTONIC);
    itimerspec spec{};
    spec.it_interval.tv_sec = options_.interval_ns / 1'000'000'000;
    spec.it_interval.tv_nsec = options_.interval_ns % 1'000'000'000;
    spec.it_value.tv_nsec = 1;  // first probe immediately
    timerfd_settime(timer.get(), 0, &spec, nullptr);

    const std::int64_t arp_every =
        options_.arp_interval_ns > 0
            ? std::max<std::int64_t>(1, options_.arp_interval_ns / options_.interval_ns)
            : 0;
    std::int64_t stop_at = options_.duration_ns ? start + *options_.duration_ns : INT64_MAX;
    std::int64_t drain_until = INT64_MAX;
    std::int64_t next_progress = start + 1'000'000'000;
    std::uint64_t ticks = 0;

    while (true) {
      pollfd fds[4] = {{signals.get(), POLLIN, 0},
                       {timer.get(), POLLIN, 0},
                       {icmp_.get(), POLLIN, 0},
                       {packet_.valid() ? packet_.get() : -1, POLLIN, 0}};
      std::int64_t now = now_ns(CLOCK_MONOTONIC);
      int timeout_ms = -1;
      if (drain_until != INT64_MAX) {
        if (now >= drain_until) break;
        timeout_ms = static_cast<int>((drain_until - now) / 1'000'000) + 1;
      }
      int n = ::poll(fds, 4, timeout_ms);
      if (n < 0 && errno != EINTR) die(kExitRuntime, std::string("poll: ") + strerror(errno));
      if (n <= 0) continue;

      if (fds[0].revents & POLLIN) {
        signalfd_siginfo info;
        while (::read(signals.get(), &info, sizeof info) == sizeof info) {
        }
        // A second signal while draining stops at once.
        if (drain_until != INT64_MAX) break;
        stop_at = now_ns(CLOCK_MONOTONIC);
      }
      if (fds[2].revents & POLLIN) receive_icmp();
      if (fds[3].revents & POLLIN) receive_packets();
      if (fds[1].revents & POLLIN) {
        std::uint64_t expirations = 0;
        if (::read(timer.get(), &expirations, sizeof expirations) == sizeof expirations &&
            drain_until == INT64_MAX) {
          if (expirations > 1) context_.schedule_overruns += expirations - 1;
          if (now_ns(CLOCK_MONOTONIC) < stop_at) {
            send_echo();
            if (arp_every && packet_.valid() && ticks % arp_every == 0) send_arp();
            ++ticks;
          }
        }
      }
      now = now_ns(CLOCK_MONOTONIC);
      if (drain_until == INT64_MAX && now >= stop_at) {
        // Stop sending, keep listening a little for replies still on their way.
        drain_until = now + std::min<std::int64_t>(options_.reply_timeout_ns, 250'000'000);
        itimerspec disarm{};
        timerfd_settime(timer.get(), 0, &disarm, nullptr);
      }
      if (!options_.quiet && now >= next_progress && drain_until == INT64_MAX) {
        std::fprintf(stderr, "xvrrp-probe: %.0f s: %zu sent, %zu replies\n",
                     static_cast<double>(now - start) / 1e9, input_.sends.size(),
                     input_.replies.size());
        next_progress += 1'000'000'000;
      }
    }
    input_.end_ns = now_ns(CLOCK_MONOTONIC);
    input_.reply_timeout_ns = options_.reply_timeout_ns;
    for (auto& reply : input_.replies) {
      auto it = captured_mac_.find(reply.seq);
      if (it != captured_mac_.end()) reply.mac = it->second;
    }
    return analyze(input_);
  }

  ReportContext& context() { return context_; }

 private:
  void open_packet_socket() {
    packet_ =
        UniqueFd(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL)));
    if (!packet_) {
      if (errno == EPERM || errno == EACCES) {
        std::fprintf(stderr,
                     "xvrrp-probe: warning: no CAP_NET_RAW: no ARP probing, MACs will be "
                     "unknown\n");
        return;
      }
      die(kExitRuntime, std::string("AF_PACKET socket: ") + std::strerror(errno));
    }
    sockaddr_ll local{};
    local.sll_family = AF_PACKET;
    local.sll_protocol = htons(ETH_P_ALL);
    local.sll_ifindex = route_.ifindex;
    if (::bind(packet_.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0) {
      die(kExitRuntime, "bind AF_PACKET to " + route_.ifname + ": " + std::strerror(errno));
    }
    int rcvbuf = 4 << 20;
    ::setsockopt(packet_.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);

    ifreq request{};
    std::snprintf(request.ifr_name, sizeof request.ifr_name, "%s", route_.ifname.c_str());
    if (::ioctl(packet_.get(), SIOCGIFHWADDR, &request) < 0 ||
        request.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
      std::fprintf(stderr, "xvrrp-probe: warning: %s is not Ethernet: no ARP probing\n",
                   route_.ifname.c_str());
      packet_.reset();
      return;
    }
    std::memcpy(own_mac_.data(), request.ifr_hwaddr.sa_data, 6);
    source_be_ = route_.source_be;
    if (source_be_ == 0) {
      // The address the kernel would use towards the VIP, as a connected UDP socket sees it.
      UniqueFd udp(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
      sockaddr_in peer{};
      peer.sin_family = AF_INET;
      peer.sin_port = htons(9);
      peer.sin_addr.s_addr = options_.target.v4_be();
      socklen_t len = sizeof peer;
      if (udp && ::connect(udp.get(), reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0 &&
          ::getsockname(udp.get(), reinterpret_cast<sockaddr*>(&peer), &len) == 0) {
        source_be_ = peer.sin_addr.s_addr;
      }
    }
  }

  void send_echo() {
    std::uint32_t probe = next_probe_++;
    struct {
      icmphdr header;
      EchoPayload payload;
    } packet{};
    packet.header.type = ICMP_ECHO;
    packet.header.un.echo.id = htons(icmp_id_);
    packet.header.un.echo.sequence = htons(static_cast<std::uint16_t>(probe));
    packet.payload = {kPayloadMagic, probe, 0};
    packet.header.checksum = inet_checksum(&packet, sizeof packet);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = options_.target.v4_be();
    std::int64_t sent_at = now_ns(CLOCK_MONOTONIC);
    if (::sendto(icmp_.get(), &packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&to),
                 sizeof to) < 0) {
      ++context_.send_errors;
    }
    input_.sends.push_back({probe, sent_at});
  }

  // Parses an echo reply starting at its ICMP header; the full probe number, or nullopt.
  std::optional<std::uint32_t> match_echo(const std::uint8_t* icmp, std::size_t len) const {
    if (len < sizeof(icmphdr) + sizeof(EchoPayload)) return std::nullopt;
    icmphdr header;
    EchoPayload payload;
    std::memcpy(&header, icmp, sizeof header);
    std::memcpy(&payload, icmp + sizeof header, sizeof payload);
    if (header.type != ICMP_ECHOREPLY || ntohs(header.un.echo.id) != icmp_id_ ||
        payload.magic != kPayloadMagic ||
        ntohs(header.un.echo.sequence) != static_cast<std::uint16_t>(payload.probe)) {
      return std::nullopt;
    }
    return payload.probe;
  }

  void receive_icmp() {
    std::uint8_t buffer[2048];
    sockaddr_in from{};
    while (true) {
      socklen_t from_len = sizeof from;
      ssize_t len = ::recvfrom(icmp_.get(), buffer, sizeof buffer, 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
      if (len < 0) return;
      std::int64_t at = now_ns(CLOCK_MONOTONIC);
      if (from.sin_addr.s_addr != options_.target.v4_be()) continue;
      const std::uint8_t* icmp = buffer;
      std::size_t icmp_len = static_cast<std::size_t>(len);
      if (!dgram_) {  // raw sockets deliver the IP header too
        std::size_t ihl = static_cast<std::size_t>(buffer[0] & 0x0f) * 4;
        if (icmp_len < ihl) continue;
        icmp += ihl;
        icmp_len -= ihl;
      }
      if (auto probe = match_echo(icmp, icmp_len)) input_.replies.push_back({*probe, at, {}});
    }
  }

  void receive_packets() {
    std::uint8_t frame[2048];
    while (true) {
      sockaddr_ll from{};
      socklen_t from_len = sizeof from;
      ssize_t len = ::recvfrom(packet_.get(), frame, sizeof frame, 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
      if (len < 0) return;
      std::int64_t at = now_ns(CLOCK_MONOTONIC);
      if (from.sll_pkttype == PACKET_OUTGOING || len < static_cast<ssize_t>(sizeof(ethhdr))) {
        continue;
      }
      ethhdr eth;
      std::memcpy(&eth, frame, sizeof eth);
      const std::uint8_t* l3 = frame + sizeof eth;
      std::size_t l3_len = static_cast<std::size_t>(len) - sizeof eth;
      const std::uint32_t target = options_.target.v4_be();
      if (ntohs(eth.h_proto) == ETH_P_ARP && l3_len >= 28) {
        // Ethernet/IPv4 ARP, request (gratuitous) or reply, whose sender claims the VIP.
        std::uint32_t sender_ip;
        std::memcpy(&sender_ip, l3 + 14, 4);
        if (l3[0] == 0 && l3[1] == 1 && l3[2] == 0x08 && l3[3] == 0 && l3[4] == 6 && l3[5] == 4 &&
            sender_ip == target) {
          Mac mac;
          std::memcpy(mac.data(), l3 + 8, 6);
          input_.sightings.push_back({at, mac});
        }
      } else if (ntohs(eth.h_proto) == ETH_P_IP && l3_len >= 20) {
        std::uint32_t source_ip;
        std::memcpy(&source_ip, l3 + 12, 4);
        std::size_t ihl = static_cast<std::size_t>(l3[0] & 0x0f) * 4;
        if (l3[9] != IPPROTO_ICMP || source_ip != target || l3_len < ihl) continue;
        if (auto probe = match_echo(l3 + ihl, l3_len - ihl)) {
          Mac mac;
          std::memcpy(mac.data(), eth.h_source, 6);
          captured_mac_.emplace(*probe, mac);
        }
      }
    }
  }

  void send_arp() {
    std::uint8_t frame[42] = {};
    std::memset(frame, 0xff, 6);
    std::memcpy(frame + 6, own_mac_.data(), 6);
    frame[12] = 0x08;
    frame[13] = 0x06;
    std::uint8_t* arp = frame + 14;
    const std::uint8_t fixed[8] = {0, 1, 0x08, 0, 6, 4, 0, ARPOP_REQUEST};
    std::memcpy(arp, fixed, sizeof fixed);
    std::memcpy(arp + 8, own_mac_.data(), 6);
    std::memcpy(arp + 14, &source_be_, 4);
    std::uint32_t target = options_.target.v4_be();
    std::memcpy(arp + 24, &target, 4);
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = route_.ifindex;
    to.sll_halen = 6;
    std::memset(to.sll_addr, 0xff, 6);
    ::sendto(packet_.get(), frame, sizeof frame, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }

  const ProbeOptions& options_;
  RouteInfo route_;
  ReportContext context_;
  UniqueFd icmp_;
  UniqueFd packet_;
  bool dgram_ = false;
  std::uint16_t icmp_id_ = 0;
  Mac own_mac_{};
  std::uint32_t source_be_ = 0;
  std::uint32_t next_probe_ = 0;
  TimelineInput input_;
  std::unordered_map<std::uint32_t, Mac> captured_mac_;
};

int run(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  ParseResult parsed = parse_options(args);
  if (parsed.help) {
    std::fputs(usage_text().c_str(), stdout);
    return 0;
  }
  if (!parsed.options) {
    std::fprintf(stderr, "xvrrp-probe: %s\n", parsed.error.c_str());
    return kExitUsage;
  }
  const ProbeOptions& options = *parsed.options;

  // Block the stop signals before any socket exists; the loop reads them from a signalfd.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);

  Prober prober(options);
  prober.open();
  // A 1 ms schedule does not survive a busy machine under SCHED_OTHER; a low real-time
  // priority keeps the probe on time. Best effort: without CAP_SYS_NICE it runs as is.
  sched_param priority{};
  priority.sched_priority = 10;
  bool realtime = ::sched_setscheduler(0, SCHED_FIFO, &priority) == 0;
  if (!options.quiet) {
    std::fprintf(stderr, "xvrrp-probe: probing %s via %s every %.3f ms%s%s; Ctrl-C to stop\n",
                 options.target.to_string().c_str(), prober.context().interface.c_str(),
                 static_cast<double>(options.interval_ns) / 1e6,
                 prober.context().on_link ? " (on-link: ARP too)" : " (routed: no ARP)",
                 realtime ? "" : " (no SCHED_FIFO: timing may slip on a busy machine)");
  }
  TimelineSummary summary = prober.run(stop_signals);
  ReportContext& context = prober.context();

  if (!options.events_file.empty()) {
    // The file is written during the run, so it is read now; a bad one must not cost the
    // measurement, hence a warning rather than an exit.
    std::ifstream in(options.events_file);
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    auto events =
        in ? parse_events(text.str(), options.events_file, context.realtime_offset_ns, error)
           : std::nullopt;
    if (!in) error = "cannot read " + options.events_file + ": " + std::strerror(errno);
    if (events) {
      context.events = std::move(*events);
    } else {
      std::fprintf(stderr, "xvrrp-probe: warning: events ignored: %s\n", error.c_str());
    }
  }

  std::fputs((options.json ? render_json(summary, context) : render_text(summary, context)).c_str(),
             stdout);
  if (!options.svg_file.empty()) {
    std::string error;
    if (!write_file(options.svg_file, render_svg(summary, context), error)) {
      die(kExitRuntime, error);
    }
  }
  return 0;
}

}  // namespace
}  // namespace xvrrp::probe

int main(int argc, char** argv) { return xvrrp::probe::run(argc, argv); }
