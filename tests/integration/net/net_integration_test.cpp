// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrp_net against the kernel. Each test builds two network namespaces joined by a veth pair
// (va in A, vb in B, 192.0.2.1/24 and 192.0.2.2/24), enters them with setns(2), and removes
// them afterwards. Sockets stay in the namespace that was current when they were created.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/unique_fd.hpp"
#include "core/packet.hpp"
#include "net/address_manager.hpp"
#include "net/advert_sender.hpp"
#include "net/garp_sender.hpp"
#include "net/group_membership.hpp"
#include "net/link_monitor.hpp"
#include "net/raw_receiver.hpp"

namespace xvrrp::net {
namespace {

using Clock = std::chrono::steady_clock;

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (rc != 0) ADD_FAILURE() << "command failed (" << rc << "): " << cmd << "\n" << out;
  return out;
}

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

uint64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

// The JSON object of one address in `ip -j addr show` output ({"family":..,"local":"X",...}).
std::string addr_object(const std::string& json, const std::string& local) {
  size_t at = json.find("\"local\":\"" + local + "\"");
  if (at == std::string::npos) return {};
  size_t begin = json.rfind('{', at);
  size_t end = json.find('}', at);
  return json.substr(begin, end - begin + 1);
}

class NetFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, raw sockets)";
    if (system("ip -V >/dev/null 2>&1") != 0) GTEST_SKIP() << "iproute2 'ip' not found";
    static int counter = 0;
    std::string base = "xvnet" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    ns_a_ = base + "a";
    ns_b_ = base + "b";
    home_ = UniqueFd(::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(home_.valid());
    run("ip netns add " + ns_a_);
    run("ip netns add " + ns_b_);
    created_ = true;
    run("ip -n " + ns_a_ + " link add va type veth peer name vb netns " + ns_b_);
    run("ip -n " + ns_a_ + " link set lo up");
    run("ip -n " + ns_b_ + " link set lo up");
    run("ip -n " + ns_a_ + " addr add 192.0.2.1/24 dev va");
    run("ip -n " + ns_b_ + " addr add 192.0.2.2/24 dev vb");
    run("ip -n " + ns_a_ + " link set va up");
    run("ip -n " + ns_b_ + " link set vb up");
  }

  void TearDown() override {
    if (home_.valid()) setns(home_.get(), CLONE_NEWNET);
    if (created_) {
      run("ip netns del " + ns_a_);
      run("ip netns del " + ns_b_);
    }
  }

  void enter(const std::string& ns) {
    UniqueFd fd(::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(fd.valid()) << ns;
    ASSERT_EQ(setns(fd.get(), CLONE_NEWNET), 0) << std::strerror(errno);
  }

  // Calls on_readable() until pred() holds or the timeout passes.
  template <class Pred>
  bool pump(LinkMonitor& m, Pred pred, int timeout_ms = 5000) {
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred()) {
      if (Clock::now() > deadline) return false;
      wait_readable(m.fd(), 50);
      m.on_readable();
    }
    return true;
  }

  std::string ns_a_, ns_b_;
  UniqueFd home_;
  bool created_ = false;
};

