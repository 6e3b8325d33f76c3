// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp-bench-xdp: cost of the XDP advert filter.
//  1. ns per packet through BPF_PROG_TEST_RUN (repeat R, median over K runs) for
//     an accepted advert (reported, and suppressed as duplicate), a rejected
//     advert (early: unknown VRID; late: wrong password, after checksum) and a
//     non-VRRP UDP packet.
//  2. latency from the XDP timestamp (ts_ns, bpf_ktime_get_ns at XDP entry) to
//     the userspace thread woken by the ring buffer's epoll fd, over a veth pair
//     between two namespaces, native and SKB mode: p50/p99/max.
// Needs root. Results go to stdout as a Markdown table.
#include <bpf/bpf.h>
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
#include "common/log.hpp"
#include "core/packet.hpp"
#include "veth_lab.hpp"

namespace {

using xvrrp::IpAddress;
using xvrrp::bpf::AdvertFilter;
using xvrrp::bpf::XdpMode;
using namespace xvrrp::packet;

struct Options {
  int repeat = 1000;      // BPF_PROG_TEST_RUN repeat per run (below the ring's capacity)
  int runs = 200;         // runs per case; the median of their per-packet averages is reported
  int count = 5000;       // adverts per latency measurement
  int interval_us = 200;  // gap between adverts
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

// Median over opts.runs of the kernel-measured average ns per run.
double prog_test_ns(AdvertFilter& filter, int prog_fd, const std::vector<std::uint8_t>& frame,
                    const Options& o, std::uint32_t expect_action) {
  std::vector<double> per_run;
  std::vector<std::uint8_t> out(frame.size() + 256);
  for (int i = 0; i < o.runs; ++i) {
    xdp_md ctx{};
    ctx.data_end = static_cast<__u32>(frame.size());
    ctx.ingress_ifindex = 1;
    LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame.data(), .data_out = out.data(),
                .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(out.size()), .ctx_in = &ctx,
                .ctx_size_in = sizeof(ctx), .repeat = o.repeat);
    if (bpf_prog_test_run_opts(prog_fd, &t) != 0) {
      std::fprintf(stderr, "BPF_PROG_TEST_RUN: %s\n", std::strerror(errno));
      std::exit(1);
    }
    if (t.retval != expect_action) {
      std::fprintf(stderr, "unexpected XDP action %u\n", t.retval);
      std::exit(1);
    }
    per_run.push_back(static_cast<double>(t.duration));
    filter.consume([](const xvrrp_advert_event&) {});  // keep the ring from filling
  }
  return median(per_run);
}

void bench_prog_run(const Options& o) {
  AdvertFilter filter("bench-" + std::to_string(getpid()));
  auto key = make_vrid_key(1, 100, AF_INET);
  filter.set_instance(key, seed_config(XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER),
                      {make_peer_key(key, ip("192.0.2.5"))});
  auto dup_key = make_vrid_key(1, 101, AF_INET);
  filter.set_instance(
      dup_key, seed_config(XVRRP_CFG_UNICAST | XVRRP_CFG_CHECK_PEER | XVRRP_CFG_SUPPRESS_DUPS),
      {make_peer_key(dup_key, ip("192.0.2.5"))});
  int fd = filter.test_run_prog_fd();

  FrameOptions fo;
  fo.src_mac = {2, 0, 0, 0, 0, 5};
  fo.dst_mac = {2, 0, 0, 0, 0, 6};
  auto accepted = build_advert_frame(fo, seed_advert(), ip("192.0.2.5"), ip("192.0.2.6"));
  auto duplicate = build_advert_frame(fo, seed_advert(101), ip("192.0.2.5"), ip("192.0.2.6"));
  auto unknown = build_advert_frame(fo, seed_advert(7), ip("192.0.2.5"), ip("192.0.2.6"));
  Advert wrong = seed_advert();
  wrong.auth_data[0] = 'X';
  auto bad_pass = build_advert_frame(fo, wrong, ip("192.0.2.5"), ip("192.0.2.6"));
  std::vector<std::uint8_t> udp_payload(18, 0x55);
  udp_payload[4] = 0;
  udp_payload[5] = 18;
  auto udp = build_frame(fo, ip("192.0.2.5"), ip("192.0.2.6"), 17, udp_payload);

  std::printf("### BPF_PROG_TEST_RUN, median of %d runs x %d repeats\n\n", o.runs, o.repeat);
  std::printf("| packet | XDP action | ns/packet |\n|---|---|---|\n");
  struct Case {
    const char* name;
    const std::vector<std::uint8_t>* frame;
    std::uint32_t action;
  } cases[] = {
      {"accepted v2 advert, reported to the ring buffer", &accepted, XDP_DROP},
      {"accepted v2 advert, suppressed duplicate", &duplicate, XDP_DROP},
      {"rejected v2 advert, unknown VRID (early)", &unknown, XDP_DROP},
      {"rejected v2 advert, wrong password (late)", &bad_pass, XDP_DROP},
      {"non-VRRP (IPv4 UDP)", &udp, XDP_PASS},
  };
  for (const auto& c : cases) {
    double ns = prog_test_ns(filter, fd, *c.frame, o, c.action);
    std::printf("| %s | %s | %.0f |\n", c.name, c.action == XDP_DROP ? "DROP" : "PASS", ns);
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
                      {make_peer_key(key, ip("192.0.2.2"))});
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
               "usage: xvrrp-bench-xdp [--repeat R] [--runs K] [--count N] [--interval-us U]\n"
               "  --repeat R       BPF_PROG_TEST_RUN repeat per run (default 1000, max 2000)\n"
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
  static const option longopts[] = {
      {"repeat", required_argument, nullptr, 'r'}, {"runs", required_argument, nullptr, 'k'},
      {"count", required_argument, nullptr, 'n'},  {"interval-us", required_argument, nullptr, 'i'},
      {"help", no_argument, nullptr, 'h'},         {nullptr, 0, nullptr, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", longopts, nullptr)) != -1) {
    switch (c) {
      case 'r':
        o.repeat = parse_int(optarg, "--repeat", 1, 2000);
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
