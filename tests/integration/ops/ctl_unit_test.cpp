// SPDX-License-Identifier: GPL-2.0-or-later
// xvrrpctl without privileges: JSON reader, renderers on fixed inputs, and the status command
// against a fake control socket in a temporary run directory.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>

#include "ctl_test_util.hpp"
#include "json.hpp"
#include "render.hpp"

namespace xvrrp::ctl {
namespace {

namespace fs = std::filesystem;
using test::FakeControlSocket;
using test::run_ctl;

TEST(CtlJson, ParsesAndReindentsWithoutChangingNumbers) {
  Json j = Json::parse(R"( {"a": [1, 2.50, -3e2, true, null], "b": "x\"\u00e9\n", "c": {}} )");
  EXPECT_EQ(j.at("a").items().size(), 5u);
  EXPECT_EQ(j.at("a").items()[1].number_text(), "2.50");
  EXPECT_DOUBLE_EQ(j.at("a").items()[2].as_double(), -300.0);
  EXPECT_EQ(j.at("b").as_string(), "x\"\xc3\xa9\n");
  EXPECT_EQ(j.dump(-1), R"({"a":[1,2.50,-3e2,true,null],"b":"x\"é\n","c":{}})");
  EXPECT_EQ(Json::parse(j.dump(2)).dump(-1), j.dump(-1));
}

TEST(CtlJson, RejectsBadInputWithPosition) {
  for (const char* bad :
       {"", "{", "{\"a\" 1}", "[1,]", "01", "\"abc", "{\"a\":1} x", "1.", "\"\\x\""}) {
    EXPECT_THROW(Json::parse(bad), JsonError) << bad;
  }
  try {
    Json::parse("{\n  \"a\": tru\n}");
    FAIL();
  } catch (const JsonError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2 column 8"), std::string::npos) << e.what();
  }
  Json obj = Json::parse("{\"a\":1}");
  try {
    (void)obj.at("b");
    FAIL();
  } catch (const JsonError& e) {
    EXPECT_STREQ(e.what(), "missing field \"b\"");
  }
  EXPECT_THROW((void)obj.at("a").as_string(), JsonError);
}

// as_int() converted any integral double, so 1e300 was an out-of-range float-to-integer
// conversion (undefined behaviour; UBSan reports it).
TEST(CtlJson, IntegerOutOfRangeIsAnErrorNotUndefinedBehaviour) {
  EXPECT_THROW((void)Json::parse("1e300").as_int(), JsonError);
  EXPECT_THROW((void)Json::parse("-1e19").as_int(), JsonError);
  EXPECT_THROW((void)Json::parse("1e999").as_int(), JsonError);
  EXPECT_EQ(Json::parse("9223372036854775807").as_int(), INT64_MAX);  // exact, not via double
  EXPECT_EQ(Json::parse("-9223372036854775808").as_int(), INT64_MIN);
  EXPECT_EQ(Json::parse("2e3").as_int(), 2000);
  EXPECT_THROW((void)Json::parse("2.5").as_int(), JsonError);
}

// Strings are written back as valid UTF-8 whatever the reply held.
TEST(CtlJson, DumpOfInvalidUtf8IsValidUtf8) {
  Json j = Json::string(std::string("eth\xff", 4));
  EXPECT_EQ(j.dump(-1), "\"eth\xef\xbf\xbd\"");
}

