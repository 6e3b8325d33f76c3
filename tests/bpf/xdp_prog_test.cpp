// SPDX-License-Identifier: GPL-2.0-or-later
// Runs the real XDP object (loaded through AdvertFilter, so the maps are the
// pinned production maps) with BPF_PROG_TEST_RUN over every row of the receive
// case table (tests/support/receive_cases.hpp) and a few sequences (ring full,
// duplicate suppression, jitter, truncation, pins). For every frame it checks
// the XDP action, the output bytes (passed frames), the ring-buffer record,
// the counter deltas of lo's entries, and that xvrrp::packet::validate_frame
// (the C++ mirror of the same rules) reaches the same verdict and event.
#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bpf/advert_filter.hpp"
#include "common/abi_convert.hpp"
#include "core/packet.hpp"
#include "support/receive_cases.hpp"
#include "support/seed_fixtures.hpp"
#include "xvrrp/abi.h"

namespace {

using xvrrp::IpAddress;
using xvrrp::bpf::AdvertFilter;
using namespace xvrrp::packet;
using namespace xvrrp::test_support;

constexpr std::uint32_t kLoIfindex =
    1;  // BPF_PROG_TEST_RUN needs a real device for ingress_ifindex
constexpr std::uint32_t kSlots = 512;

std::uint32_t slot_of(const xvrrp_vrid_key& key) {
  return key.vrid + (key.family == XVRRP_AF_INET6 ? 256u : 0u);
}

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

using AllCounters = std::vector<xvrrp_counters>;

struct RunResult {
  int err = 0;  // bpf_prog_test_run_opts() return (0 or -errno)
  std::uint32_t action = 0;
  std::vector<std::uint8_t> out;
  std::vector<xvrrp_advert_event> events;
  std::vector<std::vector<std::uint8_t>> payloads;  // one per event (empty without one)
  AllCounters delta;                                // after - before, per slot
  std::uint64_t t_before = 0, t_after = 0;
};

std::vector<std::uint8_t> seed_frame(FrameOptions fo = {}, Advert a = seed_advert(),
                                     const char* src = "192.0.2.5") {
  fo.src_mac = {0x02, 0, 0, 0, 0, 5};
  fo.dst_mac = {0x02, 0, 0, 0, 0, 6};
  return build_advert_frame(fo, a, ip(src), ip("192.0.2.6"));
}

class XdpProgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (BPF_PROG_TEST_RUN, bpffs pins)";
    filter_ = std::make_unique<AdvertFilter>("bpftest-" + std::to_string(getpid()));
    prog_fd_ = filter_->test_run_prog_fd();

