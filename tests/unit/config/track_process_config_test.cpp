// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_track_process blocks and track_process lines: keepalived's keywords, defaults and
// implications (parameters mean the command line), weights per line, and errors with file
// and line.
#include <gtest/gtest.h>

#include <string>

#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

using test::parse_error;
using test::parse_text;
using PM = TrackProcess::ParamMatch;

std::string conf(const std::string& block, const std::string& lines = " p\n") {
  return "vrrp_track_process p {\n" + block +
         "}\n"
         "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n"
         " virtual_ipaddress {\n  192.0.2.1/24\n }\n track_process {\n" +
         lines + " }\n}\n";
}

TEST(TrackProcessConfig, DefaultsAreKeepalivedsCode) {
  const Config c = parse_text(conf(" process haproxy\n"));
  ASSERT_EQ(c.track_processes.size(), 1u);
  const TrackProcess& t = c.track_processes[0];
  EXPECT_EQ(t.process, "haproxy");
  EXPECT_TRUE(t.params.empty());
  EXPECT_EQ(t.param_match, PM::kNone);
  EXPECT_FALSE(t.full_command);
  EXPECT_EQ(t.weight, 0);
  EXPECT_EQ(t.quorum, 1u);
  EXPECT_EQ(t.quorum_max, UINT32_MAX);
  const auto& tp = c.instances.at(0).track_processes;
  ASSERT_EQ(tp.size(), 1u);
  EXPECT_EQ(tp[0].weight, 0);
  EXPECT_EQ(tp[0].process.name, "p");
}

TEST(TrackProcessConfig, EveryKeyword) {
  const Config c =
      parse_text(conf(" process \"/usr/sbin/my daemon\" -f \"a b\"\n param_match initial\n"
                      " weight -20 reverse\n quorum 2\n quorum_max 4\n fork_delay 0.5\n"
                      " terminate_delay 2\n",
                      " p weight 30 noreverse\n"));
  const TrackProcess& t = c.track_processes.at(0);
  EXPECT_EQ(t.process, "/usr/sbin/my daemon");
  EXPECT_EQ(t.params, (std::vector<std::string>{"-f", "a b"}));
  EXPECT_EQ(t.param_match, PM::kInitial);
  EXPECT_TRUE(t.full_command);
  EXPECT_EQ(t.weight, -20);
  EXPECT_TRUE(t.weight_reverse);
  EXPECT_EQ(t.quorum, 2u);
  EXPECT_EQ(t.quorum_max, 4u);
  EXPECT_EQ(t.fork_delay_ms, 500u);
  EXPECT_EQ(t.terminate_delay_ms, 2000u);
  const TrackedProcess& line = c.instances.at(0).track_processes.at(0);
  EXPECT_EQ(line.weight, 30);
  EXPECT_FALSE(line.weight_reverse);
}

TEST(TrackProcessConfig, ParametersImplyAnExactCommandLineMatch) {
  const TrackProcess t = parse_text(conf(" process sleep 100\n")).track_processes.at(0);
  EXPECT_EQ(t.param_match, PM::kExact);
  EXPECT_TRUE(t.full_command);
  const TrackProcess d = parse_text(conf(" process x\n delay 3\n")).track_processes.at(0);
  EXPECT_EQ(d.fork_delay_ms, 3000u);
  EXPECT_EQ(d.terminate_delay_ms, 3000u);
  const TrackProcess z = parse_text(conf(" process x\n quorum_max 0\n")).track_processes.at(0);
  EXPECT_EQ(z.quorum, 0u);
  EXPECT_EQ(z.quorum_max, 0u);
}

TEST(TrackProcessConfig, AnUntrackedBlockIsDropped) {
  const Config c = parse_text(
      "vrrp_track_process q {\n process x\n}\n"
      "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n"
      " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n");
  EXPECT_TRUE(c.track_processes.empty());
}

TEST(TrackProcessConfig, BadInputNamesFileAndLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {conf(" weight 5\n"), "t.conf:1: error: vrrp_track_process p: missing process"},
      {conf(" process a\n process b\n"),
       "t.conf:3: error: vrrp_track_process p: process already set"},
      {conf(" process a\n quorum 0\n"), "t.conf:3: error: quorum 0 out of range"},
      {conf(" process a\n quorum_max 3\n quorum 4\n"),
       "t.conf:4: error: quorum 4 is above quorum_max 3"},
      {conf(" process a\n quorum 3\n quorum_max 2\n"),
       "t.conf:4: error: quorum_max 2 is below quorum 3"},
      {conf(" process a\n weight 255\n"), "t.conf:3: error: weight 255 out of range"},
      {conf(" process a\n weight 5 sideways\n"), "t.conf:3: error: unexpected 'sideways'"},
      {conf(" process a\n param_match sometimes\n"),
       "t.conf:3: error: invalid param_match 'sometimes'"},
      {conf(" process a\n fork_delay 3601\n"), "t.conf:3: error: fork_delay 3601 out of range"},
      {conf(" process a\n colour red\n"),
       "t.conf:3: error: unknown keyword 'colour' in vrrp_track_process"},
      {conf(" process a\n", " nope\n"),
       "t.conf:11: error: vrrp_instance vi: track_process nope: no such vrrp_track_process"},
      {conf(" process a\n", " p\n p\n"), "t.conf:12: error: vrrp_track_process p tracked twice"},
  };
  for (const auto& [text, message] : cases) {
    const std::string err = parse_error(text);
    EXPECT_EQ(err.rfind(message, 0), 0u) << text << "\n-> " << err;
  }
}

}  // namespace
}  // namespace xvrrp::config