TEST_F(NetFixture, LinkMonitorSeesAdminDownCarrierLossAndLateLinks) {
  enter(ns_a_);
  std::vector<LinkState> events;
  LinkMonitor monitor([&](const LinkState& s) { events.push_back(s); },
                      [](int, const IpAddress&, uint8_t, bool) {});
  auto last = [&](const std::string& name) -> std::optional<LinkState> {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (it->name == name) return *it;
    }
    return std::nullopt;
  };
  // Carrier on a fresh veth arrives asynchronously (linkwatch).
  ASSERT_TRUE(pump(monitor, [&] { return monitor.find("va") && monitor.find("va")->up(); }));
  auto va = monitor.find("va");
  EXPECT_EQ(va->ifindex, static_cast<int>(if_nametoindex("va")));
  EXPECT_NE(va->mac, (std::array<uint8_t, 6>{}));
  EXPECT_FALSE(va->noarp);
  EXPECT_EQ(monitor.find(va->ifindex)->name, "va");
  EXPECT_EQ(monitor.primary_address(va->ifindex, AF_INET), ip("192.0.2.1"));
  events.clear();

  run("ip -n " + ns_a_ + " link set va down");
  ASSERT_TRUE(pump(monitor, [&] { return last("va") && !last("va")->admin_up; }));
  EXPECT_FALSE(last("va")->up());
  EXPECT_FALSE(monitor.find("va")->up());

  run("ip -n " + ns_a_ + " link set va up");
  ASSERT_TRUE(pump(monitor, [&] { return last("va") && last("va")->up(); }));

  // Peer down: va stays admin-up but loses carrier.
  events.clear();
  run("ip -n " + ns_b_ + " link set vb down");
  ASSERT_TRUE(pump(monitor, [&] { return last("va") && !last("va")->carrier; }));
  EXPECT_TRUE(last("va")->admin_up);
  EXPECT_FALSE(monitor.find("va")->up());
  run("ip -n " + ns_b_ + " link set vb up");
  ASSERT_TRUE(pump(monitor, [&] { return last("va") && last("va")->up(); }));

  // A link that does not exist at start-up is reported when it appears and when it goes.
  EXPECT_FALSE(monitor.find("late0"));
  events.clear();
  run("ip -n " + ns_a_ + " link add late0 type veth peer name late1");
  run("ip -n " + ns_a_ + " link set late1 up");
  run("ip -n " + ns_a_ + " link set late0 up");
  ASSERT_TRUE(pump(monitor, [&] { return last("late0") && last("late0")->up(); }));
  EXPECT_TRUE(monitor.find("late0")->exists);
  run("ip -n " + ns_a_ + " link del late0");
  ASSERT_TRUE(pump(monitor, [&] { return last("late0") && !last("late0")->exists; }));
  EXPECT_FALSE(monitor.find("late0"));
  EXPECT_FALSE(last("late0")->up());
  EXPECT_EQ(monitor.overruns(), 0u);
}

TEST_F(NetFixture, LinkMonitorResyncsAfterEnobufs) {
  enter(ns_a_);
  using Key = std::tuple<int, std::string, int>;
  std::set<Key> seen;  // the address state as rebuilt purely from callbacks
  int va = static_cast<int>(if_nametoindex("va"));
  // Tiny receive buffer: a burst of address changes must overrun it.
  LinkMonitor monitor([](const LinkState&) {},
                      [&](int ifindex, const IpAddress& a, uint8_t prefix, bool added) {
                        Key k{ifindex, a.to_string(), prefix};
                        if (added) {
                          seen.insert(k);
                        } else {
                          seen.erase(k);
                        }
                      },
                      1024);
  for (const auto& a : monitor.addresses(va))
    seen.insert(Key{va, a.addr.to_string(), a.prefix_len});

  AddressManager manager;
  for (int i = 10; i < 210; ++i) {
    Vip vip;
    vip.ifindex = va;
    vip.addr = ip(("192.0.2." + std::to_string(i)).c_str());
    vip.prefix_len = 32;
    ASSERT_TRUE(manager.add(vip));
  }
  for (int i = 10; i < 60; ++i) {
    Vip vip;
    vip.ifindex = va;
    vip.addr = ip(("192.0.2." + std::to_string(i)).c_str());
    vip.prefix_len = 32;
    ASSERT_TRUE(manager.remove(vip));
  }
  run("ip -n " + ns_a_ + " link set va down");
  ASSERT_TRUE(wait_readable(monitor.fd(), 1000));
  monitor.on_readable();
  EXPECT_GE(monitor.overruns(), 1u);

  // The cache matches the kernel: 192.0.2.1/24 plus .60 .. .209, each exactly once.
  std::set<std::string> cached;
  for (const auto& a : monitor.addresses(va)) {
    if (a.addr.is_v4()) {
      EXPECT_TRUE(cached.insert(a.addr.to_string()).second);
    }
  }
  EXPECT_EQ(cached.size(), 151u);
  EXPECT_TRUE(cached.count("192.0.2.1"));
  EXPECT_TRUE(cached.count("192.0.2.60"));
  EXPECT_TRUE(cached.count("192.0.2.209"));
  EXPECT_FALSE(cached.count("192.0.2.10"));
  EXPECT_FALSE(cached.count("192.0.2.59"));
  std::string json = run("ip -n " + ns_a_ + " -j -4 addr show dev va");
  for (const auto& a : cached) EXPECT_NE(json.find("\"" + a + "\""), std::string::npos) << a;
  // The callbacks told the same story as the cache.
  std::set<std::string> from_callbacks;
  for (const auto& [ifindex, a, prefix] : seen) {
    if (ifindex == va && a.find(':') == std::string::npos) from_callbacks.insert(a);
  }
  EXPECT_EQ(from_callbacks, cached);
  // The link change that was lost in the overrun is in the state too.
  EXPECT_FALSE(monitor.find("va")->admin_up);
}