    // The receive case table's instances: VRID 100 (the seed, unicast, peer
    // 192.0.2.5), 101 (per-peer TTL ranges), 50 (v3 IPv4), 60 (v3 IPv6).
    for (const auto& inst : case_instances()) {
      filter_->set_instance(inst.key, inst.cfg, inst.peers);
      tables_.set_vrid(inst.key, inst.cfg);
      for (const auto& [peer, value] : inst.peers) tables_.add_peer(peer, value);
    }
  }

  void TearDown() override { filter_.reset(); }

  void configure(std::uint8_t vrid, int family, const xvrrp_vrid_config& cfg,
                 const std::vector<IpAddress>& peers) {
    std::vector<std::pair<IpAddress, xvrrp_peer_value>> with_ttl;
    for (const auto& p : peers) with_ttl.emplace_back(p, kAnyTtlPeer);
    configure(vrid, family, cfg, with_ttl);
  }
  void configure(std::uint8_t vrid, int family, const xvrrp_vrid_config& cfg,
                 const std::vector<std::pair<IpAddress, xvrrp_peer_value>>& peers) {
    auto key = make_vrid_key(kLoIfindex, vrid, family);
    std::vector<std::pair<xvrrp_peer_key, xvrrp_peer_value>> pk;
    for (const auto& [addr, value] : peers) pk.emplace_back(make_peer_key(key, addr), value);
    filter_->set_instance(key, cfg, pk);
    tables_.erase_vrid(key);
    tables_.set_vrid(key, cfg);
    for (const auto& [k, value] : pk) tables_.add_peer(k, value);
  }

  // Counters of lo's entries, indexed vrid + 256 for IPv6 (vrid 0: not ours).
  AllCounters snapshot() const {
    AllCounters all(kSlots);
    for (const auto& [key, c] : filter_->all_counters()) {
      if (key.ifindex == kLoIfindex) all[slot_of(key)] = c;
    }
    return all;
  }

  // drain = false leaves the ring's records in place (to fill it).
  RunResult run(const std::vector<std::uint8_t>& frame, int repeat = 1, bool drain = true) {
    RunResult r;
    AllCounters before = snapshot();
    r.out.resize(frame.size() + 256);
    xdp_md ctx{};
    ctx.data_end = static_cast<__u32>(frame.size());
    ctx.ingress_ifindex = kLoIfindex;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(), .data_out = r.out.data(),
                .data_size_in = static_cast<__u32>(frame.size()),
                .data_size_out = static_cast<__u32>(r.out.size()), .ctx_in = &ctx,
                .ctx_size_in = sizeof(ctx), .repeat = repeat);
    r.t_before = now_ns();
    r.err = bpf_prog_test_run_opts(prog_fd_, &opts);
    r.t_after = now_ns();
    if (r.err == 0) {
      r.action = opts.retval;
      r.out.resize(opts.data_size_out);
    }
    if (drain)
      filter_->consume([&](const xvrrp_advert_event& ev, std::span<const std::uint8_t> payload) {
        r.events.push_back(ev);
        r.payloads.emplace_back(payload.begin(), payload.end());
      });
    AllCounters after = snapshot();
    r.delta.resize(kSlots);
    for (std::uint32_t s = 0; s < kSlots; ++s) {
      r.delta[s].accepted = after[s].accepted - before[s].accepted;
      r.delta[s].suppressed = after[s].suppressed - before[s].suppressed;
      for (int k = 0; k < XVRRP_REJECT_MAX; ++k)
        r.delta[s].rejected[k] = after[s].rejected[k] - before[s].rejected[k];
    }
    return r;
  }

  // Every counter delta is zero except the ones named.
  static void expect_only(const RunResult& r, std::optional<std::uint32_t> slot, int reason,
                          std::uint64_t accepted, const std::string& what) {
    for (std::uint32_t s = 0; s < kSlots; ++s) {
      const auto& d = r.delta[s];
      bool mine = slot && *slot == s;
      EXPECT_EQ(d.accepted, mine ? accepted : 0) << what << " slot " << s;
      EXPECT_EQ(d.suppressed, 0u) << what << " slot " << s;
      for (int k = 0; k < XVRRP_REJECT_MAX; ++k) {
        EXPECT_EQ(d.rejected[k], (mine && k == reason) ? 1u : 0u)
            << what << " slot " << s << " reason " << reject_reason_name(k);
      }
    }
  }

  static void expect_same_event(const xvrrp_advert_event& bpf, const xvrrp_advert_event& cpp,
                                const std::string& what) {
    EXPECT_EQ(bpf.ifindex, cpp.ifindex) << what;
    EXPECT_EQ(bpf.family, cpp.family) << what;
    EXPECT_EQ(bpf.version, cpp.version) << what;
    EXPECT_EQ(bpf.vrid, cpp.vrid) << what;
    EXPECT_EQ(bpf.priority, cpp.priority) << what;
    EXPECT_EQ(0, std::memcmp(bpf.src, cpp.src, sizeof(bpf.src))) << what;
    EXPECT_EQ(bpf.advert_int_cs, cpp.advert_int_cs) << what;
    EXPECT_EQ(bpf.naddrs, cpp.naddrs) << what;
    EXPECT_EQ(bpf.flags, cpp.flags) << what;
    EXPECT_EQ(bpf.addr_hash, cpp.addr_hash) << what;
    EXPECT_EQ(bpf.ttl, cpp.ttl) << what;
    EXPECT_EQ(0, std::memcmp(bpf.pad, cpp.pad, sizeof(bpf.pad))) << what;
    EXPECT_EQ(0, std::memcmp(bpf.addrs, cpp.addrs, sizeof(bpf.addrs))) << what;
  }

  // The C++ validator must agree with what BPF did.
  void cross_check(const std::vector<std::uint8_t>& frame, const RunResult& r,
                   const std::string& what) {
    Verdict v = validate_frame(frame, kLoIfindex, r.t_before, tables_);
    switch (v.kind) {
      case Verdict::Kind::NotVrrp:
        EXPECT_EQ(r.action, XDP_PASS) << what << ": C++ says not VRRP";
        EXPECT_EQ(r.out, frame) << what;
        expect_only(r, std::nullopt, -1, 0, what);
        break;
      case Verdict::Kind::NotOurs:
        EXPECT_EQ(r.action, XDP_PASS) << what << ": C++ says not ours";
        EXPECT_EQ(r.out, frame) << what;
        EXPECT_EQ(v.counter_key.vrid, XVRRP_VRID_NOT_OURS) << what;
        expect_only(r, slot_of(v.counter_key), v.reason, 0, what);
        break;
      case Verdict::Kind::Rejected:
        EXPECT_EQ(r.action, XDP_DROP) << what;
        EXPECT_EQ(r.delta[slot_of(v.counter_key)].rejected[v.reason], 1u)
            << what << ": C++ rejects as " << reject_reason_name(v.reason) << " in slot "
            << slot_of(v.counter_key);
        break;
      case Verdict::Kind::Accepted:
        EXPECT_EQ(r.action, XDP_DROP) << what;
        EXPECT_EQ(r.delta[slot_of(v.counter_key)].accepted, 1u) << what << ": C++ accepts";
        if (r.events.size() == 1) {
          expect_same_event(r.events[0], v.event, what);
          EXPECT_EQ(r.payloads[0], std::vector<std::uint8_t>(v.payload.begin(), v.payload.end()))
              << what << ": the record's payload is what the socket path verifies";
        }
        break;
    }
  }

  // Runs `frame` expecting a reject of `reason` in `slot`.
  void expect_reject(const std::vector<std::uint8_t>& frame, std::uint32_t slot, int reason,
                     const std::string& what) {
    SCOPED_TRACE(what);
    RunResult r = run(frame);
    ASSERT_EQ(r.err, 0);
    EXPECT_EQ(r.action, XDP_DROP);
    EXPECT_TRUE(r.events.empty());
    expect_only(r, slot, reason, 0, what);
    cross_check(frame, r, what);
  }

  // Runs `frame` expecting acceptance and one record; returns it.
  xvrrp_advert_event expect_accept(const std::vector<std::uint8_t>& frame, std::uint32_t slot,
                                   const std::string& what) {
    SCOPED_TRACE(what);
    RunResult r = run(frame);
    EXPECT_EQ(r.err, 0);
    EXPECT_EQ(r.action, XDP_DROP);
    expect_only(r, slot, -1, 1, what);
    cross_check(frame, r, what);
    EXPECT_EQ(r.events.size(), 1u);
    if (r.events.empty()) return {};
    const auto& ev = r.events[0];
    EXPECT_GE(ev.ts_ns, r.t_before);
    EXPECT_LE(ev.ts_ns, r.t_after);
    EXPECT_EQ(ev.ifindex, kLoIfindex);
    return ev;
  }

  void expect_pass_unchanged(const std::vector<std::uint8_t>& frame, const std::string& what) {
    SCOPED_TRACE(what);
    RunResult r = run(frame);
    ASSERT_EQ(r.err, 0);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, frame) << "XDP_PASS frames must leave byte for byte";
    EXPECT_TRUE(r.events.empty());
    cross_check(frame, r, what);  // counted nowhere, or in the not-ours entry
  }

  std::unique_ptr<AdvertFilter> filter_;
  MapTables tables_;
  int prog_fd_ = -1;
};

