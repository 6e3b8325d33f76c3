// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp-bench-xdp: cost of the XDP advert filter.
//  1. ns per packet through BPF_PROG_TEST_RUN (repeat R, median over K runs),
//     interleaved run by run with two baseline programs loaded here (an empty
//     `return XDP_PASS`, and one that only calls bpf_ktime_get_ns()), so every
//     row also prints its ratio to the empty program measured in the same run:
//     non-VRRP IPv4/IPv6/VLAN traffic, other routers' VRRP (passed), accepted
//     adverts (v2 and v3 IPv6, reported and suppressed), rejected adverts (early:
//     bad TTL; late: wrong password), BFD control packets (a repeat folded into its
//     session's record; one for no session, passed). Then the program's verifier statistics
//     (verified instructions, xlated and JITed bytes) from bpf_prog_info.
//  2. latency from the XDP timestamp (ts_ns, bpf_ktime_get_ns once the frame is ours) to
//     the userspace thread woken by the ring buffer's epoll fd, over a veth pair
//     between two namespaces, native and SKB mode: p50/p99/max.
// Needs root. Results go to stdout as a Markdown table.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "bpf/advert_filter.hpp"
#include "common/abi_convert.hpp"
#include "common/log.hpp"
#include "common/unique_fd.hpp"
#include "core/bfd_packet.hpp"
#include "core/packet.hpp"
#include "veth_lab.hpp"

namespace {

using xvrrp::IpAddress;
using xvrrp::bpf::AdvertFilter;
using xvrrp::bpf::XdpMode;
using namespace xvrrp::packet;

struct Options {
  bool prog_only = false;  // skip the veth latency part (no namespaces)
  int repeat = 500;        // BPF_PROG_TEST_RUN repeat per run (below the ring's capacity)
  int runs = 200;          // runs per case; the median of their per-packet averages is reported
  int count = 5000;        // adverts per latency measurement
  int interval_us = 200;   // gap between adverts
};

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Advert seed_advert(std::uint8_t vrid = 100) {
  Advert a;
  a.version = 2;
  a.vrid = vrid;
  a.priority = 100;
  a.advert_int_cs = 100;
  a.auth_type = XVRRP_AUTH_PASS;
  a.auth_data = {'4', 'h', '[', '-', '/', 'B', 'h', 'J'};
  a.addrs = {ip("192.0.2.100")};
  return a;
}

xvrrp_vrid_config seed_config(std::uint16_t flags) {
  xvrrp_vrid_config c{};
  c.version = 2;
  c.auth_type = XVRRP_AUTH_PASS;
  c.min_ttl = c.max_ttl = 255;
  c.advert_int_cs = 100;
  c.flags = flags;
  std::memcpy(c.auth_pass, "4h[-/BhJ", 8);
  return c;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(std::lround(p * static_cast<double>(sorted.size() - 1)));
  return sorted[std::min(i, sorted.size() - 1)];
}

// A program of raw instructions, for the baselines.
xvrrp::UniqueFd load_raw(const char* name, std::vector<bpf_insn> insns) {
  LIBBPF_OPTS(bpf_prog_load_opts, lo);
  int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", insns.data(), insns.size(), &lo);
  if (fd < 0) {
    std::fprintf(stderr, "loading %s: %s\n", name, std::strerror(errno));
    std::exit(1);
  }
  return xvrrp::UniqueFd(fd);
}

constexpr bpf_insn kMovR0Pass = {BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, XDP_PASS};
constexpr bpf_insn kExit = {BPF_JMP | BPF_EXIT, 0, 0, 0, 0};
constexpr bpf_insn kCallKtime = {BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ktime_get_ns};

// Kernel-measured average ns per packet of one BPF_PROG_TEST_RUN of `repeat`.
double test_run_ns(int prog_fd, const std::vector<std::uint8_t>& frame, int repeat,
                   std::uint32_t expect_action) {
  static std::vector<std::uint8_t> out(4096);
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  ctx.ingress_ifindex = 1;
  LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame.data(), .data_out = out.data(),
              .data_size_in = static_cast<__u32>(frame.size()),
              .data_size_out = static_cast<__u32>(out.size()), .ctx_in = &ctx,
              .ctx_size_in = sizeof(ctx), .repeat = repeat);
  if (bpf_prog_test_run_opts(prog_fd, &t) != 0) {
    std::fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", std::strerror(errno));
    std::exit(1);
  }
  if (t.retval != expect_action) {
    std::fprintf(stderr, "unexpected XDP action %u\n", t.retval);
    std::exit(1);
  }
  return static_cast<double>(t.duration);
}