TEST_F(NetFixture, AddressManagerAddsExactlyAndRemoves) {
  enter(ns_a_);
  int va = static_cast<int>(if_nametoindex("va"));
  AddressManager manager;
  Vip vip;
  vip.ifindex = va;
  // Its own subnet: the kernel requires a secondary to share its primary's scope.
  vip.addr = ip("198.51.100.100");
  vip.prefix_len = 24;
  vip.broadcast = ip("198.51.100.255");
  vip.scope = 253;  // link
  vip.label = "va:vip";
  EXPECT_FALSE(manager.present(vip));
  ASSERT_TRUE(manager.add(vip));
  EXPECT_TRUE(manager.present(vip));
  EXPECT_TRUE(manager.add(vip)) << "adding an existing address is success";

  std::string obj = addr_object(run("ip -n " + ns_a_ + " -j addr show dev va"), "198.51.100.100");
  ASSERT_FALSE(obj.empty());
  EXPECT_NE(obj.find("\"prefixlen\":24"), std::string::npos) << obj;
  EXPECT_NE(obj.find("\"broadcast\":\"198.51.100.255\""), std::string::npos) << obj;
  EXPECT_NE(obj.find("\"scope\":\"link\""), std::string::npos) << obj;
  EXPECT_NE(obj.find("\"label\":\"va:vip\""), std::string::npos) << obj;

  ASSERT_TRUE(manager.remove(vip));
  EXPECT_FALSE(manager.present(vip));
  EXPECT_TRUE(
      addr_object(run("ip -n " + ns_a_ + " -j addr show dev va"), "198.51.100.100").empty());
  EXPECT_TRUE(manager.remove(vip)) << "removing an absent address is success";

  // Defaults: /32, universe scope, no label, no broadcast.
  Vip plain;
  plain.ifindex = va;
  plain.addr = ip("192.0.2.101");
  ASSERT_TRUE(manager.add(plain));
  obj = addr_object(run("ip -n " + ns_a_ + " -j addr show dev va"), "192.0.2.101");
  EXPECT_NE(obj.find("\"prefixlen\":32"), std::string::npos) << obj;
  EXPECT_NE(obj.find("\"scope\":\"global\""), std::string::npos) << obj;
  EXPECT_EQ(obj.find("\"broadcast\""), std::string::npos) << obj;
  EXPECT_NE(obj.find("\"label\":\"va\""), std::string::npos) << obj;
  ASSERT_TRUE(manager.remove(plain));

  // An invalid device is an error, reported (not thrown).
  Vip nodev = plain;
  nodev.ifindex = 99999;
  EXPECT_FALSE(manager.add(nodev));
}

TEST_F(NetFixture, AddressManagerRemovesStaleVips) {
  enter(ns_a_);
  int va = static_cast<int>(if_nametoindex("va"));
  run("ip -n " + ns_a_ + " addr add 192.0.2.100/24 dev va");
  run("ip -n " + ns_a_ + " addr add 192.0.2.101/32 dev va");
  run("ip -n " + ns_a_ + " addr add 192.0.2.102/32 dev va");
  Vip a{va, ip("192.0.2.100"), 32, std::nullopt, 0, ""};  // config prefix differs from kernel's
  Vip b{va, ip("192.0.2.101"), 32, std::nullopt, 0, ""};
  Vip absent{va, ip("192.0.2.103"), 32, std::nullopt, 0, ""};
  AddressManager manager;
  manager.remove_stale({a, b, absent});
  std::string json = run("ip -n " + ns_a_ + " -j addr show dev va");
  EXPECT_TRUE(addr_object(json, "192.0.2.100").empty()) << json;
  EXPECT_TRUE(addr_object(json, "192.0.2.101").empty()) << json;
  EXPECT_FALSE(addr_object(json, "192.0.2.102").empty()) << "unrelated address kept";
  EXPECT_FALSE(addr_object(json, "192.0.2.1").empty()) << "primary kept";
}