// The named view that bpftool prints must alias the indexed counters.
#define XVRRP_NAMED_AT(field, reason)                                 \
  static_assert(offsetof(xvrrp_counters, rejected_by_reason.field) == \
                offsetof(xvrrp_counters, rejected) + 8 * (reason))
XVRRP_NAMED_AT(too_short, XVRRP_REJECT_TOO_SHORT);
XVRRP_NAMED_AT(bad_ttl, XVRRP_REJECT_BAD_TTL);
XVRRP_NAMED_AT(bad_version, XVRRP_REJECT_BAD_VERSION);
XVRRP_NAMED_AT(bad_type, XVRRP_REJECT_BAD_TYPE);
XVRRP_NAMED_AT(bad_checksum, XVRRP_REJECT_BAD_CHECKSUM);
XVRRP_NAMED_AT(unknown_vrid, XVRRP_REJECT_UNKNOWN_VRID);
XVRRP_NAMED_AT(unknown_peer, XVRRP_REJECT_UNKNOWN_PEER);
XVRRP_NAMED_AT(auth_mismatch, XVRRP_REJECT_AUTH_MISMATCH);
XVRRP_NAMED_AT(interval_mismatch, XVRRP_REJECT_INTERVAL_MISMATCH);
XVRRP_NAMED_AT(length_mismatch, XVRRP_REJECT_LENGTH_MISMATCH);
XVRRP_NAMED_AT(ringbuf_full, XVRRP_REJECT_RINGBUF_FULL);
XVRRP_NAMED_AT(bad_dest, XVRRP_REJECT_BAD_DEST);
#undef XVRRP_NAMED_AT

// Offsets in an untagged IPv4 frame without options.
constexpr std::size_t kIp4 = 14;
constexpr std::size_t kMsg4 = 14 + 20;

TEST_F(XdpProgTest, SeedV2AdvertIsAcceptedAndReported) {
  auto frame = seed_frame();
  ASSERT_EQ(frame.size(), kMsg4 + 8 + 4 + 8);
  auto ev = expect_accept(frame, 100, "seed v2");
  EXPECT_EQ(ev.family, XVRRP_AF_INET);
  EXPECT_EQ(ev.version, 2);
  EXPECT_EQ(ev.vrid, 100);
  EXPECT_EQ(ev.priority, 100);
  EXPECT_EQ(ev.advert_int_cs, 100);
  EXPECT_EQ(ev.naddrs, 1);
  EXPECT_EQ(ev.ttl, 255);
  EXPECT_EQ(ev.flags, 0);
  EXPECT_EQ(ev.src[0], ip("192.0.2.5").v4_be());
  EXPECT_EQ(ev.src[1] | ev.src[2] | ev.src[3], 0u);
  EXPECT_EQ(ev.addrs[0], ip("192.0.2.100").v4_be());
  for (int i = 1; i < XVRRP_EVENT_ADDR_WORDS; ++i) EXPECT_EQ(ev.addrs[i], 0u);
  std::uint32_t w = ip("192.0.2.100").v4_be();
  std::uint32_t h = (XVRRP_ADDR_HASH_SEED ^ w) * XVRRP_ADDR_HASH_PRIME;
  EXPECT_EQ(ev.addr_hash, h);

  // The jitter histogram now knows the source; a second advert adds one gap.
  auto peer = make_peer_key(make_vrid_key(kLoIfindex, 100, AF_INET), ip("192.0.2.5"));
  auto j1 = filter_->jitter(peer);
  ASSERT_TRUE(j1.has_value());
  EXPECT_EQ(j1->samples, 0u);
  expect_accept(frame, 100, "seed v2 again");
  auto j2 = filter_->jitter(peer);
  ASSERT_TRUE(j2.has_value());
  EXPECT_EQ(j2->samples, 1u);
  EXPECT_GT(j2->last_ns, j1->last_ns);
  std::uint64_t total = 0;
  for (auto b : j2->bucket) total += b;
  EXPECT_EQ(total, 1u);
}

// ---- The receive case table: the XDP program and the C++ validator on every row ----

class XdpCaseTest : public XdpProgTest, public ::testing::WithParamInterface<ReceiveCase> {};

