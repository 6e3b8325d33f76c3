// SPDX-License-Identifier: GPL-2.0-or-later
// The XDP advert filter on a real interface: namespaces A and B joined by veth.
// AdvertFilter attaches in A (native, then SKB mode); B sends adverts through an
// AF_PACKET socket; A receives the ring-buffer records via the epoll fd. Checks
// the record fields, that ts_ns lies between CLOCK_MONOTONIC before the send
// and after the receipt, that rejects are counted without records, and that
// ordinary traffic (ping) still passes while the program is attached. Also: a daemon
// killed between attaching its program and binding its xvrrp_meta record leaves nothing
// its successor cannot clean.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <vector>

#include "bpf/advert_filter.hpp"
#include "bpf/skeleton.hpp"
#include "core/packet.hpp"
#include "support/seed_fixtures.hpp"
#include "veth_lab.hpp"
#include "xvrrp_xdp.skel.h"

namespace {

using xvrrp::IpAddress;
using xvrrp::bpf::AdvertFilter;
using xvrrp::bpf::XdpMode;
using xvrrp::lab::VethLab;
using namespace xvrrp::packet;

std::uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

using xvrrp::test_support::ip;

Advert seed_like(std::uint8_t priority) {
  Advert a;
  a.version = 2;
  a.vrid = 100;
  a.priority = priority;
  a.advert_int_cs = 100;
  a.auth_type = XVRRP_AUTH_PASS;
  a.auth_data = {'4', 'h', '[', '-', '/', 'B', 'h', 'J'};
  a.addrs = {ip("192.0.2.100")};
  return a;
}

class XdpVethTest : public ::testing::TestWithParam<XdpMode> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, XDP attach)";
    lab_ = std::make_unique<VethLab>("xdpit");
    lab_->enter_b();
    tx_ = xvrrp::lab::packet_socket(lab_->if_b());
    lab_->enter_a();
    ifindex_ = VethLab::ifindex(lab_->if_a());
    filter_ = std::make_unique<AdvertFilter>("xdp-integration-" + std::to_string(getpid()));
    key_ = make_vrid_key(static_cast<std::uint32_t>(ifindex_), 100, AF_INET);
    const xvrrp_vrid_config cfg = xvrrp::test_support::seed_vrid_config();
    filter_->set_instance(key_, cfg, {make_peer_key(key_, ip("192.0.2.2"))});
    filter_->attach(ifindex_, GetParam());
  }
  void TearDown() override {
    filter_.reset();
    tx_.reset();
    lab_.reset();
  }

  std::vector<std::uint8_t> frame(const Advert& a) const {
    FrameOptions fo;
    fo.src_mac = {0x02, 0, 0, 0, 0, 2};
    fo.dst_mac = {0x02, 0, 0, 0, 0, 1};
    return build_advert_frame(fo, a, ip("192.0.2.2"), ip("192.0.2.1"));
  }

  void send(const std::vector<std::uint8_t>& f) const {
    ASSERT_EQ(::send(tx_.get(), f.data(), f.size(), 0), static_cast<ssize_t>(f.size()))
        << std::strerror(errno);
  }

  // Waits up to timeout_ms for ring records, returns them.
  std::vector<xvrrp_advert_event> receive(int timeout_ms) {
    xvrrp::UniqueFd ep(epoll_create1(EPOLL_CLOEXEC));
    epoll_event ev{};
    ev.events = EPOLLIN;
    epoll_ctl(ep.get(), EPOLL_CTL_ADD, filter_->ring_fd(), &ev);
    std::vector<xvrrp_advert_event> out;
    if (epoll_wait(ep.get(), &ev, 1, timeout_ms) == 1) {
      filter_->consume([&](const xvrrp_advert_event& e) { out.push_back(e); });
    }
    return out;
  }

  std::unique_ptr<VethLab> lab_;
  xvrrp::UniqueFd tx_;
  std::unique_ptr<AdvertFilter> filter_;
  xvrrp_vrid_key key_{};
  int ifindex_ = 0;
};

