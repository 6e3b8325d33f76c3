// SPDX-License-Identifier: GPL-2.0-or-later
// The XDP program's fold of BFD repeats (abi.h, xvrrp_bfd), run with BPF_PROG_TEST_RUN on
// the real object and its pinned maps. One case table: every row starts from a session
// whose record holds `base` (IPv4 or IPv6), runs one frame, and states the action and what
// became of the record.
#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bpf/advert_filter.hpp"
#include "common/abi_convert.hpp"
#include "common/ip_address.hpp"
#include "core/bfd_packet.hpp"
#include "xvrrp/abi.h"

namespace {

using xvrrp::IpAddress;
using xvrrp::bpf::AdvertFilter;
namespace bfd = xvrrp::core::bfd;

constexpr std::uint32_t kLoIfindex = 1;
constexpr std::uint32_t kOurDisc = 0x11223344;
constexpr std::uint32_t kOurDisc6 = 0x55667788;
constexpr std::uint32_t kTheirDisc = 0x0a0b0c0d;
constexpr std::uint8_t kMinTtl = 254;  // ttl 255, max_hops 1

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

// What one frame is made of; the table's rows change one thing.
struct Shape {
  bool v6 = false;
  std::string src = "192.0.2.5";
  std::uint8_t ttl = 255;
  std::uint16_t sport = 49200;
  std::uint16_t dport = XVRRP_BFD_PORT;
  bool fragment = false;        // IPv4 MF set
  std::size_t extra_bytes = 0;  // UDP payload beyond the 24-byte packet
  std::uint8_t ip_proto = 17;
  bfd::ControlPacket packet;
};

bfd::ControlPacket base_packet(std::uint32_t your) {
  bfd::ControlPacket p;
  p.state = bfd::State::Up;
  p.detect_mult = 3;
  p.my_discriminator = kTheirDisc;
  p.your_discriminator = your;
  p.desired_min_tx_us = 10000;
  p.required_min_rx_us = 10000;
  return p;
}

Shape base4() {
  Shape s;
  s.packet = base_packet(kOurDisc);
  return s;
}

Shape base6() {
  Shape s;
  s.v6 = true;
  s.src = "fe80::5";
  s.packet = base_packet(kOurDisc6);
  return s;
}

std::vector<std::uint8_t> build(const Shape& s) {
  std::vector<std::uint8_t> f = {0x02, 0, 0, 0, 0, 6, 0x02, 0, 0, 0, 0, 5};
  const auto bytes = bfd::encode(s.packet);
  const std::size_t udp_len = 8 + bytes.size() + s.extra_bytes;
  const IpAddress src = IpAddress::parse(s.src).value();
  if (s.v6) {
    const IpAddress dst = IpAddress::parse("fe80::6").value();
    f.insert(f.end(), {0x86, 0xdd, 0x60, 0, 0, 0});
    f.push_back(static_cast<std::uint8_t>(udp_len >> 8));
    f.push_back(static_cast<std::uint8_t>(udp_len));
    f.push_back(s.ip_proto);
    f.push_back(s.ttl);
    f.insert(f.end(), src.bytes.begin(), src.bytes.begin() + 16);
    f.insert(f.end(), dst.bytes.begin(), dst.bytes.begin() + 16);
  } else {
    const IpAddress dst = IpAddress::parse("192.0.2.6").value();
    const std::size_t tot = 20 + udp_len;
    f.insert(f.end(), {0x08, 0x00, 0x45, 0xc0});
    f.push_back(static_cast<std::uint8_t>(tot >> 8));
    f.push_back(static_cast<std::uint8_t>(tot));
    f.insert(f.end(), {0, 1, static_cast<std::uint8_t>(s.fragment ? 0x20 : 0x00), 0});
    f.push_back(s.ttl);
    f.push_back(s.ip_proto);
    f.insert(f.end(), {0, 0});  // the IP checksum: XDP does not read it
    f.insert(f.end(), src.bytes.begin(), src.bytes.begin() + 4);
    f.insert(f.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
  }
  f.push_back(static_cast<std::uint8_t>(s.sport >> 8));
  f.push_back(static_cast<std::uint8_t>(s.sport));
  f.push_back(static_cast<std::uint8_t>(s.dport >> 8));
  f.push_back(static_cast<std::uint8_t>(s.dport));
  f.push_back(static_cast<std::uint8_t>(udp_len >> 8));
  f.push_back(static_cast<std::uint8_t>(udp_len));
  f.insert(f.end(), {0x12, 0x34});  // the UDP checksum is compared, not verified
  f.insert(f.end(), bytes.begin(), bytes.end());
  f.insert(f.end(), s.extra_bytes, 0);
  return f;
}

enum class Record { Unchanged, Folded, Replaced };

struct Case {
  const char* what;
  std::function<void(Shape&)> change;  // applied to the row's base
  bool v6;
  std::uint32_t action;
  Record record;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"a repeat is folded", [](Shape&) {}, false, XDP_DROP, Record::Folded},
      {"an IPv6 repeat is folded", [](Shape&) {}, true, XDP_DROP, Record::Folded},
      {"a state change passes and is recorded", [](Shape& s) { s.packet.state = bfd::State::Down; },
       false, XDP_PASS, Record::Replaced},
      {"a new interval passes and is recorded",
       [](Shape& s) { s.packet.desired_min_tx_us = 20000; }, false, XDP_PASS, Record::Replaced},
      {"a diag change passes and is recorded",
       [](Shape& s) { s.packet.diag = bfd::Diag::NeighborSignaledDown; }, false, XDP_PASS,
       Record::Replaced},
      {"another source port passes and is recorded", [](Shape& s) { s.sport = 49201; }, false,
       XDP_PASS, Record::Replaced},
      {"a Poll passes, not recorded", [](Shape& s) { s.packet.poll = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"a Final passes, not recorded", [](Shape& s) { s.packet.final = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"an IPv6 Poll passes, not recorded", [](Shape& s) { s.packet.poll = true; }, true, XDP_PASS,
       Record::Unchanged},
      {"the A bit passes", [](Shape& s) { s.packet.auth = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"the D bit passes", [](Shape& s) { s.packet.demand = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"the M bit passes", [](Shape& s) { s.packet.multipoint = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"version 0 passes", [](Shape& s) { s.packet.version = 0; }, false, XDP_PASS,
       Record::Unchanged},
      {"detect mult 0 passes", [](Shape& s) { s.packet.detect_mult = 0; }, false, XDP_PASS,
       Record::Unchanged},
      {"my discriminator 0 passes", [](Shape& s) { s.packet.my_discriminator = 0; }, false,
       XDP_PASS, Record::Unchanged},
      {"your discriminator 0 passes", [](Shape& s) { s.packet.your_discriminator = 0; }, false,
       XDP_PASS, Record::Unchanged},
      {"an unknown discriminator passes",
       [](Shape& s) { s.packet.your_discriminator = kOurDisc + 1; }, false, XDP_PASS,
       Record::Unchanged},
      {"the IPv6 session's discriminator over IPv4 passes",
       [](Shape& s) { s.packet.your_discriminator = kOurDisc6; }, false, XDP_PASS,
       Record::Unchanged},
      {"another source passes", [](Shape& s) { s.src = "192.0.2.7"; }, false, XDP_PASS,
       Record::Unchanged},
      {"another IPv6 source passes", [](Shape& s) { s.src = "fe80::7"; }, true, XDP_PASS,
       Record::Unchanged},
      {"a TTL below min_ttl passes", [](Shape& s) { s.ttl = kMinTtl - 1; }, false, XDP_PASS,
       Record::Unchanged},
      {"a TTL at min_ttl is folded", [](Shape& s) { s.ttl = kMinTtl; }, false, XDP_DROP,
       Record::Folded},
      {"a hop limit below min_ttl passes", [](Shape& s) { s.ttl = kMinTtl - 1; }, true, XDP_PASS,
       Record::Unchanged},
      {"port 3785 passes", [](Shape& s) { s.dport = 3785; }, false, XDP_PASS, Record::Unchanged},
      {"a longer UDP payload passes", [](Shape& s) { s.extra_bytes = 4; }, false, XDP_PASS,
       Record::Unchanged},
      {"an IPv4 fragment passes", [](Shape& s) { s.fragment = true; }, false, XDP_PASS,
       Record::Unchanged},
      {"TCP to port 3784 passes", [](Shape& s) { s.ip_proto = 6; }, false, XDP_PASS,
       Record::Unchanged},
  };
  return table;
}

class XdpBfdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (BPF_PROG_TEST_RUN, bpffs pins)";
    filter_ = std::make_unique<AdvertFilter>("bpfbfd-" + std::to_string(getpid()));
    prog_fd_ = filter_->test_run_prog_fd();
  }
  void TearDown() override { filter_.reset(); }

  void add_session(std::uint32_t disc, const char* neighbor) {
    const IpAddress n = IpAddress::parse(neighbor).value();
    xvrrp_bfd_seen e{};
    e.family = xvrrp::to_abi_family(n.family);
    xvrrp::to_abi(n, e.neighbor);
    e.min_ttl = kMinTtl;
    ASSERT_TRUE(filter_->set_bfd_session(disc, e));
  }

  // Returns the XDP action; out receives the frame as the program left it.
  std::uint32_t run(const std::vector<std::uint8_t>& frame, std::vector<std::uint8_t>* out) {
    std::vector<std::uint8_t> buf(frame.size() + 256);
    xdp_md ctx{};
    ctx.data_end = static_cast<__u32>(frame.size());
    ctx.ingress_ifindex = kLoIfindex;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = buf.data(),
                .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(buf.size()), .ctx_in = &ctx,
                .ctx_size_in = sizeof(ctx), .repeat = 1);
    EXPECT_EQ(bpf_prog_test_run_opts(prog_fd_, &opts), 0);
    buf.resize(opts.data_size_out);
    if (out != nullptr) *out = buf;
    return opts.retval;
  }

  xvrrp_bfd_seen seen(std::uint32_t disc) {
    auto v = filter_->bfd_seen(disc);
    EXPECT_TRUE(v.has_value());
    return v.value_or(xvrrp_bfd_seen{});
  }

  static std::vector<std::uint8_t> record_of(const std::vector<std::uint8_t>& frame, bool v6) {
    const std::size_t off = 14 + (v6 ? 40 : 20);
    return {frame.begin() + static_cast<std::ptrdiff_t>(off),
            frame.begin() + static_cast<std::ptrdiff_t>(off + XVRRP_BFD_RECORD_LEN)};
  }

  std::unique_ptr<AdvertFilter> filter_;
  int prog_fd_ = -1;
};

TEST_F(XdpBfdTest, EveryRowReachesItsVerdict) {
  for (const Case& c : cases()) {
    SCOPED_TRACE(c.what);
    const std::uint32_t disc = c.v6 ? kOurDisc6 : kOurDisc;
    add_session(kOurDisc, "192.0.2.5");
    add_session(kOurDisc6, "fe80::5");
    const Shape base = c.v6 ? base6() : base4();
    const auto base_frame = build(base);
    // The first packet of a session passes and becomes its record.
    ASSERT_EQ(run(base_frame, nullptr), XDP_PASS);
    const xvrrp_bfd_seen before = seen(disc);
    ASSERT_EQ(before.valid, 1);
    ASSERT_EQ(std::vector<std::uint8_t>(before.packet, before.packet + XVRRP_BFD_RECORD_LEN),
              record_of(base_frame, c.v6));

    Shape shape = base;
    c.change(shape);
    const auto frame = build(shape);
    std::vector<std::uint8_t> out;
    const std::uint64_t t0 = now_ns();
    EXPECT_EQ(run(frame, &out), c.action);
    if (c.action == XDP_PASS) {
      EXPECT_EQ(out, frame) << "a passed frame is untouched";
    }
    const xvrrp_bfd_seen after = seen(disc);
    const std::vector<std::uint8_t> rec(after.packet, after.packet + XVRRP_BFD_RECORD_LEN);
    switch (c.record) {
      case Record::Unchanged:
        EXPECT_EQ(0, std::memcmp(&before, &after, sizeof before));
        break;
      case Record::Folded:
        EXPECT_EQ(after.folded, before.folded + 1);
        EXPECT_GE(after.ts_ns, t0);
        EXPECT_EQ(rec, record_of(base_frame, c.v6));
        break;
      case Record::Replaced:
        EXPECT_EQ(after.folded, before.folded);
        EXPECT_GE(after.ts_ns, t0);
        EXPECT_EQ(rec, record_of(frame, c.v6));
        // ...and its repeat is folded from now on.
        EXPECT_EQ(run(frame, nullptr), static_cast<std::uint32_t>(XDP_DROP));
        EXPECT_EQ(seen(disc).folded, before.folded + 1);
        break;
    }
    filter_->remove_bfd_session(kOurDisc);
    filter_->remove_bfd_session(kOurDisc6);
  }
}

TEST_F(XdpBfdTest, AnUnregisteredSessionFoldsNothing) {
  const auto frame = build(base4());
  EXPECT_EQ(run(frame, nullptr), XDP_PASS);
  EXPECT_EQ(run(frame, nullptr), XDP_PASS);
  add_session(kOurDisc, "192.0.2.5");
  EXPECT_EQ(run(frame, nullptr), XDP_PASS);
  EXPECT_EQ(run(frame, nullptr), XDP_DROP);
  filter_->remove_bfd_session(kOurDisc);
  EXPECT_FALSE(filter_->bfd_seen(kOurDisc).has_value());
  EXPECT_EQ(run(frame, nullptr), XDP_PASS);
}

TEST_F(XdpBfdTest, ReRegisteringResetsTheRecord) {
  add_session(kOurDisc, "192.0.2.5");
  const auto frame = build(base4());
  EXPECT_EQ(run(frame, nullptr), XDP_PASS);
  EXPECT_EQ(run(frame, nullptr), XDP_DROP);
  add_session(kOurDisc, "192.0.2.5");
  const xvrrp_bfd_seen s = seen(kOurDisc);
  EXPECT_EQ(s.valid, 0);
  EXPECT_EQ(s.folded, 0u);
  EXPECT_EQ(run(frame, nullptr), XDP_PASS) << "the next packet reaches the socket again";
}

}  // namespace