TEST(CtlRender, StatusTextShowsEveryField) {
  std::string text = render_status_text(Json::parse(test::sample_status_json()));
  for (const char* want :
       {"xvrrpd router_id server-1  pid 123  abi 1  rx xdp (native)  up 12.5 s",
        "service-100  interface eth0  VRID 100  VRRPv2", "state              MASTER",
        "priority           100\n", "master             192.0.2.5 (priority 100)",
        "last advert        12.3 ms ago", "advert interval    1000 ms (master's: 1000 ms)",
        "transitions        1", "VIPs               present", "192.0.2.100/24 dev dummy0: present",
        "tracked            eth0 up\n", "sent 10, received 12, GARPs sent 5",
        "state              FAULT", "priority           80 (base 90)", "master             unknown",
        "last advert        none received", "tracked            eth1 DOWN (weight -10)",
        "198.51.100.7/24 dev eth1: absent",
        "near miss          largest gap 31.5 ms (88%) of 3609.4 ms (master-down interval), near "
        "misses 2, down-timer extensions 1, largest send lateness 0.250 ms (0.125 ms of it before "
        "the wake-up)"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << text;
  }
}

// A script tracker and what it does to the priority, in text and metrics.
TEST(CtlRender, ScriptTrackers) {
  const std::string abi = std::to_string(XVRRP_ABI_VERSION);
  Json status = Json::parse(R"({"router_id":"r","pid":1,"abi_version":)" + abi + R"(,"rx":"xdp",
      "uptime_s":3,"instances":[{"name":"vi_1","interface":"eth0","vrid":1,"version":2,
      "state":"BACKUP","base_priority":100,"effective_priority":40,"master":null,
      "master_priority":0,"last_advert_age_ms":null,"advert_int_ms":1000,
      "master_adver_int_ms":1000,"transitions":1,"vips":[],"vips_present":false,"tracked":[],
      "priority_delta":-60,"tracking_fault":false,"trackers":[
        {"name":"chk","kind":"script","state":"KO","weight":-60,"reverse":false,"fault":false,
         "delta":-60,"last_result":"failed","last_result_age_s":0.42,"last_exit_code":1,
         "runs":12,"skipped":0},
        {"name":"web","kind":"script","state":"INIT","weight":0,"reverse":false,"fault":true,
         "delta":0,"last_result":null,"last_result_age_s":null,"last_exit_code":null,
         "runs":1,"skipped":0}],
      "adverts_sent":0,"adverts_received":0,"priority_zero_sent":0,"garps_sent":0}]})");
  const std::string text = render_status_text(status);
  for (const char* want :
       {"priority           40 (base 100)",
        "scripts            chk KO, weight -60: -60; last failed 0.4 s ago (exit 1); 12 runs\n",
        "                   web INIT, FAULT until its first result; no result yet; 1 runs\n"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << text;
  }
  const std::string metrics = render_metrics("r", &status, nullptr);
  for (const char* want :
       {"xvrrp_tracker_state{router_id=\"r\",instance=\"vi_1\",vrid=\"1\",kind=\"script\","
        "tracker=\"chk\"} 0\n",
        "tracker=\"web\"} -1\n",
        "xvrrp_instance_priority_delta{router_id=\"r\",instance=\"vi_1\",vrid=\"1\"} -60\n"}) {
    EXPECT_NE(metrics.find(want), std::string::npos) << "missing \"" << want << "\" in\n"
                                                     << metrics;
  }
}

TEST(CtlRender, StatusTextPrefersRxDetail) {
  const std::string abi = std::to_string(XVRRP_ABI_VERSION);
  Json status = Json::parse(R"({"router_id":"r","pid":1,"abi_version":)" + abi + R"(,"rx":"xdp",
      "rx_detail":"xdp 3:native/single-program","uptime_s":2.25,"instances":[]})");
  EXPECT_EQ(render_status_text(status), "xvrrpd router_id r  pid 1  abi " + abi +
                                            "  rx xdp 3:native/single-program  up 2.2 s\n"
                                            "no vrrp_instance configured\n");
}

TEST(CtlRender, StatusTextNamesTheMissingField) {
  Json broken = Json::parse(R"({"router_id":"r","pid":1,"abi_version":1,"rx":"socket","uptime_s":1,
      "instances":[{"name":"vi_1","interface":"eth0","vrid":1,"version":2}]})");
  try {
    render_status_text(broken);
    FAIL();
  } catch (const JsonError& e) {
    EXPECT_STREQ(e.what(), "instance vi_1: missing field \"base_priority\"");
  }
}

TEST(CtlRender, StateNumbersAndBuckets) {
  EXPECT_EQ(state_number("INIT"), 0);
  EXPECT_EQ(state_number("Initialize"), 0);
  EXPECT_EQ(state_number("BACKUP"), 1);
  EXPECT_EQ(state_number("master"), 2);
  EXPECT_EQ(state_number("FAULT"), 3);
  EXPECT_EQ(state_number("STOP"), -1);
  EXPECT_EQ(jitter_bucket_lower_us(0), 0u);
  EXPECT_EQ(jitter_bucket_upper_us(0), 2u);
  EXPECT_EQ(jitter_bucket_lower_us(19), 524288u);
  EXPECT_EQ(jitter_bucket_upper_us(19), 1048576u);
  EXPECT_STREQ(reject_name(XVRRP_REJECT_TOO_SHORT), "too_short");
  EXPECT_STREQ(reject_name(XVRRP_REJECT_RINGBUF_FULL), "ringbuf_full");
}