TEST_F(NetFixture, GarpLeavesWithGivenMacAndVip) {
  // Capture in B: ARP frames arriving on vb.
  enter(ns_b_);
  UniqueFd cap(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP)));
  ASSERT_TRUE(cap.valid()) << std::strerror(errno);
  sockaddr_ll bind_to{};
  bind_to.sll_family = AF_PACKET;
  bind_to.sll_protocol = htons(ETH_P_ARP);
  bind_to.sll_ifindex = static_cast<int>(if_nametoindex("vb"));
  ASSERT_EQ(::bind(cap.get(), reinterpret_cast<sockaddr*>(&bind_to), sizeof(bind_to)), 0);

  enter(ns_a_);
  int va = static_cast<int>(if_nametoindex("va"));
  // The MAC the daemon would take from eth0; deliberately not va's own.
  const std::array<uint8_t, 6> mac{0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
  GarpSender garp;
  ASSERT_TRUE(garp.send_garp(va, mac, ip("192.0.2.100")));
  EXPECT_FALSE(garp.send_garp(va, mac, ip("fe80::1"))) << "IPv6 has no ARP";

  std::array<uint8_t, 1600> frame{};
  bool found = false;
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (!found && Clock::now() < deadline) {
    if (!wait_readable(cap.get(), 100)) continue;
    ssize_t n = ::recv(cap.get(), frame.data(), frame.size(), 0);
    if (n < 42) continue;
    const uint8_t* arp = frame.data() + 14;
    if (std::memcmp(arp + 14, ip("192.0.2.100").bytes.data(), 4) != 0) continue;
    found = true;
    EXPECT_EQ(n, 42);
    EXPECT_EQ(std::vector<uint8_t>(frame.begin(), frame.begin() + 6),
              std::vector<uint8_t>(6, 0xff));
    EXPECT_EQ(0, std::memcmp(frame.data() + 6, mac.data(), 6));
    EXPECT_EQ(frame[12], 0x08);
    EXPECT_EQ(frame[13], 0x06);
    EXPECT_EQ(arp[0] << 8 | arp[1], 1);  // Ethernet
    EXPECT_EQ(arp[2] << 8 | arp[3], 0x0800);
    EXPECT_EQ(arp[6] << 8 | arp[7], 1);                                      // request
    EXPECT_EQ(0, std::memcmp(arp + 8, mac.data(), 6));                       // sender MAC
    EXPECT_EQ(0, std::memcmp(arp + 24, ip("192.0.2.100").bytes.data(), 4));  // target = VIP
  }
  EXPECT_TRUE(found) << "no gratuitous ARP for 192.0.2.100 seen on vb";
}