TEST_P(XdpCaseTest, ProgramReachesTheRowsVerdict) {
  const ReceiveCase& c = GetParam();
  RunResult r = run(c.frame);
  ASSERT_EQ(r.err, 0);
  const bool passes = c.verdict == Verdict::Kind::NotVrrp || c.verdict == Verdict::Kind::NotOurs;
  EXPECT_EQ(r.action, passes ? XDP_PASS : XDP_DROP);
  if (passes) {
    EXPECT_EQ(r.out, c.frame) << "XDP_PASS frames must leave byte for byte";
  }
  if (c.verdict == Verdict::Kind::NotVrrp) {
    expect_only(r, std::nullopt, -1, 0, c.name);
  } else {
    EXPECT_EQ(c.key.ifindex, kLoIfindex);
    expect_only(r, slot_of(c.key), c.reason, c.verdict == Verdict::Kind::Accepted ? 1 : 0, c.name);
  }
  ASSERT_EQ(r.events.size(), c.event ? 1u : 0u);
  if (c.event) {
    const xvrrp_advert_event& ev = r.events[0];
    EXPECT_EQ(ev.version, c.event->version);
    EXPECT_EQ(ev.vrid, c.event->vrid);
    EXPECT_EQ(ev.priority, c.event->priority);
    EXPECT_EQ(ev.naddrs, c.event->naddrs);
    EXPECT_EQ(ev.flags, c.event->flags);
    EXPECT_EQ(ev.ttl, c.event->ttl);
    EXPECT_EQ(ev.advert_int_cs, c.event->advert_int_cs);
    EXPECT_EQ(r.payloads[0].size(), c.event->payload_len);
    if (c.event->payload_len != 0) {
      const std::size_t ip_hdr = ev.family == XVRRP_AF_INET6 ? 40 : 20;
      EXPECT_TRUE(std::equal(r.payloads[0].begin(), r.payloads[0].end(),
                             c.frame.begin() + static_cast<std::ptrdiff_t>(14 + ip_hdr)))
          << "the payload is the frame's, byte for byte";
    }
    EXPECT_EQ(ev.ifindex, kLoIfindex);
    EXPECT_GE(ev.ts_ns, r.t_before);
    EXPECT_LE(ev.ts_ns, r.t_after);
  }
  cross_check(c.frame, r, c.name);  // the C++ validator agrees, event included
}

INSTANTIATE_TEST_SUITE_P(Table, XdpCaseTest, ::testing::ValuesIn(receive_cases()),
                         [](const auto& info) { return info.param.name; });

TEST_F(XdpProgTest, RingBufferFullIsCounted) {
  auto frame = seed_frame();
  // The ring holds XVRRP_EVENTS_BYTES / (record + 8-byte header) records.
  const int capacity = XVRRP_EVENTS_BYTES / (sizeof(xvrrp_advert_event) + 8);
  const int repeat = capacity + 100;
  RunResult r = run(frame, repeat);
  ASSERT_EQ(r.err, 0);
  EXPECT_EQ(r.action, XDP_DROP);
  EXPECT_EQ(r.delta[100].accepted, static_cast<std::uint64_t>(repeat));
  EXPECT_EQ(r.events.size() + r.delta[100].rejected[XVRRP_REJECT_RINGBUF_FULL],
            static_cast<std::uint64_t>(repeat));
  EXPECT_GE(r.delta[100].rejected[XVRRP_REJECT_RINGBUF_FULL], 100u);
  // Drained: the next advert is reported again.
  expect_accept(frame, 100, "after drain");
}

TEST_F(XdpProgTest, TruncatedAtEveryLength) {
  const auto full = seed_frame();
  for (std::size_t len = 0; len <= full.size(); ++len) {
    std::vector<std::uint8_t> frame(full.begin(), full.begin() + len);
    std::string what = "truncated to " + std::to_string(len);
    SCOPED_TRACE(what);
    RunResult r = run(frame);
    if (len < 14) {
      // The kernel refuses test frames shorter than an Ethernet header; the
      // C++ mirror calls them not-VRRP, which is what XDP would do.
      EXPECT_EQ(r.err, -EINVAL);
      EXPECT_EQ(validate_frame(frame, kLoIfindex, 0, tables_).kind, Verdict::Kind::NotVrrp);
      continue;
    }
    ASSERT_EQ(r.err, 0);
    cross_check(frame, r, what);
    if (len < kIp4 + 10) {  // protocol byte not present
      EXPECT_EQ(r.action, XDP_PASS);
      EXPECT_EQ(r.out, frame);
      expect_only(r, std::nullopt, -1, 0, what);
    } else if (len < kMsg4 + 2) {  // VRID not present: cannot be ours
      EXPECT_EQ(r.action, XDP_PASS);
      EXPECT_EQ(r.out, frame);
      expect_only(r, 0, XVRRP_REJECT_TOO_SHORT, 0, what);
    } else if (len < full.size()) {
      // VRID 100 read, but the IP total length (40) runs past the frame.
      expect_only(r, 100, XVRRP_REJECT_LENGTH_MISMATCH, 0, what);
    } else {
      expect_only(r, 100, -1, 1, what);
      EXPECT_EQ(r.events.size(), 1u);
    }
    if (len < full.size()) {
      EXPECT_TRUE(r.events.empty());
    }
  }
}