struct Case {
  const char* name = "";
  std::vector<std::uint8_t> frame;
  std::uint32_t action = XDP_PASS;
  int repeat = 0;                           // 0: --repeat
  std::vector<double> xvrrp, empty, ktime;  // per run
};

void bench_prog_run(const Options& o) {
  AdvertFilter filter("bench-" + std::to_string(getpid()));
  auto key = make_vrid_key(1, 100, AF_INET);
  filter.set_instance(key, seed_config(XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER),
                      std::vector<xvrrp_peer_key>{make_peer_key(key, ip("192.0.2.5"))});
  auto dup_key = make_vrid_key(1, 101, AF_INET);
  filter.set_instance(
      dup_key, seed_config(XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER | XVRRP_CFG_SUPPRESS_DUPS),
      std::vector<xvrrp_peer_key>{make_peer_key(dup_key, ip("192.0.2.5"))});
  xvrrp_vrid_config v3{};
  v3.version = 3;
  v3.advert_int_cs = 10;
  filter.set_instance(make_vrid_key(1, 60, AF_INET6), v3, std::vector<xvrrp_peer_key>{});
  v3.flags = XVRRP_CFG_SUPPRESS_DUPS;
  filter.set_instance(make_vrid_key(1, 61, AF_INET6), v3, std::vector<xvrrp_peer_key>{});
  xvrrp_vrid_config hmac{};
  hmac.version = 3;
  hmac.advert_int_cs = 10;
  hmac.min_ttl = hmac.max_ttl = 255;
  hmac.flags = XVRRP_CFG_AUTH_HMAC | XVRRP_CFG_HMAC_REQUIRED;
  filter.set_instance(make_vrid_key(1, 70, AF_INET), hmac, std::vector<xvrrp_peer_key>{});
  const int fd = filter.test_run_prog_fd();
  const xvrrp::UniqueFd empty = load_raw("xvrrp_empty", {kMovR0Pass, kExit});
  const xvrrp::UniqueFd ktime = load_raw("xvrrp_ktime", {kCallKtime, kMovR0Pass, kExit});

  FrameOptions fo;
  fo.src_mac = {2, 0, 0, 0, 0, 5};
  fo.dst_mac = {2, 0, 0, 0, 0, 6};
  FrameOptions vlan = fo;
  vlan.vlan_tcis = {42};
  FrameOptions ttl64 = fo;
  ttl64.ttl = 64;
  Advert wrong = seed_advert();
  wrong.auth_data[0] = 'X';
  std::vector<std::uint8_t> udp_payload(18, 0x55);
  udp_payload[4] = 0;
  udp_payload[5] = 18;
  Advert a6;
  a6.version = 3;
  a6.vrid = 60;
  a6.priority = 150;
  a6.advert_int_cs = 10;
  a6.addrs = {ip("2001:db8::100")};
  Advert d6 = a6;
  d6.vrid = 61;
  const auto s4 = ip("192.0.2.5"), d4 = ip("192.0.2.6");
  const auto s6 = ip("fe80::5"), m6 = ip("ff02::12");

  std::vector<Case> cases;
  auto add = [&](const char* name, std::vector<std::uint8_t> frame, std::uint32_t action) {
    Case c;
    c.name = name;
    c.frame = std::move(frame);
    c.action = action;
    cases.push_back(std::move(c));
  };
  add("non-VRRP IPv4 UDP", build_frame(fo, s4, d4, 17, udp_payload), XDP_PASS);
  add("non-VRRP IPv6 UDP", build_frame(fo, ip("2001:db8::5"), ip("2001:db8::6"), 17, udp_payload),
      XDP_PASS);
  add("non-VRRP IPv4 UDP, VLAN-tagged", build_frame(vlan, s4, d4, 17, udp_payload), XDP_PASS);
  add("VRRP, VLAN-tagged (passed)", build_advert_frame(vlan, seed_advert(), s4, d4), XDP_PASS);
  add("VRRP, another router's VRID (passed)", build_advert_frame(fo, seed_advert(7), s4, d4),
      XDP_PASS);
  add("accepted v2 advert, reported", build_advert_frame(fo, seed_advert(), s4, d4), XDP_DROP);
  add("accepted v2 advert, suppressed duplicate", build_advert_frame(fo, seed_advert(101), s4, d4),
      XDP_DROP);
  add("accepted v3 IPv6 advert, reported", build_advert_frame(fo, a6, s6, m6), XDP_DROP);
  add("accepted v3 IPv6 advert, suppressed duplicate", build_advert_frame(fo, d6, s6, m6),
      XDP_DROP);
  add("rejected v2 advert, bad TTL (early)", build_advert_frame(ttl64, seed_advert(), s4, d4),
      XDP_DROP);
  add("rejected v2 advert, wrong password (late)", build_advert_frame(fo, wrong, s4, d4), XDP_DROP);
  // auth_hmac: every advert is reported whole (the MAC is checked in userspace).
  Advert h4;
  h4.version = 3;
  h4.vrid = 70;
  h4.priority = 150;
  h4.advert_int_cs = 10;
  h4.addrs = {ip("192.0.2.100")};
  const auto m4 = ip("224.0.0.18");
  std::vector<std::uint8_t> signed4 = xvrrp::packet::encode(h4, s4, m4);
  add("rejected v3 advert, auth_hmac trailer missing", build_frame(fo, s4, m4, 112, signed4),
      XDP_DROP);
  signed4.resize(signed4.size() + XVRRP_HMAC_TRAILER_LEN, 0x5a);
  signed4[signed4.size() - XVRRP_HMAC_TRAILER_LEN] = 1;  // ext_type
  signed4[signed4.size() - XVRRP_HMAC_TRAILER_LEN + 2] = 0;
  signed4[signed4.size() - XVRRP_HMAC_TRAILER_LEN + 3] = 0;
  add("accepted v3 advert with auth_hmac trailer, reported whole",
      build_frame(fo, s4, m4, 112, signed4), XDP_DROP);
  // Its 176-byte records: fewer per run, so that the ring never fills.
  cases.back().repeat = std::min(o.repeat, 300);

  // BFD (RFC 5881, UDP 3784) to a session the daemon registered: the first run records the
  // packet, every repeat after it is folded into the record and dropped.
  constexpr std::uint32_t kBfdOurs = 0x11223344, kBfdTheirs = 0x55667788;
  xvrrp_bfd_seen session{};
  session.family = xvrrp::to_abi_family(s4.family);
  xvrrp::to_abi(s4, session.neighbor);
  session.min_ttl = 255;
  filter.set_bfd_session(kBfdOurs, session);
  xvrrp::core::bfd::ControlPacket up;
  up.state = xvrrp::core::bfd::State::Up;
  up.detect_mult = 3;
  up.my_discriminator = kBfdTheirs;
  up.your_discriminator = kBfdOurs;
  up.desired_min_tx_us = up.required_min_rx_us = 10000;
  auto bfd_udp = [](const xvrrp::core::bfd::ControlPacket& p) {
    const auto body = xvrrp::core::bfd::encode(p);
    const std::size_t len = 8 + body.size();
    std::vector<std::uint8_t> u(len, 0);
    u[0] = 0xc0;  // source port 49200 (RFC 5881 §4: 49152-65535)
    u[1] = 0x30;
    u[2] = XVRRP_BFD_PORT >> 8;
    u[3] = XVRRP_BFD_PORT & 0xff;
    u[4] = static_cast<std::uint8_t>(len >> 8);
    u[5] = static_cast<std::uint8_t>(len);
    std::copy(body.begin(), body.end(), u.begin() + 8);
    return u;
  };
  add("BFD control, repeat folded", build_frame(fo, s4, d4, 17, bfd_udp(up)), XDP_DROP);
  xvrrp::core::bfd::ControlPacket other = up;
  other.your_discriminator = kBfdOurs + 1;
  add("BFD control, no such session (passed)", build_frame(fo, s4, d4, 17, bfd_udp(other)),
      XDP_PASS);

  // Runs interleave the three programs, so load changes hit all of them alike.
  for (int run = 0; run < o.runs; ++run) {
    for (auto& c : cases) {
      c.empty.push_back(test_run_ns(empty.get(), c.frame, o.repeat, XDP_PASS));
      c.ktime.push_back(test_run_ns(ktime.get(), c.frame, o.repeat, XDP_PASS));
      c.xvrrp.push_back(test_run_ns(fd, c.frame, c.repeat != 0 ? c.repeat : o.repeat, c.action));
      filter.consume([](const xvrrp_advert_event&) {});  // keep the ring from filling
    }
  }
  xvrrp_counters full = filter.counters(100);
  const xvrrp_counters full_hmac = filter.counters(70);
  if (full.rejected[XVRRP_REJECT_RINGBUF_FULL] + full_hmac.rejected[XVRRP_REJECT_RINGBUF_FULL] !=
      0) {
    std::fprintf(stderr, "ring buffer filled during the run: lower --repeat\n");
  }

  std::printf("### BPF_PROG_TEST_RUN, median of %d runs x %d repeats\n\n", o.runs, o.repeat);
  std::printf(
      "| packet | XDP action | xvrrp_xdp ns | empty program ns | ratio | ktime-only ns |\n"
      "|---|---|---|---|---|---|\n");
  for (const auto& c : cases) {
    const double x = median(c.xvrrp), e = median(c.empty), k = median(c.ktime);
    std::printf("| %s | %s | %.0f | %.0f | %.2fx | %.0f |\n", c.name,
                c.action == XDP_DROP ? "DROP" : "PASS", x, e, e > 0 ? x / e : 0.0, k);
  }

  bpf_prog_info info{};
  __u32 len = sizeof info;
  if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
    std::printf(
        "\n### Program size\n\n| verified instructions | xlated bytes (insns) | JITed bytes |\n"
        "|---|---|---|\n| %u | %u (%u) | %u |\n",
        info.verified_insns, info.xlated_prog_len, info.xlated_prog_len / 8, info.jited_prog_len);
  }
  std::printf("\n");
}

