// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl counters/metrics against real pinned maps of the abi.h layout, created here
// (no daemon needed) under /sys/fs/bpf/xvrrp/test-<pid>/. Needs root (bpf(2), bpffs).
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "ctl_test_util.hpp"
#include "json.hpp"
#include "pinned_maps.hpp"
#include "xvrrp/abi.h"

namespace xvrrp::ctl {
namespace {

namespace fs = std::filesystem;
using test::run_ctl;

class PinnedMapsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: creates and pins BPF maps in bpffs";
    ensure_bpffs(Paths{});
    router_id_ = "test-" + std::to_string(getpid());
    dir_ = std::string(XVRRP_BPFFS_ROOT) + "/" + router_id_;
    ::mkdir(XVRRP_BPFFS_ROOT, 0700);
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0) << dir_ << ": " << std::strerror(errno);
    ncpus_ = libbpf_num_possible_cpus();
    ASSERT_GT(ncpus_, 0);
    run_dir_ = fs::temp_directory_path() / ("xvrrpctl-maps-" + std::to_string(getpid()));
    fs::create_directories(run_dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
    if (!run_dir_.empty()) fs::remove_all(run_dir_);
  }

  int create_and_pin(bpf_map_type type, const char* name, unsigned key_size, unsigned value_size,
                     unsigned max_entries) {
    int fd = bpf_map_create(type, name, key_size, value_size, max_entries, nullptr);
    EXPECT_GE(fd, 0) << name << ": " << std::strerror(errno);
    if (fd < 0) return fd;
    fds_.emplace_back(fd);
    EXPECT_EQ(bpf_obj_pin(fd, (dir_ + "/" + name).c_str()), 0) << std::strerror(errno);
    return fd;
  }