TEST_F(XdpProgTest, SuppressDuplicates) {
  auto cfg = *tables_.find_vrid(make_vrid_key(kLoIfindex, 100, AF_INET));
  cfg.flags = XVRRP_CFG_UNICAST | XVRRP_CFG_SUPPRESS_DUPS;  // no peer check: vary the source
  configure(100, AF_INET, cfg, std::vector<IpAddress>{});
  auto key = make_vrid_key(kLoIfindex, 100, AF_INET);
  auto frame = seed_frame();

  auto first = expect_accept(frame, 100, "first");
  auto ls = filter_->last_seen(key);
  ASSERT_TRUE(ls.has_value());
  EXPECT_EQ(ls->count, 1u);
  EXPECT_EQ(ls->ts_ns, first.ts_ns);
  EXPECT_EQ(ls->priority, 100);
  EXPECT_EQ(ls->addr_hash, first.addr_hash);

  RunResult dup = run(frame);
  EXPECT_EQ(dup.action, XDP_DROP);
  EXPECT_TRUE(dup.events.empty());
  EXPECT_EQ(dup.delta[100].accepted, 1u);
  EXPECT_EQ(dup.delta[100].suppressed, 1u);
  ls = filter_->last_seen(key);
  ASSERT_TRUE(ls.has_value());
  EXPECT_EQ(ls->count, 2u);
  EXPECT_GE(ls->ts_ns, dup.t_before);
  EXPECT_LE(ls->ts_ns, dup.t_after);

  Advert prio = seed_advert();
  prio.priority = 90;
  auto ev = expect_accept(seed_frame({}, prio), 100, "priority change");
  EXPECT_EQ(ev.priority, 90);
  expect_accept(seed_frame({}, prio, "192.0.2.9"), 100, "source change");
  Advert addr = prio;
  addr.addrs = {ip("192.0.2.101")};
  expect_accept(seed_frame({}, addr, "192.0.2.9"), 100, "address list change");

  Advert zero = seed_advert();
  zero.priority = 0;
  expect_accept(seed_frame({}, zero), 100, "priority 0");
  expect_accept(seed_frame({}, zero), 100, "priority 0 again");

  // forget_last_seen(): the next advert is reported even if identical.
  expect_accept(frame, 100, "back to 100");
  filter_->forget_last_seen(key);
  EXPECT_FALSE(filter_->last_seen(key).has_value());
  expect_accept(frame, 100, "after forget");
}

// A change that finds the ring full must not be folded into last_seen: the
// next identical advert is reported once there is room, not suppressed.
TEST_F(XdpProgTest, FullRingDoesNotLoseAChangeToSuppression) {
  auto cfg = *tables_.find_vrid(make_vrid_key(kLoIfindex, 100, AF_INET));
  cfg.flags = XVRRP_CFG_UNICAST | XVRRP_CFG_SUPPRESS_DUPS;
  configure(100, AF_INET, cfg, std::vector<IpAddress>{});
  auto key = make_vrid_key(kLoIfindex, 100, AF_INET);
  expect_accept(seed_frame(), 100, "priority 100 reported");

  // Fill the ring with VRID 50's adverts (no suppression), left unread.
  auto filler = build_advert_frame({}, receive_cases_detail::v3(50, {ip("198.51.100.1")}),
                                   ip("198.51.100.10"), ip("224.0.0.18"));
  const int capacity = XVRRP_EVENTS_BYTES / (sizeof(xvrrp_advert_event) + 8);
  RunResult fill = run(filler, capacity + 10, false);
  ASSERT_EQ(fill.err, 0);
  ASSERT_GE(fill.delta[50].rejected[XVRRP_REJECT_RINGBUF_FULL], 10u) << "ring not full";

  Advert lower = seed_advert();
  lower.priority = 90;
  const auto changed = seed_frame({}, lower);
  for (int i = 0; i < 3; ++i) {
    RunResult r = run(changed, 1, false);
    ASSERT_EQ(r.err, 0);
    EXPECT_EQ(r.action, XDP_DROP);
    EXPECT_EQ(r.delta[100].accepted, 1u);
    EXPECT_EQ(r.delta[100].suppressed, 0u) << "advert " << i << " folded into a lost change";
    EXPECT_EQ(r.delta[100].rejected[XVRRP_REJECT_RINGBUF_FULL], 1u);
    auto ls = filter_->last_seen(key);
    ASSERT_TRUE(ls.has_value());
    EXPECT_EQ(ls->priority, 100) << "last_seen took a change nobody was told about";
  }

  std::size_t drained = filter_->consume([](const xvrrp_advert_event&) {});
  EXPECT_GE(drained, static_cast<std::size_t>(capacity) - 1);
  auto ev = expect_accept(changed, 100, "reported once room exists");
  EXPECT_EQ(ev.priority, 90);
  RunResult again = run(changed);
  EXPECT_TRUE(again.events.empty());
  EXPECT_EQ(again.delta[100].suppressed, 1u);
  EXPECT_EQ(filter_->last_seen(key)->priority, 90);
}