TEST_F(NetFixture, AdvertSenderBatchReachesRawReceiver) {
  enter(ns_b_);
  int vb = static_cast<int>(if_nametoindex("vb"));
  RawReceiver receiver(vb, "vb");
  enter(ns_a_);
  int va = static_cast<int>(if_nametoindex("va"));
  AdvertSender sender(va, "va", 2);

  // VRRPv2-shaped bytes (VRID 51, priority 100, one address); RawReceiver does not validate.
  const std::vector<uint8_t> msg = {0x21, 51,  100, 1, 1, 1, 0x00, 0x00, 192, 0,
                                    2,    100, 0,   0, 0, 0, 0,    0,    0,   0};
  std::vector<uint8_t> msg2 = msg;
  msg2[2] = 50;
  uint64_t before = mono_ns();
  ASSERT_TRUE(sender.queue(ip("192.0.2.1"), ip("192.0.2.2"), msg, 255));
  ASSERT_TRUE(sender.queue(ip("192.0.2.1"), ip("224.0.0.18"), msg2, 255));
  EXPECT_EQ(sender.queued(), 2u);
  // The ring holds two: the third queue() flushes the first two in one batch.
  ASSERT_TRUE(sender.queue(ip("192.0.2.1"), ip("192.0.2.2"), msg, 64));
  EXPECT_EQ(sender.queued(), 1u);
  EXPECT_EQ(sender.flush(), 1);
  EXPECT_EQ(sender.sent(), 3u);
  EXPECT_EQ(sender.dropped(), 0u);
  EXPECT_EQ(sender.unpinned(), 0u) << "IP_PKTINFO refused for our own source";
  EXPECT_FALSE(sender.queue(ip("192.0.2.1"), ip("fe80::1"), msg, 255)) << "family mismatch";
  EXPECT_FALSE(sender.queue(ip("192.0.2.1"), ip("192.0.2.2"),
                            std::vector<uint8_t>(AdvertSender::kMaxMessage + 1), 255));

  struct Got {
    std::vector<uint8_t> pkt;
    int ifindex;
    uint64_t ts;
  };
  std::vector<Got> got;
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (got.size() < 3 && Clock::now() < deadline) {
    wait_readable(receiver.fd(), 100);
    receiver.drain([&](std::span<const uint8_t> p, int ifindex, uint64_t ts) {
      got.push_back({std::vector<uint8_t>(p.begin(), p.end()), ifindex, ts});
    });
  }
  uint64_t after = mono_ns();
  ASSERT_EQ(got.size(), 3u);
  const uint8_t expected_ttl[3] = {255, 255, 64};
  const char* expected_dst[3] = {"192.0.2.2", "224.0.0.18", "192.0.2.2"};
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& p = got[i].pkt;
    ASSERT_EQ(p.size(), 20 + msg.size());
    EXPECT_EQ(p[0], 0x45);
    EXPECT_EQ((p[2] << 8 | p[3]), static_cast<int>(p.size()));
    EXPECT_EQ(p[8], expected_ttl[i]) << i;
    EXPECT_EQ(p[9], 112);
    EXPECT_EQ(0, std::memcmp(p.data() + 12, ip("192.0.2.1").bytes.data(), 4));
    EXPECT_EQ(0, std::memcmp(p.data() + 16, ip(expected_dst[i]).bytes.data(), 4)) << i;
    EXPECT_EQ(packet::internet_checksum(std::span<const uint8_t>(p.data(), 20)), 0)
        << "IPv4 header checksum";
    EXPECT_EQ(std::vector<uint8_t>(p.begin() + 20, p.end()), i == 1 ? msg2 : msg);
    EXPECT_EQ(got[i].ifindex, vb);
    EXPECT_GE(got[i].ts, before) << "receive stamp before the send";
    EXPECT_LE(got[i].ts, after) << "receive stamp after the drain";
  }
  EXPECT_EQ(receiver.truncated(), 0u);
}

TEST_F(NetFixture, RawReceiverIgnoresOtherInterfaces) {
  // A second veth pair into B: adverts arriving there must not reach a receiver bound to vb.
  run("ip -n " + ns_a_ + " link add vc type veth peer name vd netns " + ns_b_);
  run("ip -n " + ns_a_ + " addr add 198.51.100.1/24 dev vc");
  run("ip -n " + ns_b_ + " addr add 198.51.100.2/24 dev vd");
  run("ip -n " + ns_a_ + " link set vc up");
  run("ip -n " + ns_b_ + " link set vd up");
  enter(ns_b_);
  RawReceiver receiver(static_cast<int>(if_nametoindex("vb")), "vb");
  enter(ns_a_);
  AdvertSender other(static_cast<int>(if_nametoindex("vc")), "vc");
  AdvertSender own(static_cast<int>(if_nametoindex("va")), "va");
  const std::vector<uint8_t> msg(20, 0x21);
  ASSERT_TRUE(other.queue(ip("198.51.100.1"), ip("224.0.0.18"), msg, 255));
  ASSERT_TRUE(other.queue(ip("198.51.100.1"), ip("198.51.100.2"), msg, 255));
  EXPECT_EQ(other.flush(), 2);
  ASSERT_TRUE(own.queue(ip("192.0.2.1"), ip("224.0.0.18"), msg, 255));
  EXPECT_EQ(own.flush(), 1);
  std::vector<std::string> sources;
  auto deadline = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < deadline) {
    wait_readable(receiver.fd(), 100);
    receiver.drain([&](std::span<const uint8_t> p, int, uint64_t) {
      IpAddress src;
      src.family = AF_INET;
      std::memcpy(src.bytes.data(), p.data() + 12, 4);
      sources.push_back(src.to_string());
    });
  }
  EXPECT_EQ(sources, std::vector<std::string>{"192.0.2.1"});
}