MapSnapshot sample_maps() {
  MapSnapshot m;
  m.router_id = "server-1";
  m.dir = "/sys/fs/bpf/xvrrp/server-1";
  m.meta = {XVRRP_ABI_VERSION, 123, 0};
  m.possible_cpus = 2;
  CounterSlot s;
  s.ifindex = 2;
  s.vrid = 100;
  s.family = XVRRP_AF_INET;
  s.sum.accepted = 42;
  s.sum.suppressed = 40;
  s.sum.rejected[XVRRP_REJECT_AUTH_MISMATCH] = 3;
  m.counters.push_back(s);
  JitterPeer p;
  p.key.vrid = {0, 100, XVRRP_AF_INET, {0, 0}};
  p.key.addr[0] = htonl(0xC0000206);  // 192.0.2.6
  p.hist.samples = 5;
  p.hist.bucket[19] = 4;  // [0.524 s, 1.05 s)
  p.hist.bucket[20] = 1;
  m.jitter.push_back(p);
  return m;
}

TEST(CtlRender, MetricsAreValidExpositionFormat) {
  Json status = Json::parse(test::sample_status_json());
  MapSnapshot maps = sample_maps();
  std::string text = render_metrics("server-1", &status, &maps);
  for (const char* want : {
           "# TYPE xvrrp_up gauge\nxvrrp_up{router_id=\"server-1\"} 1\n",
           "xvrrp_instance_state{router_id=\"server-1\",instance=\"service-100\",vrid=\"100\"} 2\n",
           "xvrrp_instance_state{router_id=\"server-1\",instance=\"service-\\\"7\\\"\",vrid=\"7\"} "
           "3\n",
           "xvrrp_instance_is_master{router_id=\"server-1\",instance=\"service-100\",vrid=\"100\"} "
           "1\n",
           "xvrrp_instance_effective_priority{router_id=\"server-1\",instance=\"service-"
           "\\\"7\\\"\",vrid=\"7\"} 80\n",
           "# TYPE xvrrp_instance_transitions_total counter\n",
           "xvrrp_instance_last_advert_age_seconds{router_id=\"server-1\",instance=\"service-100\","
           "vrid=\"100\"} 0.0123",
           "xvrrp_tracked_interface_up{router_id=\"server-1\",instance=\"service-\\\"7\\\"\",vrid="
           "\"7\",interface=\"eth1\"} 0\n",
           "xvrrp_adverts_accepted_total{router_id=\"server-1\",vrid=\"100\",family=\"ipv4\","
           "ifindex=\"2\"} 42\n",
           "xvrrp_adverts_suppressed_total{router_id=\"server-1\",vrid=\"100\",family=\"ipv4\","
           "ifindex=\"2\"} 40\n",
           "xvrrp_adverts_rejected_total{router_id=\"server-1\",vrid=\"100\",family=\"ipv4\","
           "ifindex=\"2\",reason=\"auth_mismatch\"} 3\n",
           "xvrrp_adverts_rejected_total{router_id=\"server-1\",vrid=\"100\",family=\"ipv4\","
           "ifindex=\"2\",reason=\"too_short\"} 0\n",
           "# TYPE xvrrp_advert_interarrival_seconds histogram\n",
           "xvrrp_advert_interarrival_seconds_bucket{router_id=\"server-1\",vrid=\"100\",family="
           "\"ipv4\",peer=\"192.0.2.6\",ifindex=\"0\",le=\"0.524288\"} 0\n",
           "xvrrp_advert_interarrival_seconds_bucket{router_id=\"server-1\",vrid=\"100\",family="
           "\"ipv4\",peer=\"192.0.2.6\",ifindex=\"0\",le=\"1.04858\"} 4\n",
           "xvrrp_advert_interarrival_seconds_bucket{router_id=\"server-1\",vrid=\"100\",family="
           "\"ipv4\",peer=\"192.0.2.6\",ifindex=\"0\",le=\"2.09715\"} 5\n",
           "le=\"+Inf\"} 5\n",
           "xvrrp_advert_interarrival_seconds_count{router_id=\"server-1\",vrid=\"100\",family="
           "\"ipv4\",peer=\"192.0.2.6\",ifindex=\"0\"} 5\n",
           "# TYPE xvrrp_instance_max_advert_gap_seconds gauge\n",
           "xvrrp_instance_max_advert_gap_seconds{router_id=\"server-1\",instance=\"service-100\","
           "vrid=\"100\"} 0.0315\n",
           "xvrrp_instance_near_misses_total{router_id=\"server-1\",instance=\"service-100\","
           "vrid=\"100\"} 2\n",
           "xvrrp_instance_max_send_lateness_seconds{router_id=\"server-1\",instance=\"service-"
           "100\",vrid=\"100\"} 0.00025\n",
           "xvrrp_instance_max_wake_lateness_seconds{router_id=\"server-1\",instance=\"service-"
           "100\",vrid=\"100\"} 0.000125\n",
           "xvrrp_instance_down_timer_extensions_total{router_id=\"server-1\",instance=\"service-"
           "100\",vrid=\"100\"} 1\n",
           "# TYPE xvrrp_advert_send_lateness_seconds histogram\n",
           "xvrrp_advert_send_lateness_seconds_bucket{router_id=\"server-1\",le=\"5e-05\"} 8\n",
           "xvrrp_advert_send_lateness_seconds_bucket{router_id=\"server-1\",le=\"0.001\"} 9\n",
           "xvrrp_advert_send_lateness_seconds_bucket{router_id=\"server-1\",le=\"+Inf\"} 10\n",
           "xvrrp_advert_send_lateness_seconds_sum{router_id=\"server-1\"} 0.0025\n",
           "xvrrp_advert_send_lateness_seconds_count{router_id=\"server-1\"} 10\n",
           "# TYPE xvrrp_notify_fifo_dropped_lines_total counter\n",
           "xvrrp_notify_fifo_dropped_lines_total{router_id=\"server-1\"} 4\n",
           "# TYPE xvrrp_log_lines_dropped_total counter\n",
           "xvrrp_log_lines_dropped_total{router_id=\"server-1\"} 3\n",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing \"" << want << "\" in\n" << text;
  }
  // The FAULT instance has no advert age: no sample rather than a made-up value.
  EXPECT_EQ(
      text.find("last_advert_age_seconds{router_id=\"server-1\",instance=\"service-\\\"7\\\""),
      std::string::npos);
  // Exposition format: every sample line belongs to a family declared by # TYPE before it.
  std::istringstream lines(text);
  std::string line, family;
  while (std::getline(lines, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      family = line.substr(7, line.find(' ', 7) - 7);
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    ASSERT_FALSE(family.empty()) << line;
    EXPECT_EQ(line.rfind(family, 0), 0u) << line << " outside family " << family;
    EXPECT_NE(line.find("} "), std::string::npos) << line;
  }
}

TEST(CtlRender, MetricsIncludeSocketRejectsOnlyForSocketRx) {
  std::string socket_status = test::sample_status_json();
  socket_status.replace(socket_status.find("\"rx\":\"xdp\""), 10, "\"rx\":\"socket\"");
  socket_status.insert(1, R"("socket_rejects":{"too_short":0,"auth_mismatch":7},)");
  Json status = Json::parse(socket_status);
  std::string text = render_metrics("server-1", &status, nullptr);
  EXPECT_NE(text.find("# TYPE xvrrp_socket_adverts_rejected_total counter\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("xvrrp_socket_adverts_rejected_total{router_id=\"server-1\",reason=\""
                      "auth_mismatch\"} 7\n"),
            std::string::npos)
      << text;
  // With XDP the maps hold the drops; the daemon's socket counters stay out.
  std::string xdp_status = test::sample_status_json();
  xdp_status.insert(1, R"("socket_rejects":{"auth_mismatch":7},)");
  Json xdp = Json::parse(xdp_status);
  EXPECT_EQ(render_metrics("server-1", &xdp, nullptr).find("xvrrp_socket_adverts_rejected_total"),
            std::string::npos);
}

TEST(CtlRender, MetricsWithDaemonDown) {
  std::string text = render_metrics("server-2", nullptr, nullptr);
  EXPECT_EQ(text,
            "# HELP xvrrp_up 1 if xvrrpd answered on its control socket, else 0.\n"
            "# TYPE xvrrp_up gauge\n"
            "xvrrp_up{router_id=\"server-2\"} 0\n");
}

TEST(CtlRender, CountersTextAndJson) {
  MapSnapshot maps = sample_maps();
  std::string text = render_counters_text(maps);
  EXPECT_NE(text.find("VRID 100 ipv4 on ifindex 2\n    accepted                     42\n"
                      "    suppressed                   40\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    rejected auth_mismatch       3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("VRID 100 ipv4 peer 192.0.2.6 on ifindex 0: 5 gaps"), std::string::npos)
      << text;
  EXPECT_NE(
      text.find("[524 ms, 1.05 s)                  4 ########################################"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("[1.05 s, 2.1 s)                   1 ##########"), std::string::npos) << text;
  Json j = Json::parse(counters_json(maps).dump(2));
  EXPECT_EQ(j.at("counters").items()[0].at("rejected").at("auth_mismatch").as_int(), 3);
  EXPECT_EQ(j.at("jitter").items()[0].at("peer").as_string(), "192.0.2.6");
  EXPECT_EQ(j.at("jitter").items()[0].at("buckets").items().size(), 2u);
  EXPECT_EQ(j.at("jitter").items()[0].at("buckets").items()[0].at("lower_us").as_int(), 524288);
}

class CtlStatusCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    run_dir_ = fs::temp_directory_path() / ("xvrrpctl-run-" + std::to_string(getpid()));
    fs::create_directories(run_dir_);
    // Keep the fake pin root empty so only the run dir decides the router id.
    pin_root_ = run_dir_ / "pins";
    fs::create_directories(pin_root_);
    opts_ = "--run-dir " + run_dir_.string() + " --pin-root " + pin_root_.string();
  }
  void TearDown() override { fs::remove_all(run_dir_); }
  fs::path run_dir_, pin_root_;
  std::string opts_;
};

TEST_F(CtlStatusCommand, TextAndJsonFromTheControlSocket) {
  FakeControlSocket server((run_dir_ / "server-1.ctl").string(), test::sample_status_json());
  ASSERT_TRUE(server.ok());
  auto r = run_ctl(opts_ + " status");  // router id discovered: the only socket
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(server.last_request(), "status\n");
  EXPECT_EQ(r.out, render_status_text(Json::parse(test::sample_status_json())));
  r = run_ctl("-r server-1 " + opts_ + " status --json");
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(Json::parse(r.out).dump(-1), Json::parse(test::sample_status_json()).dump(-1));
  EXPECT_NE(r.out.find("\n  \"instances\": [\n"), std::string::npos) << r.out;
}

TEST_F(CtlStatusCommand, OtherRouterIdIsNamed) {
  FakeControlSocket server((run_dir_ / "server-2.ctl").string(), test::sample_status_json());
  ASSERT_TRUE(server.ok());
  auto r = run_ctl("-r server-1 " + opts_ + " status");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(r.err, "xvrrpctl: xvrrpd is not running for router id server-1 (no " +
                       (run_dir_ / "server-1.ctl").string() + "); running router ids: server-2\n");
}

TEST_F(CtlStatusCommand, NothingRunning) {
  auto r = run_ctl(opts_ + " status");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("xvrrpd is not running: no control socket in " + run_dir_.string()),
            std::string::npos)
      << r.err;
}

TEST_F(CtlStatusCommand, SeveralRouterIdsNeedChoosing) {
  FakeControlSocket a((run_dir_ / "server-1.ctl").string(), test::sample_status_json());
  FakeControlSocket b((run_dir_ / "server-2.ctl").string(), test::sample_status_json());
  auto r = run_ctl(opts_ + " status");
  EXPECT_EQ(r.rc, 1);
  EXPECT_EQ(
      r.err,
      "xvrrpctl: several router ids found (server-1, server-2): choose one with -r ROUTER_ID\n");
}

TEST_F(CtlStatusCommand, StaleSocketIsRecognised) {
  // A bound but never listening (or abandoned) socket file: connect() gets ECONNREFUSED.
  {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = (run_dir_ / "server-1.ctl").string();
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  auto r = run_ctl("-r server-1 " + opts_ + " status");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("connection refused on " + (run_dir_ / "server-1.ctl").string() +
                       ": stale socket"),
            std::string::npos)
      << r.err;
}

TEST_F(CtlStatusCommand, MalformedReplyIsReported) {
  FakeControlSocket server((run_dir_ / "server-1.ctl").string(), "{\"router_id\": ");
  auto r = run_ctl(opts_ + " status");
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("malformed status reply from xvrrpd (router id server-1): line 1"),
            std::string::npos)
      << r.err;
}

TEST_F(CtlStatusCommand, MetricsWithoutPinsStillReportInstances) {
  FakeControlSocket server((run_dir_ / "server-1.ctl").string(), test::sample_status_json());
  auto r = run_ctl("-r server-1 " + opts_ + " metrics");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("xvrrp_up{router_id=\"server-1\"} 1\n"), std::string::npos);
  EXPECT_NE(r.out.find("xvrrp_instance_is_master{router_id=\"server-1\",instance=\"service-100\","
                       "vrid=\"100\"} 1"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("no pinned maps for router id server-1"), std::string::npos) << r.err;
}

TEST(CtlUsage, BadArgumentsExitTwo) {
  EXPECT_EQ(run_ctl("").rc, 2);
  EXPECT_EQ(run_ctl("frobnicate").rc, 2);
  EXPECT_EQ(run_ctl("status --bogus").rc, 2);
  EXPECT_EQ(run_ctl("metrics --json").rc, 2);
  auto r = run_ctl("--help");
  EXPECT_EQ(r.rc, 0);
  EXPECT_NE(r.out.find("usage: xvrrpctl"), std::string::npos);
}

}  // namespace
}  // namespace xvrrp::ctl