// The same VRID on two interfaces has two counter entries.
TEST_F(XdpProgTest, CountersArePerInterface) {
  std::uint32_t other = 0;
  if (struct if_nameindex* all = if_nameindex()) {
    for (struct if_nameindex* i = all; i->if_index != 0; ++i) {
      if (i->if_index != kLoIfindex) {
        other = i->if_index;
        break;
      }
    }
    if_freenameindex(all);
  }
  if (other == 0) GTEST_SKIP() << "needs a second network device for ingress_ifindex";
  auto lo_key = make_vrid_key(kLoIfindex, 100, AF_INET);
  auto other_key = make_vrid_key(other, 100, AF_INET);
  filter_->set_instance(other_key, seed_vrid_config(),
                        std::vector<xvrrp_peer_key>{make_peer_key(other_key, ip("192.0.2.5"))});
  auto frame = seed_frame();
  auto run_on = [&](std::uint32_t ifindex, int repeat) {
    xdp_md ctx{};
    ctx.data_end = static_cast<__u32>(frame.size());
    ctx.ingress_ifindex = ifindex;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(),
                .data_size_in = static_cast<__u32>(frame.size()), .ctx_in = &ctx,
                .ctx_size_in = sizeof(ctx), .repeat = repeat);
    ASSERT_EQ(bpf_prog_test_run_opts(prog_fd_, &opts), 0) << std::strerror(errno);
    EXPECT_EQ(opts.retval, XDP_DROP);
    filter_->consume([](const xvrrp_advert_event&) {});
  };
  run_on(kLoIfindex, 2);
  run_on(other, 3);
  EXPECT_EQ(filter_->counters(lo_key).accepted, 2u);
  EXPECT_EQ(filter_->counters(other_key).accepted, 3u);
  EXPECT_EQ(filter_->counters(100).accepted, 5u) << "the per-VRID view sums both";
}

TEST_F(XdpProgTest, RemovedInstanceIsNotOurs) {
  auto key = make_vrid_key(kLoIfindex, 100, AF_INET);
  filter_->remove_instance(key);
  tables_.erase_vrid(key);
  expect_pass_unchanged(seed_frame(), "removed");
}

TEST_F(XdpProgTest, PinsAreNamedAndRemovedOnDestruction) {
  std::string dir = filter_->pin_dir();
  EXPECT_EQ(dir, std::string(XVRRP_BPFFS_ROOT "/bpftest-") + std::to_string(getpid()));
  for (const char* m : {"xvrrp_vrid_config", "xvrrp_peers", "xvrrp_events", "xvrrp_counters",
                        "xvrrp_jitter", "xvrrp_last_seen", "xvrrp_meta"}) {
    EXPECT_EQ(access((dir + "/" + m).c_str(), F_OK), 0) << m;
  }
  // Another process asking for the same router id while this one lives is refused
  // (this process's own pid would count as gone: a daemon restarted as pid 1 in a
  // container finds the pins of the pid 1 before it).
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      AdvertFilter second("bpftest-" + std::to_string(getppid()));
    } catch (const std::runtime_error&) {
      _exit(0);
    }
    _exit(1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the second filter was not refused";
  filter_.reset();
  EXPECT_NE(access(dir.c_str(), F_OK), 0);
}

}  // namespace

namespace {

// A daemon that died without cleaning up leaves its pins; the next daemon of
// the same router id must take the directory over instead of reusing state.
TEST(AdvertFilterPins, StalePinsOfADeadDaemonAreRemoved) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (bpffs pins)";
  const std::string id = "bpftest-stale-" + std::to_string(getpid());
  const std::string dir = std::string(XVRRP_BPFFS_ROOT "/") + id;
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    try {
      auto* leaked = new AdvertFilter(id);  // never destroyed: _exit skips cleanup
      auto key = make_vrid_key(1, 9, AF_INET);
      xvrrp_vrid_config cfg{};
      cfg.version = 3;
      leaked->set_instance(key, cfg, std::vector<xvrrp_peer_key>{});
    } catch (...) {
      _exit(1);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(access((dir + "/xvrrp_vrid_config").c_str(), F_OK), 0) << "child left no pins";

  AdvertFilter filter(id);
  auto key = make_vrid_key(1, 9, AF_INET);
  // Fresh maps: the dead daemon's instance is gone.
  xvrrp_peer_key probe = make_peer_key(key, *IpAddress::parse("192.0.2.1"));
  EXPECT_FALSE(filter.jitter(probe).has_value());
  MapTables none;
  Advert a = receive_cases_detail::v3(9, {*IpAddress::parse("192.0.2.100")});
  FrameOptions fo;
  auto frame = build_advert_frame(fo, a, *IpAddress::parse("192.0.2.1"), ip("224.0.0.18"));
  xdp_md ctx{};
  ctx.data_end = static_cast<__u32>(frame.size());
  ctx.ingress_ifindex = kLoIfindex;
  LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(),
              .data_size_in = static_cast<__u32>(frame.size()), .ctx_in = &ctx,
              .ctx_size_in = sizeof(ctx));
  ASSERT_EQ(bpf_prog_test_run_opts(filter.test_run_prog_fd(), &opts), 0);
  EXPECT_EQ(opts.retval, XDP_PASS);
  EXPECT_EQ(validate_frame(frame, kLoIfindex, 0, none).kind, Verdict::Kind::NotOurs);
  EXPECT_EQ(filter.counters(make_vrid_key(kLoIfindex, XVRRP_VRID_NOT_OURS, AF_INET))
                .rejected_by_reason.unknown_vrid,
            1u);
}

// ---- Neighbour fence (abi.h rules n-p) --------------------------------------

constexpr std::uint64_t kSecond = 1'000'000'000ULL;
constexpr std::uint64_t kFenceAfter = kSecond;

std::vector<std::uint8_t> eth_header(std::uint16_t type, bool vlan = false) {
  std::vector<std::uint8_t> f = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 9};
  if (vlan) f.insert(f.end(), {0x81, 0x00, 0x00, 0x64});
  f.push_back(static_cast<std::uint8_t>(type >> 8));
  f.push_back(static_cast<std::uint8_t>(type & 0xff));
  return f;
}