  void pin_meta(__u32 abi_version) {
    int fd = create_and_pin(BPF_MAP_TYPE_ARRAY, "xvrrp_meta", 4, sizeof(xvrrp_meta), 1);
    xvrrp_meta meta{abi_version, 4242, 1'000'000'000};
    __u32 zero = 0;
    ASSERT_EQ(bpf_map_update_elem(fd, &zero, &meta, BPF_ANY), 0);
  }

  // {lo, VRID 100, IPv4}: 3 + 4 accepted on the first and last CPU, 5 suppressed, 2 bad_ttl;
  // {lo, not ours, IPv4}: 9 unattributable; {lo, VRID 7, IPv6}: 1 unknown_peer; the same
  // VRID 100 on ifindex 3: 2 accepted, apart from lo's.
  void pin_counters() {
    int fd = create_and_pin(BPF_MAP_TYPE_LRU_PERCPU_HASH, "xvrrp_counters", sizeof(xvrrp_vrid_key),
                            sizeof(xvrrp_counters), XVRRP_COUNTER_ENTRIES);
    auto put = [&](xvrrp_vrid_key key, auto fill) {
      std::vector<xvrrp_counters> per_cpu(static_cast<size_t>(ncpus_));
      fill(per_cpu);
      ASSERT_EQ(bpf_map_update_elem(fd, &key, per_cpu.data(), BPF_ANY), 0) << std::strerror(errno);
    };
    put({1, 100, XVRRP_AF_INET, {0, 0}}, [&](std::vector<xvrrp_counters>& c) {
      c.front().accepted += 3;
      c.back().accepted += 4;
      c.back().suppressed = 5;
      c.front().rejected[XVRRP_REJECT_BAD_TTL] = 2;
    });
    put({1, XVRRP_VRID_NOT_OURS, XVRRP_AF_INET, {0, 0}},
        [](std::vector<xvrrp_counters>& c) { c.front().rejected[XVRRP_REJECT_TOO_SHORT] = 9; });
    put({1, 7, XVRRP_AF_INET6, {0, 0}},
        [](std::vector<xvrrp_counters>& c) { c.back().rejected[XVRRP_REJECT_UNKNOWN_PEER] = 1; });
    put({3, 100, XVRRP_AF_INET, {0, 0}},
        [](std::vector<xvrrp_counters>& c) { c.front().accepted = 2; });
    put({1, 1, XVRRP_AF_INET, {0, 0}}, [](std::vector<xvrrp_counters>&) {});  // all zero
  }

  void pin_jitter() {
    int fd = create_and_pin(BPF_MAP_TYPE_LRU_HASH, "xvrrp_jitter", sizeof(xvrrp_peer_key),
                            sizeof(xvrrp_jitter), XVRRP_MAX_JITTER_PEERS);
    xvrrp_peer_key key{};
    key.vrid = {1, 100, XVRRP_AF_INET, {0, 0}};  // ifindex 1 is lo
    inet_pton(AF_INET, "192.0.2.6", &key.addr[0]);
    xvrrp_jitter hist{};
    hist.samples = 11;
    hist.bucket[19] = 10;  // [524288, 1048576) µs: 1 s adverts arriving a bit early
    hist.bucket[20] = 1;
    ASSERT_EQ(bpf_map_update_elem(fd, &key, &hist, BPF_ANY), 0);
    xvrrp_peer_key key6{};
    key6.vrid = {1, 7, XVRRP_AF_INET6, {0, 0}};
    inet_pton(AF_INET6, "2001:db8::6", key6.addr);
    xvrrp_jitter hist6{};
    hist6.samples = 3;
    hist6.bucket[13] = 3;  // [8.192, 16.384) ms: 10 ms VRRPv3 adverts
    ASSERT_EQ(bpf_map_update_elem(fd, &key6, &hist6, BPF_ANY), 0);
  }

  std::string ctl(const std::string& args) {
    return "-r " + router_id_ + " --run-dir " + run_dir_.string() + " " + args;
  }

  std::string router_id_;
  std::string dir_;
  fs::path run_dir_;
  int ncpus_ = 0;
  std::vector<UniqueFd> fds_;
};

TEST_F(PinnedMapsTest, CountersTextSumsCpusAndNamesReasons) {
  pin_meta(XVRRP_ABI_VERSION);
  pin_counters();
  pin_jitter();
  auto r = run_ctl(ctl("counters"));
  ASSERT_EQ(r.rc, 0) << r.err;
  for (std::string want : {
           "pinned maps " + dir_ + "  abi " + std::to_string(XVRRP_ABI_VERSION) +
               "  daemon pid 4242  " + std::to_string(ncpus_) + " possible CPUs\n",
           std::string(
               "  ipv4 on ifindex 1, not ours (passed)\n    other VRID                   0\n"
               "    unattributable               9\n"),
           std::string("  VRID 100 ipv4 on ifindex 1\n    accepted                     7\n"
                       "    suppressed                   5\n"
                       "    rejected too_short           0\n    rejected bad_ttl             2\n"),
           std::string("  VRID 7 ipv6 on ifindex 1\n"),
           std::string("  VRID 100 ipv4 on ifindex 3\n    accepted                     2\n"),
           std::string("    rejected unknown_peer        1\n"),
           std::string("    rejected ringbuf_full        0\n"),
           std::string("  VRID 100 ipv4 peer 192.0.2.6 on ifindex 1: 11 gaps\n"),
           std::string("    [524 ms, 1.05 s)                 10 "
                       "########################################\n"),
           std::string("    [1.05 s, 2.1 s)                   1 ####\n"),
           std::string("  VRID 7 ipv6 peer 2001:db8::6 on ifindex 1: 3 gaps\n"),
           std::string("    [8.19 ms, 16.4 ms)                3 ####"),
       }) {
    EXPECT_NE(r.out.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << r.out;
  }
  // All-zero slots (e.g. VRID 1) are skipped.
  EXPECT_EQ(r.out.find("VRID 1 ipv4"), std::string::npos) << r.out;
}

TEST_F(PinnedMapsTest, CountersJson) {
  pin_meta(XVRRP_ABI_VERSION);
  pin_counters();
  pin_jitter();
  auto r = run_ctl(ctl("counters --json"));
  ASSERT_EQ(r.rc, 0) << r.err;
  Json j = Json::parse(r.out);
  EXPECT_EQ(j.at("daemon_pid").as_int(), 4242);
  const auto& slots = j.at("counters").items();
  ASSERT_EQ(slots.size(), 4u);
  EXPECT_EQ(slots[0].at("vrid").as_int(), 0);
  EXPECT_EQ(slots[0].at("rejected").at("too_short").as_int(), 9);
  EXPECT_EQ(slots[1].at("vrid").as_int(), 100);
  EXPECT_EQ(slots[1].at("accepted").as_int(), 7);
  EXPECT_EQ(slots[1].at("rejected").members().size(), static_cast<size_t>(XVRRP_REJECT_MAX));
  EXPECT_EQ(slots[2].at("family").as_string(), "ipv6");
  EXPECT_EQ(slots[2].at("rejected").at("unknown_peer").as_int(), 1);
  EXPECT_EQ(slots[3].at("ifindex").as_int(), 3);
  EXPECT_EQ(slots[3].at("vrid").as_int(), 100);
  EXPECT_EQ(slots[3].at("accepted").as_int(), 2);
  const auto& jitter = j.at("jitter").items();
  ASSERT_EQ(jitter.size(), 2u);
  EXPECT_EQ(jitter[0].at("peer").as_string(), "2001:db8::6");  // VRID 7 sorts first
  EXPECT_EQ(jitter[1].at("ifindex").as_int(), 1);
  EXPECT_EQ(jitter[1].at("buckets").items()[1].at("count").as_int(), 1);
}

TEST_F(PinnedMapsTest, MetricsCombineDaemonAndMaps) {
  pin_meta(XVRRP_ABI_VERSION);
  pin_counters();
  pin_jitter();
  test::FakeControlSocket server((run_dir_ / (router_id_ + ".ctl")).string(),
                                 test::sample_status_json());
  ASSERT_TRUE(server.ok());
  auto r = run_ctl(ctl("metrics"));
  ASSERT_EQ(r.rc, 0) << r.err;
  const std::string rid = "router_id=\"" + router_id_ + "\"";
  for (std::string want : {
           "xvrrp_up{" + rid + "} 1\n",
           "xvrrp_instance_state{" + rid + ",instance=\"service-100\",vrid=\"100\"} 2\n",
           "xvrrp_adverts_accepted_total{" + rid +
               ",vrid=\"100\",family=\"ipv4\",ifindex=\"1\"} 7\n",
           "xvrrp_adverts_accepted_total{" + rid +
               ",vrid=\"100\",family=\"ipv4\",ifindex=\"3\"} 2\n",
           "xvrrp_adverts_rejected_total{" + rid +
               ",vrid=\"100\",family=\"ipv4\",ifindex=\"1\",reason=\"bad_ttl\"} 2\n",
           "xvrrp_adverts_rejected_total{" + rid +
               ",vrid=\"0\",family=\"ipv4\",ifindex=\"1\",reason=\"too_short\"} 9\n",
           "xvrrp_adverts_rejected_total{" + rid +
               ",vrid=\"7\",family=\"ipv6\",ifindex=\"1\",reason=\"unknown_peer\"} 1\n",
           "xvrrp_advert_interarrival_seconds_bucket{" + rid +
               ",vrid=\"100\",family=\"ipv4\",peer=\"192.0.2.6\",ifindex=\"1\",le=\"1.04858\"} "
               "10\n",
           "xvrrp_advert_interarrival_seconds_count{" + rid +
               ",vrid=\"7\",family=\"ipv6\",peer=\"2001:db8::6\",ifindex=\"1\"} 3\n",
       }) {
    EXPECT_NE(r.out.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << r.out;
  }
}

TEST_F(PinnedMapsTest, AbiVersionMismatchIsAnError) {
  pin_meta(XVRRP_ABI_VERSION + 98);
  pin_counters();
  pin_jitter();
  auto r = run_ctl(ctl("counters"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(
      r.err.find("ABI version mismatch: the maps in " + dir_ +
                 " were pinned by an xvrrpd with ABI " + std::to_string(XVRRP_ABI_VERSION + 98) +
                 " (pid 4242), this xvrrpctl reads ABI " + std::to_string(XVRRP_ABI_VERSION)),
      std::string::npos)
      << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(PinnedMapsTest, WrongValueSizeIsAnAbiMismatch) {
  pin_meta(XVRRP_ABI_VERSION);
  // The per-VRID array of earlier releases.
  create_and_pin(BPF_MAP_TYPE_PERCPU_ARRAY, "xvrrp_counters", 4, sizeof(xvrrp_counters), 512);
  auto r = run_ctl(ctl("counters"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("ABI mismatch in " + dir_ +
                       "/xvrrp_counters: found a percpu_array map "
                       "with key 4 B and value 112 B, this xvrrpctl (ABI " +
                       std::to_string(XVRRP_ABI_VERSION) +
                       ") expects a lru_percpu_hash map with key 8 B and value 112 B"),
            std::string::npos)
      << r.err;
}

TEST_F(PinnedMapsTest, MissingMapIsNamed) {
  pin_meta(XVRRP_ABI_VERSION);
  pin_counters();
  auto r = run_ctl(ctl("counters"));
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("map " + dir_ + "/xvrrp_jitter is not pinned"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace xvrrp::ctl