TEST_F(NetFixture, FullRingLeavesInOneFlushAndArrivesIntact) {
  enter(ns_b_);
  RawReceiver receiver(static_cast<int>(if_nametoindex("vb")), "vb");
  enter(ns_a_);
  constexpr int kCount = 64;
  AdvertSender sender(static_cast<int>(if_nametoindex("va")), "va", kCount);
  std::vector<uint8_t> msg(20, 0);
  msg[0] = 0x31;
  for (int i = 0; i < kCount; ++i) {
    msg[1] = static_cast<uint8_t>(i + 1);  // VRID distinguishes the datagrams
    ASSERT_TRUE(sender.queue(ip("192.0.2.1"), ip("224.0.0.18"), msg, 255));
  }
  uint64_t t0 = mono_ns();
  EXPECT_EQ(sender.flush(), kCount);
  uint64_t t1 = mono_ns();
  std::set<int> vrids;
  uint64_t last_rx = 0;
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (vrids.size() < kCount && Clock::now() < deadline) {
    wait_readable(receiver.fd(), 100);
    receiver.drain([&](std::span<const uint8_t> p, int, uint64_t ts) {
      if (p.size() == 40) vrids.insert(p[21]);
      last_rx = std::max(last_rx, ts);
    });
  }
  EXPECT_EQ(vrids.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(*vrids.begin(), 1);
  EXPECT_EQ(*vrids.rbegin(), kCount);
  EXPECT_GE(last_rx, t0);
  std::printf(
      "[ measure  ] flush of %d adverts: %.1f us in sendmmsg; last rx stamp %.1f us after "
      "flush start\n",
      kCount, (t1 - t0) / 1e3, (last_rx - t0) / 1e3);
}

// A flood does not hold the event loop: one drain() reads a bounded batch and leaves the rest
// readable for the next loop iteration, after the timers ran.
TEST_F(NetFixture, RawReceiverDrainIsBoundedUnderAFlood) {
  enter(ns_b_);
  RawReceiver receiver(static_cast<int>(if_nametoindex("vb")), "vb");
  enter(ns_a_);
  constexpr int kPerFlush = 64;
  constexpr int kFlushes = 8;
  AdvertSender sender(static_cast<int>(if_nametoindex("va")), "va", kPerFlush);
  std::vector<uint8_t> msg(20, 0);
  msg[0] = 0x31;
  for (int f = 0; f < kFlushes; ++f) {
    for (int i = 0; i < kPerFlush; ++i) {
      msg[1] = static_cast<uint8_t>(i + 1);
      ASSERT_TRUE(sender.queue(ip("192.0.2.1"), ip("224.0.0.18"), msg, 255));
    }
    ASSERT_EQ(sender.flush(), kPerFlush);
  }
  ASSERT_TRUE(wait_readable(receiver.fd(), 1000));
  ::usleep(200 * 1000);  // the veth delivers from softirq: let all of them queue
  const auto noop = [](std::span<const uint8_t>, int, uint64_t) {};
  const size_t bound = RawReceiver::kBatch * RawReceiver::kMaxBatchesPerDrain;
  size_t total = receiver.drain(noop);
  EXPECT_EQ(total, bound);
  EXPECT_TRUE(wait_readable(receiver.fd(), 0)) << "the rest waits for the next wakeup";
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (total < static_cast<size_t>(kPerFlush * kFlushes) && Clock::now() < deadline) {
    wait_readable(receiver.fd(), 100);
    const size_t n = receiver.drain(noop);
    EXPECT_LE(n, bound);
    total += n;
  }
  EXPECT_EQ(total, static_cast<size_t>(kPerFlush * kFlushes));
}

TEST_F(NetFixture, AdvertSenderOpensIpv6SocketOnFirstIpv6Advert) {
  // Only the socket set-up (IPPROTO_RAW, SO_BINDTODEVICE, IPV6_MULTICAST_IF/LOOP) and the header
  // are exercised: nothing is flushed, since these tests send only to 192.0.2.0/24-style ranges.
  enter(ns_a_);
  AdvertSender sender(static_cast<int>(if_nametoindex("va")), "va", 4);
  const std::vector<uint8_t> msg(8 + 16, 0x31);
  EXPECT_TRUE(sender.queue(ip("fe80::1"), ip("ff02::12"), msg, 255));
  EXPECT_EQ(sender.queued(), 1u);
  EXPECT_FALSE(sender.queue(ip("fe80::1"), ip("192.0.2.2"), msg, 255));
  EXPECT_EQ(sender.queued(), 1u);
}

// The IPv6 advert leaves with the source and hop limit we put in its header,
// and the same source goes to the kernel in IPV6_PKTINFO, so a second
// link-local, or a preferred global address, never replaces it and the kernel
// runs no source selection: a source that is ours is taken as given
// (unpinned() stays 0). One that is not an address of the interface is
// refused in the control message and still leaves, with its header intact.
TEST_F(NetFixture, AdvertSenderIpv6SourceIsTheOneGiven) {
  for (const char* a : {"fe80::a1/64", "fe80::a2/64", "2001:db8::a1/64"})
    run("ip -n " + ns_a_ + " addr add " + a + " dev va nodad");
  run("ip -n " + ns_b_ + " addr add 2001:db8::b/64 dev vb nodad");
  enter(ns_b_);
  const int vb = static_cast<int>(if_nametoindex("vb"));
  UniqueFd rx(::socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 112));
  ASSERT_TRUE(rx.valid()) << std::strerror(errno);
  const int on = 1;
  ASSERT_EQ(setsockopt(rx.get(), IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on), 0);
  GroupMembership group(vb, AF_INET6);  // the stack delivers joined groups only
  enter(ns_a_);
  AdvertSender sender(static_cast<int>(if_nametoindex("va")), "va", 4);
  const std::vector<uint8_t> msg(8 + 16, 0x31);
  ASSERT_TRUE(sender.queue(ip("fe80::a2"), ip("ff02::12"), msg, 255));
  ASSERT_TRUE(sender.queue(ip("fe80::a2"), ip("2001:db8::b"), msg, 64));
  ASSERT_EQ(sender.flush(), 2);
  EXPECT_EQ(sender.unpinned(), 0u) << "the kernel refused a source that is ours";
  ASSERT_TRUE(sender.queue(ip("fe80::dead"), ip("ff02::12"), msg, 255));
  ASSERT_EQ(sender.flush(), 1);
  EXPECT_EQ(sender.unpinned(), 1u) << "a source that is not ours went out pinned";

  std::vector<std::pair<std::string, int>> got;
  auto deadline = Clock::now() + std::chrono::seconds(3);
  while (got.size() < 3 && Clock::now() < deadline) {
    if (!wait_readable(rx.get(), 100)) continue;
    std::array<uint8_t, 256> buf{};
    sockaddr_in6 from{};
    std::array<uint8_t, 128> ctrl{};
    iovec iov{buf.data(), buf.size()};
    msghdr mh{};
    mh.msg_name = &from;
    mh.msg_namelen = sizeof from;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = ctrl.data();
    mh.msg_controllen = ctrl.size();
    if (recvmsg(rx.get(), &mh, 0) < 0) continue;
    int hops = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)
        std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(AF_INET6, &from.sin6_addr, text, sizeof text);
    got.emplace_back(text, hops);
  }
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], std::make_pair(std::string("fe80::a2"), 255));
  EXPECT_EQ(got[1], std::make_pair(std::string("fe80::a2"), 64));
  EXPECT_EQ(got[2], std::make_pair(std::string("fe80::dead"), 255));
}