TEST_P(XdpVethTest, AdvertsArriveAsRecordsWithSaneTimestamps) {
  auto att = filter_->attachments();
  ASSERT_EQ(att.size(), 1u);
  EXPECT_EQ(att[0].ifindex, ifindex_);
  EXPECT_EQ(att[0].native, GetParam() == XdpMode::Native);
  const std::string prog_pin =
      filter_->pin_dir() + "/" XVRRP_PIN_PROG_NAME "_" + std::to_string(ifindex_);
  EXPECT_EQ(access(prog_pin.c_str(), F_OK), 0) << prog_pin;
  // Attaching the same interface again is a no-op.
  filter_->attach(ifindex_, GetParam());
  EXPECT_EQ(filter_->attachments().size(), 1u);

  for (int i = 0; i < 20; ++i) {
    std::uint8_t prio = static_cast<std::uint8_t>(100 + i);
    std::uint64_t before = now_ns();
    send(frame(seed_like(prio)));
    auto events = receive(2000);
    std::uint64_t after = now_ns();
    ASSERT_EQ(events.size(), 1u) << "advert " << i;
    const auto& e = events[0];
    EXPECT_GE(e.ts_ns, before);
    EXPECT_LE(e.ts_ns, after);
    EXPECT_EQ(e.ifindex, static_cast<std::uint32_t>(ifindex_));
    EXPECT_EQ(e.family, XVRRP_AF_INET);
    EXPECT_EQ(e.version, 2);
    EXPECT_EQ(e.vrid, 100);
    EXPECT_EQ(e.priority, prio);
    EXPECT_EQ(e.src[0], ip("192.0.2.2").v4_be());
    EXPECT_EQ(e.advert_int_cs, 100);
    EXPECT_EQ(e.naddrs, 1);
    EXPECT_EQ(e.ttl, 255);
    EXPECT_EQ(e.addrs[0], ip("192.0.2.100").v4_be());
  }
  EXPECT_EQ(filter_->counters(100).accepted, 20u);

  // A wrong password is counted, not reported.
  Advert bad = seed_like(100);
  bad.auth_data[0] = 'X';
  send(frame(bad));
  EXPECT_TRUE(receive(300).empty());
  EXPECT_EQ(filter_->counters(100).rejected[XVRRP_REJECT_AUTH_MISMATCH], 1u);

  // Ordinary traffic still passes while the program is attached.
  VethLab::sh("ip netns exec " + lab_->ns_b() + " ping -c 1 -W 2 192.0.2.1 >/dev/null");

  filter_->detach_all();
  EXPECT_TRUE(filter_->attachments().empty());
  EXPECT_NE(access(prog_pin.c_str(), F_OK), 0) << "program pin left after detach";
  send(frame(seed_like(100)));
  EXPECT_TRUE(receive(300).empty()) << "no records after detach";
}

// What a SIGKILL right after the attach leaves: the pins, with the dead daemon's pid in
// xvrrp_meta, and its program on the hook, with no xvrrp_meta bound to name an owner.
// The next daemon of the same router_id takes the hook back.
TEST(XdpStaleFilter, KilledBeforeBindingItsRecordIsReplaced) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, XDP attach)";
  VethLab lab("xdpst");
  lab.enter_a();
  const int ifindex = VethLab::ifindex(lab.if_a());
  const std::string router_id = "xdp-stale-" + std::to_string(getpid());
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Never destroyed: a SIGKILL runs no destructor.
    auto* killed = new AdvertFilter(router_id);
    const std::string pins = killed->pin_dir();
    LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pins.c_str());
    auto* skel =
        new xvrrp::bpf::BpfSkeleton<xvrrp_xdp>(xvrrp::bpf::BpfSkeleton<xvrrp_xdp>::open(&opts));
    skel->load();
    const int rc = bpf_xdp_attach(ifindex, bpf_program__fd((*skel)->progs.xvrrp_xdp),
                                  XDP_FLAGS_DRV_MODE, nullptr);
    _exit(rc == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the simulated kill failed";
  __u32 stale_id = 0;
  ASSERT_EQ(bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &stale_id), 0);
  ASSERT_NE(stale_id, 0u);

  AdvertFilter successor(router_id);
  ASSERT_NO_THROW(successor.attach(ifindex, XdpMode::Native));
  __u32 now_id = 0;
  ASSERT_EQ(bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &now_id), 0);
  EXPECT_NE(now_id, 0u);
  EXPECT_NE(now_id, stale_id) << "the stale program is still on the hook";
  successor.detach_all();
  __u32 after_id = 0;
  ASSERT_EQ(bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, &after_id), 0);
  EXPECT_EQ(after_id, 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, XdpVethTest, ::testing::Values(XdpMode::Native, XdpMode::Skb),
                         [](const auto& info) {
                           return info.param == XdpMode::Native ? std::string("Native")
                                                                : std::string("Skb");
                         });

}  // namespace