void bench_latency(const Options& o, XdpMode mode) {
  xvrrp::lab::VethLab lab("bench");
  lab.enter_a();
  int ifindex = xvrrp::lab::VethLab::ifindex(lab.if_a());
  AdvertFilter filter("bench-lat-" + std::to_string(getpid()));
  auto key = make_vrid_key(static_cast<std::uint32_t>(ifindex), 100, AF_INET);
  filter.set_instance(key, seed_config(XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER),
                      std::vector<xvrrp_peer_key>{make_peer_key(key, ip("192.0.2.2"))});
  filter.attach(ifindex, mode);

  FrameOptions fo;
  fo.src_mac = {2, 0, 0, 0, 0, 2};
  fo.dst_mac = {2, 0, 0, 0, 0, 1};
  auto frame = build_advert_frame(fo, seed_advert(), ip("192.0.2.2"), ip("192.0.2.1"));

  std::atomic<bool> sender_failed{false};
  std::thread sender([&] {
    // setns() is per thread: only the sender moves to namespace B.
    lab.enter_b();
    auto sock = xvrrp::lab::packet_socket(lab.if_b());
    for (int i = 0; i < o.count; ++i) {
      if (::send(sock.get(), frame.data(), frame.size(), 0) < 0) {
        sender_failed = true;
        return;
      }
      timespec gap{0, o.interval_us * 1000L};
      nanosleep(&gap, nullptr);
    }
  });

  xvrrp::UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
  epoll_event ev{};
  ev.events = EPOLLIN;
  epoll_ctl(ep.get(), EPOLL_CTL_ADD, filter.ring_fd(), &ev);
  std::vector<double> lat_us;
  lat_us.reserve(static_cast<std::size_t>(o.count));
  while (static_cast<int>(lat_us.size()) < o.count) {
    if (epoll_wait(ep.get(), &ev, 1, 2000) != 1) break;
    filter.consume([&](const xvrrp_advert_event& e) {
      lat_us.push_back(static_cast<double>(now_ns() - e.ts_ns) / 1000.0);
    });
  }
  sender.join();
  auto att = filter.attachments();
  std::sort(lat_us.begin(), lat_us.end());
  std::printf("| %s | %s | %zu/%d | %.1f | %.1f | %.1f |\n",
              att.empty() ? "?" : (att[0].native ? "native" : "skb"),
              att.empty() ? "?" : (att[0].dispatcher ? "dispatcher" : "legacy"), lat_us.size(),
              o.count, percentile(lat_us, 0.5), percentile(lat_us, 0.99),
              lat_us.empty() ? 0.0 : lat_us.back());
  if (sender_failed) std::fprintf(stderr, "sender: send() failed: %s\n", std::strerror(errno));
}