std::vector<std::uint8_t> arp_frame(const char* target, std::uint16_t op = 1, bool vlan = false) {
  auto f = eth_header(0x0806, vlan);
  const std::uint8_t fixed[] = {0, 1, 0x08, 0, 6, 4, 0, static_cast<std::uint8_t>(op)};
  f.insert(f.end(), std::begin(fixed), std::end(fixed));
  f.insert(f.end(), {0x02, 0, 0, 0, 0, 9, 203, 0, 113, 9, 0, 0, 0, 0, 0, 0});
  const IpAddress t = ip(target);
  f.insert(f.end(), t.bytes.begin(), t.bytes.begin() + 4);
  return f;
}

std::vector<std::uint8_t> ns_frame(const char* target, std::uint8_t type = 135,
                                   std::uint8_t code = 0) {
  auto f = eth_header(0x86dd);
  const std::uint8_t ip6[] = {0x60, 0, 0, 0, 0, 32, 58, 255};
  f.insert(f.end(), std::begin(ip6), std::end(ip6));
  const IpAddress src = ip("fe80::9");
  const IpAddress dst = ip("ff02::1:ff00:100");
  f.insert(f.end(), src.bytes.begin(), src.bytes.end());
  f.insert(f.end(), dst.bytes.begin(), dst.bytes.end());
  f.insert(f.end(), {type, code, 0, 0, 0, 0, 0, 0});
  const IpAddress t = ip(target);
  f.insert(f.end(), t.bytes.begin(), t.bytes.end());
  f.insert(f.end(), {1, 1, 0x02, 0, 0, 0, 0, 9});  // source link-layer address option
  return f;
}

struct FenceCase {
  const char* name;
  std::int64_t stamp_age_ns;  // now - the daemon's stamp; negative: stored after now
  bool peer_record = true;
  std::uint8_t peer_priority = 100;
  std::int64_t peer_age_ns = 10'000'000;  // now - the record's ts_ns
  std::uint16_t peer_advert_int_cs = 100;
  std::vector<std::uint8_t> frame;
  std::uint32_t action;
};

std::vector<FenceCase> fence_cases() {
  const auto vip_arp = arp_frame("198.51.100.1");
  const std::int64_t dead = 10 * kSecond;
  std::vector<FenceCase> c = {
      {"live daemon, peer advertising", 100'000'000, true, 100, 10'000'000, 100, vip_arp, XDP_PASS},
      {"stamp stored after the program read the clock", -static_cast<std::int64_t>(kSecond), true,
       100, 10'000'000, 100, vip_arp, XDP_PASS},
      {"dead daemon, no peer heard", dead, false, 100, 0, 100, vip_arp, XDP_PASS},
      {"dead daemon, peer resigned", dead, true, 0, 10'000'000, 100, vip_arp, XDP_PASS},
      {"dead daemon, peer heard only before the stamp", dead, true, 100, 20 * kSecond, 100, vip_arp,
       XDP_PASS},
      {"dead daemon, peer fell silent too", dead, true, 100, 5 * kSecond, 100, vip_arp, XDP_PASS},
      {"dead daemon, peer holds the VIP", dead, true, 100, 10'000'000, 100, vip_arp, XDP_DROP},
      {"dead daemon, peer at 10 ms holds the VIP", dead, true, 100, 1'000'000, 1, vip_arp,
       XDP_DROP},
      {"dead daemon, peer at 10 ms silent for 40 ms", dead, true, 100, 40'000'000, 1, vip_arp,
       XDP_PASS},
      {"silent just under the bound", 900'000'000, true, 100, 10'000'000, 100, vip_arp, XDP_PASS},
      {"neighbour solicitation for the IPv6 VIP", dead, true, 100, 10'000'000, 100,
       ns_frame("2001:db8::100"), XDP_DROP},
      {"ARP request for an address that is no VIP", dead, true, 100, 10'000'000, 100,
       arp_frame("198.51.100.2"), XDP_PASS},
      {"ARP reply naming the VIP", dead, true, 100, 10'000'000, 100, arp_frame("198.51.100.1", 2),
       XDP_PASS},
      {"VLAN-tagged ARP request", dead, true, 100, 10'000'000, 100,
       arp_frame("198.51.100.1", 1, true), XDP_PASS},
      {"solicitation for an IPv6 address that is no VIP", dead, true, 100, 10'000'000, 100,
       ns_frame("2001:db8::101"), XDP_PASS},
      {"ICMPv6 other than a solicitation", dead, true, 100, 10'000'000, 100,
       ns_frame("2001:db8::100", 136), XDP_PASS},
      {"solicitation with a non-zero code", dead, true, 100, 10'000'000, 100,
       ns_frame("2001:db8::100", 135, 1), XDP_PASS},
  };
  // Truncated anywhere: passed untouched.
  for (std::size_t len : {14u, 20u, 41u}) {  // BPF_PROG_TEST_RUN needs an Ethernet header
    auto f = vip_arp;
    f.resize(len);
    c.push_back({"ARP request cut short", dead, true, 100, 10'000'000, 100, f, XDP_PASS});
  }
  for (std::size_t len : {54u, 60u, 77u}) {
    auto f = ns_frame("2001:db8::100");
    f.resize(len);
    c.push_back({"solicitation cut short", dead, true, 100, 10'000'000, 100, f, XDP_PASS});
  }
  return c;
}

