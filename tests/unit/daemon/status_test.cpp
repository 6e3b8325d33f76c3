// SPDX-License-Identifier: GPL-2.0-or-later
#include "daemon/status.hpp"

#include <gtest/gtest.h>

namespace xvrrp::daemon {
namespace {

DaemonStatus sample() {
  DaemonStatus s;
  s.router_id = "server-1";
  s.pid = 42;
  s.abi_version = 1;
  s.rx = "xdp";
  s.rx_detail = "xdp 2:native/dispatcher";
  s.uptime_s = 1.5;
  s.socket_rejects.assign(2, 0);
  s.socket_rejects[1] = 3;
  s.send_lateness.count = 5;
  s.send_lateness.sum_ms = 1.25;
  s.send_lateness.buckets = {{0.05, 3}, {1.0, 4}};
  s.notify_fifo_dropped = 7;
  s.log_lines_dropped = 2;
  InstanceStatus in;
  in.name = "VI_1";
  in.interface = "eth0";
  in.vrid = 100;
  in.version = 2;
  in.state = "MASTER";
  in.base_priority = 100;
  in.effective_priority = 100;
  in.master = "192.0.2.1";
  in.master_priority = 100;
  in.advert_int_ms = 1000;
  in.master_adver_int_ms = 1000;
  in.transitions = 2;
  in.vips = {{"198.51.100.1/32", "dummy0", true}};
  in.routes = {{"203.0.113.0/24 via 192.0.2.1 table 100", true}};
  in.rules = {{"from 198.51.100.1/32 table 100", false}};
  in.tracked = {{"eth1", false, -10}};
  in.max_advert_gap_ms = 31.5;
  in.max_gap_share_pct = 87.5;
  in.near_misses = 2;
  in.max_send_late_ms = 0.25;
  in.max_wake_late_ms = 0.125;
  in.down_timer_extensions = 1;
  in.master_down_interval_ms = 36;
  in.priority_delta = -70;
  TrackerStatus eth1;
  eth1.name = "eth1";
  eth1.kind = "interface";
  eth1.state = "DOWN";
  eth1.weight = -10;
  eth1.delta = -10;
  TrackerStatus chk;
  chk.name = "chk";
  chk.kind = "script";
  chk.state = "KO";
  chk.weight = -60;
  chk.delta = -60;
  chk.last_result = "failed";
  chk.last_result_age_s = 0.25;
  chk.last_exit_code = 1;
  chk.runs = 7;
  in.trackers = {eth1, chk};
  s.instances.push_back(in);
  return s;
}

TEST(StatusJson, RendersEveryField) {
  EXPECT_EQ(
      render_status_json(sample()),
      R"({"router_id":"server-1","pid":42,"abi_version":1,"rx":"xdp",)"
      R"("rx_detail":"xdp 2:native/dispatcher","uptime_s":1.500,)"
      R"("socket_rejects":{"too_short":0,"bad_ttl":3},"reloads":0,"reload_failures":0,)"
      R"("maintenance":false,)"
      R"("instances":[{"name":"VI_1","interface":"eth0","vrid":100,"version":2,)"
      R"("accept":true,"strict_mode":false,)"
      R"("state":"MASTER","base_priority":100,"effective_priority":100,)"
      R"("master":"192.0.2.1","master_priority":100,"last_advert_age_ms":null,)"
      R"("advert_int_ms":1000,"master_adver_int_ms":1000,"transitions":2,)"
      R"("vips":[{"addr":"198.51.100.1/32","dev":"dummy0","present":true}],)"
      R"("vips_present":true,)"
      R"("virtual_routes":[{"route":"203.0.113.0/24 via 192.0.2.1 table 100","installed":true}],)"
      R"("virtual_rules":[{"rule":"from 198.51.100.1/32 table 100","installed":false}],)"
      R"("tracked":[{"name":"eth1","up":false,"weight":-10}],)"
      R"("priority_delta":-70,"tracking_fault":false,"trackers":[)"
      R"({"name":"eth1","kind":"interface","state":"DOWN","weight":-10,"reverse":false,)"
      R"("fault":false,"delta":-10},)"
      R"({"name":"chk","kind":"script","state":"KO","weight":-60,"reverse":false,)"
      R"("fault":false,"delta":-60,"last_result":"failed","last_result_age_s":0.250,)"
      R"("last_exit_code":1,"runs":7,"skipped":0}],)"
      R"("sync_group":null,)"
      R"("adverts_sent":0,"adverts_received":0,"priority_zero_sent":0,"garps_sent":0,)"
      R"("max_advert_gap_ms":31.500,"max_gap_share_pct":87.500,"near_misses":2,)"
      R"("max_send_late_ms":0.250,"max_wake_late_ms":0.125,"down_timer_extensions":1,)"
      R"("master_down_interval_ms":36.000,)"
      R"("maintenance":false,"preempt_held":false,"start":"clean","keeps_found_vips":false,)"
      R"("last_handover":null}],)"
      R"("sync_groups":[],)"
      R"("bfd_sessions":[],"bfd_drops":{"malformed":0,"no_session":0,"gtsm":0},)"
      R"("send_lateness":{"count":5,"sum_ms":1.250,)"
      R"("buckets":[{"le_ms":0.050,"count":3},{"le_ms":1.000,"count":4}]},)"
      R"("notify_fifo_dropped":7,"log_lines_dropped":2})");
}

TEST(StatusJson, FileTrackersAndSyncGroups) {
  DaemonStatus s = sample();
  TrackerStatus f;
  f.name = "tf";
  f.kind = "file";
  f.state = "OK";
  f.weight = -5;
  f.delta = -10;
  f.value = 2;
  f.path = "/run/tf";
  s.instances[0].trackers = {f};
  s.instances[0].sync_group = "g";
  s.sync_groups.push_back({"g", "MASTER", {"VI_1", "VI_2"}, false});
  const std::string j = render_status_json(s);
  EXPECT_NE(j.find(R"({"name":"tf","kind":"file","state":"OK","weight":-5,"reverse":false,)"
                   R"("fault":false,"delta":-10,"value":2,"path":"/run/tf"}])"),
            std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("sync_group":"g",)"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("sync_groups":[{"name":"g","state":"MASTER","members":["VI_1","VI_2"],)"
                   R"("tracking_weight":false}],)"),
            std::string::npos)
      << j;
}

TEST(StatusJson, BfdSessionsAndMasterBfd) {
  DaemonStatus s = sample();
  s.instances[0].master_bfd = "peer";
  s.instances[0].bfd_takeovers = 1;
  s.instances[0].bfd_contradictions = 2;
  BfdSessionStatus b;
  b.name = "peer";
  b.neighbor = "192.0.2.2";
  b.state = "Up";
  b.remote_state = "Up";
  b.local_diag = "No Diagnostic";
  b.remote_diag = "No Diagnostic";
  b.local_discriminator = 7;
  b.remote_discriminator = 9;
  b.tx_interval_us = 10000;
  b.rx_interval_us = 10000;
  b.detect_mult = 3;
  b.remote_detect_mult = 3;
  b.detection_time_ms = 30;
  b.last_packet_age_ms = 4.5;
  b.packets_sent = 100;
  b.packets_received = 99;
  b.folded_in_xdp = true;
  b.packets_folded = 2000;
  b.replays = 60;
  b.drops = 1;
  b.transitions = 2;
  s.bfd_sessions.push_back(b);
  s.bfd_drops.gtsm = 3;
  const std::string j = render_status_json(s);
  EXPECT_NE(j.find(R"("master_bfd":"peer","bfd_takeovers":1,"bfd_contradictions":2,)"),
            std::string::npos)
      << j;
  EXPECT_NE(
      j.find(
          R"("bfd_sessions":[{"name":"peer","neighbor":"192.0.2.2","source":"",)"
          R"("state":"Up","remote_state":"Up","local_diag":"No Diagnostic",)"
          R"("remote_diag":"No Diagnostic","local_discriminator":7,)"
          R"("remote_discriminator":9,"tx_interval_us":10000,"rx_interval_us":10000,)"
          R"("detect_mult":3,"remote_detect_mult":3,"detection_time_ms":30.000,)"
          R"("last_packet_age_ms":4.500,"polling":false,"passive":false,)"
          R"("packets_sent":100,"packets_received":99,"folded_in_xdp":true,"packets_folded":2000,)"
          R"("replays":60,"drops":1,"send_errors":0,)"
          R"("transitions":2}],"bfd_drops":{"malformed":0,"no_session":0,"gtsm":3},)"),
      std::string::npos)
      << j;
}

TEST(StatusJson, VipsPresentNeedsEveryVip) {
  DaemonStatus s = sample();
  s.instances[0].vips.push_back({"198.51.100.2/32", "dummy0", false});
  EXPECT_NE(render_status_json(s).find(R"("vips_present":false)"), std::string::npos);
  s.instances[0].vips.clear();
  EXPECT_NE(render_status_json(s).find(R"("vips_present":false)"), std::string::npos);
}

TEST(StatusJson, NamesAreEscaped) {
  DaemonStatus s = sample();
  s.instances[0].name = "VI \"1\"";
  EXPECT_NE(render_status_json(s).find(R"("name":"VI \"1\"")"), std::string::npos);
}

TEST(StatusJson, MaintenanceHandoverAndStart) {
  DaemonStatus s = sample();
  s.maintenance = true;
  InstanceStatus& in = s.instances[0];
  in.maintenance = true;
  in.preempt_held = true;
  in.start = "resume";
  in.keeps_found_vips = true;
  in.last_handover = HandoverStatus{3, "done", 1500, 1.25, std::string("192.0.2.2")};
  const std::string j = render_status_json(s);
  EXPECT_NE(j.find(R"("reload_failures":0,"maintenance":true,"instances")"), std::string::npos)
      << j;
  EXPECT_NE(j.find(R"("maintenance":true,"preempt_held":true,"start":"resume",)"
                   R"("keeps_found_vips":true,"last_handover":{"id":3,"result":"done",)"
                   R"("age_ms":1500.000,"gap_ms":1.250,"new_master":"192.0.2.2"}})"),
            std::string::npos)
      << j;
  in.last_handover = HandoverStatus{4, "pending", 2, std::nullopt, std::nullopt};
  EXPECT_NE(render_status_json(s).find(
                R"("last_handover":{"id":4,"result":"pending","age_ms":2.000,"gap_ms":null,)"
                R"("new_master":null})"),
            std::string::npos);
}

}  // namespace
}  // namespace xvrrp::daemon