void usage() {
  std::fprintf(stderr,
               "usage: xvrrp-bench-xdp [--prog-only] [--repeat R] [--runs K] [--count N] "
               "[--interval-us U]\n"
               "  --prog-only      BPF_PROG_TEST_RUN only, no veth latency (no namespaces)\n"
               "  --repeat R       BPF_PROG_TEST_RUN repeat per run (default 500, max 500: "
               "the ring holds ~540)\n"
               "  --runs K         runs per case, median reported (default 200)\n"
               "  --count N        adverts per latency measurement (default 5000)\n"
               "  --interval-us U  gap between adverts over veth (default 200)\n");
}

int parse_int(const char* s, const char* name, int lo, int hi) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) {
    std::fprintf(stderr, "xvrrp-bench-xdp: %s must be an integer in [%d, %d], got '%s'\n", name, lo,
                 hi, s);
    std::exit(2);
  }
  return static_cast<int>(v);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  static const option longopts[] = {{"prog-only", no_argument, nullptr, 'p'},
                                    {"repeat", required_argument, nullptr, 'r'},
                                    {"runs", required_argument, nullptr, 'k'},
                                    {"count", required_argument, nullptr, 'n'},
                                    {"interval-us", required_argument, nullptr, 'i'},
                                    {"help", no_argument, nullptr, 'h'},
                                    {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", longopts, nullptr)) != -1) {
    switch (c) {
      case 'p':
        o.prog_only = true;
        break;
      case 'r':
        o.repeat = parse_int(optarg, "--repeat", 1, 500);
        break;
      case 'k':
        o.runs = parse_int(optarg, "--runs", 1, 100000);
        break;
      case 'n':
        o.count = parse_int(optarg, "--count", 1, 10000000);
        break;
      case 'i':
        o.interval_us = parse_int(optarg, "--interval-us", 0, 1000000);
        break;
      case 'h':
        usage();
        return 0;
      default:
        usage();
        return 2;
    }
  }
  if (geteuid() != 0) {
    std::fprintf(stderr, "xvrrp-bench-xdp: needs root (BPF_PROG_TEST_RUN, namespaces, XDP)\n");
    return 1;
  }
  xvrrp::log::set_level(xvrrp::log::Level::Error);
  try {
    bench_prog_run(o);
    if (o.prog_only) return 0;
    std::printf("### XDP timestamp -> userspace over veth, %d adverts, %d us apart\n\n", o.count,
                o.interval_us);
    std::printf("| mode | libxdp | received | p50 us | p99 us | max us |\n");
    std::printf("|---|---|---|---|---|---|\n");
    bench_latency(o, XdpMode::Native);
    bench_latency(o, XdpMode::Skb);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xvrrp-bench-xdp: %s\n", e.what());
    return 1;
  }
  return 0;
}