TEST(GarpFrames, UnsolicitedNaIsWellFormed) {
  const std::array<uint8_t, 6> mac{0x02, 0x00, 0x5e, 0x10, 0x20, 0x30};
  std::array<uint8_t, 128> frame;
  size_t len = GarpSender::build_unsolicited_na_frame(frame, mac, *IpAddress::parse("fe80::1"),
                                                      *IpAddress::parse("2001:db8::100"));
  ASSERT_EQ(len, 86u);
  EXPECT_EQ(frame[0], 0x33);
  EXPECT_EQ(frame[5], 0x01);
  EXPECT_EQ(frame[12] << 8 | frame[13], 0x86dd);
  const uint8_t* ip6 = frame.data() + 14;
  EXPECT_EQ(ip6[6], 58);
  EXPECT_EQ(ip6[7], 255);
  const uint8_t* icmp = ip6 + 40;
  EXPECT_EQ(icmp[0], 136);
  EXPECT_EQ(icmp[4], 0x20) << "Override set, Solicited and Router clear";
  EXPECT_EQ(0, std::memcmp(icmp + 26, mac.data(), 6));
  // Checksum over pseudo-header + message verifies to zero.
  std::vector<uint8_t> pseudo(ip6 + 8, ip6 + 40);
  for (uint8_t b : {0, 0, 0, 32, 0, 0, 0, 58}) pseudo.push_back(b);
  pseudo.insert(pseudo.end(), icmp, icmp + 32);
  EXPECT_EQ(packet::internet_checksum(pseudo), 0);
}

}  // namespace
}  // namespace xvrrp::net