class XdpFenceTest : public XdpProgTest {
 protected:
  void SetUp() override {
    XdpProgTest::SetUp();
    if (IsSkipped()) return;
    key_ = make_vrid_key(kLoIfindex, 100, AF_INET);
    xvrrp_vip_key v4{};
    v4.ifindex = kLoIfindex;
    v4.family = XVRRP_AF_INET;
    xvrrp::to_abi(ip("198.51.100.1"), v4.addr);
    xvrrp_vip_key v6{};
    v6.ifindex = kLoIfindex;
    v6.family = XVRRP_AF_INET6;
    xvrrp::to_abi(ip("2001:db8::100"), v6.addr);
    vips_ = {v4, v6};
    filter_->set_vips(key_, vips_, kFenceAfter);
    const std::string pin = filter_->pin_dir() + "/" XVRRP_MAP_NAME_STR(XVRRP_MAP_LAST_SEEN);
    last_seen_fd_ = bpf_obj_get(pin.c_str());
    ASSERT_GE(last_seen_fd_, 0) << pin;
  }
  void TearDown() override {
    if (last_seen_fd_ >= 0) ::close(last_seen_fd_);
    XdpProgTest::TearDown();
  }

  void put_peer(std::uint8_t priority, std::uint64_t ts, std::uint16_t advert_int_cs) {
    xvrrp_last_seen ls{};
    ls.ts_ns = ts;
    ls.count = 1;
    ls.priority = priority;
    ls.advert_int_cs = advert_int_cs;
    ls.naddrs = 1;
    xvrrp::to_abi(ip("192.0.2.5"), ls.src);
    ASSERT_EQ(bpf_map_update_elem(last_seen_fd_, &key_, &ls, BPF_ANY), 0);
  }

  std::uint64_t fenced() const {
    std::uint64_t sum = 0;
    for (const auto& [k, v] : filter_->all_vips()) sum += v.fenced;
    return sum;
  }

  xvrrp_vrid_key key_{};
  std::vector<xvrrp_vip_key> vips_;
  int last_seen_fd_ = -1;
};

TEST_F(XdpFenceTest, EveryRowReachesItsVerdict) {
  for (const FenceCase& c : fence_cases()) {
    SCOPED_TRACE(c.name);
    filter_->forget_last_seen(key_);
    const std::uint64_t now = now_ns();
    filter_->mark_alive(static_cast<std::int64_t>(now) - c.stamp_age_ns);
    if (c.peer_record)
      put_peer(c.peer_priority, now - static_cast<std::uint64_t>(c.peer_age_ns),
               c.peer_advert_int_cs);
    const std::uint64_t before = fenced();
    RunResult r = run(c.frame);
    ASSERT_EQ(r.err, 0);
    EXPECT_EQ(r.action, c.action);
    EXPECT_TRUE(r.events.empty());
    expect_only(r, std::nullopt, -1, 0, c.name);  // no VRRP counter moves
    if (c.action == XDP_PASS) {
      EXPECT_EQ(r.out, c.frame) << "XDP_PASS frames must leave byte for byte";
      EXPECT_EQ(fenced(), before);
    } else {
      EXPECT_EQ(fenced(), before + 1);
    }
  }
}

// The record a real advert leaves: the peer's first advert as master arms the fence.
TEST_F(XdpFenceTest, APeersAcceptedAdvertArmsItAndALiveDaemonDisarmsIt) {
  auto cfg = *tables_.find_vrid(key_);
  cfg.flags |= XVRRP_CFG_SUPPRESS_DUPS;
  configure(100, AF_INET, cfg, std::vector<IpAddress>{ip("192.0.2.5")});
  filter_->forget_last_seen(key_);
  filter_->mark_alive(static_cast<std::int64_t>(now_ns() - 10 * kSecond));
  const auto request = arp_frame("198.51.100.1");
  EXPECT_EQ(run(request).action, XDP_PASS) << "no peer heard since the daemon fell silent";
  expect_accept(seed_frame(), 100, "the peer's advert");
  EXPECT_EQ(run(request).action, XDP_DROP);
  EXPECT_EQ(fenced(), 1u);
  filter_->mark_alive(static_cast<std::int64_t>(now_ns()));
  EXPECT_EQ(run(request).action, XDP_PASS) << "the daemon is back";
}

TEST_F(XdpFenceTest, ReloadKeepsCountersAndInstancesKeepTheirOwnVips) {
  filter_->mark_alive(static_cast<std::int64_t>(now_ns() - 10 * kSecond));
  put_peer(100, now_ns(), 100);
  const auto request = arp_frame("198.51.100.1");
  ASSERT_EQ(run(request).action, XDP_DROP);
  filter_->set_vips(key_, vips_, kFenceAfter);  // a reload that keeps the VIPs
  EXPECT_EQ(fenced(), 1u);
  // Another instance naming the same VIP does not take it over, nor remove it.
  const auto other = make_vrid_key(kLoIfindex, 101, AF_INET);
  filter_->set_vips(other, {vips_[0]}, kFenceAfter);
  filter_->remove_instance(other);
  EXPECT_EQ(filter_->all_vips().size(), 2u);
  EXPECT_EQ(run(request).action, XDP_DROP);
  // A reload without the IPv4 VIP drops only that entry.
  filter_->set_vips(key_, {vips_[1]}, kFenceAfter);
  EXPECT_EQ(filter_->all_vips().size(), 1u);
  EXPECT_EQ(run(request).action, XDP_PASS);
  filter_->remove_instance(key_);
  EXPECT_TRUE(filter_->all_vips().empty());
  EXPECT_EQ(run(ns_frame("2001:db8::100")).action, XDP_PASS);
}

}  // namespace
