// SPDX-License-Identifier: GPL-2.0-or-later
// Which processes a vrrp_track_process counts: keepalived's exact name match and its three
// parameter matches, against /proc's name and NUL-separated command line.
#include "policy/track_process.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xvrrp::policy {
namespace {

using config::TrackProcess;
using PM = TrackProcess::ParamMatch;
using namespace std::string_literals;

TrackProcess named(const std::string& process) {
  TrackProcess t;
  t.name = "p";
  t.process = process;
  return t;
}

TEST(TrackProcessMatch, TheNameMatchesExactlyNeverAsAPattern) {
  const TrackProcess t = named("ssh");
  EXPECT_TRUE(process_matches(t, "ssh", "/usr/bin/ssh\0host\0"s));
  EXPECT_FALSE(process_matches(t, "sshd", "sshd\0"s));
  EXPECT_FALSE(process_matches(t, "ss", "ss\0"s));
  EXPECT_FALSE(process_matches(t, "Ssh", "ssh\0"s));
}

TEST(TrackProcessMatch, FullCommandComparesTheFirstWordOfTheCommandLine) {
  TrackProcess t = named("/usr/sbin/haproxy");
  t.full_command = true;
  EXPECT_TRUE(process_matches(t, "haproxy", "/usr/sbin/haproxy\0-f\0/etc/h.cfg\0"s));
  EXPECT_FALSE(process_matches(t, "haproxy", "haproxy\0-f\0"s));
  EXPECT_FALSE(process_matches(t, "/usr/sbin/haproxy", ""));  // a kernel thread's empty cmdline
}

TEST(TrackProcessMatch, ExactParametersMustBeAllOfThem) {
  TrackProcess t = named("sleep");
  t.params = {"100"};
  t.param_match = PM::kExact;
  t.full_command = true;
  EXPECT_TRUE(process_matches(t, "sleep",
                              "sleep\0"
                              "100\0"s));
  EXPECT_FALSE(process_matches(t, "sleep",
                               "sleep\0"
                               "1000\0"s));
  EXPECT_FALSE(process_matches(t, "sleep",
                               "sleep\0"
                               "100\0x\0"s));
  EXPECT_FALSE(process_matches(t, "sleep", "sleep\0"s));
  // param_match without parameters: the command must have none.
  TrackProcess none = named("sleep");
  none.param_match = PM::kExact;
  none.full_command = true;
  EXPECT_TRUE(process_matches(none, "sleep", "sleep\0"s));
  EXPECT_FALSE(process_matches(none, "sleep",
                               "sleep\0"
                               "5\0"s));
}

TEST(TrackProcessMatch, PartialAndInitialParameters) {
  TrackProcess t = named("nginx");
  t.params = {"-c", "/etc/ng"};
  t.full_command = true;
  t.param_match = PM::kPartial;
  EXPECT_TRUE(process_matches(t, "nginx", "nginx\0-c\0/etc/ng\0-g\0off\0"s));
  EXPECT_FALSE(process_matches(t, "nginx", "nginx\0-c\0/etc/nginx.conf\0"s));
  EXPECT_FALSE(process_matches(t, "nginx", "nginx\0-c\0"s));
  t.param_match = PM::kInitial;
  EXPECT_TRUE(process_matches(t, "nginx", "nginx\0-c\0/etc/nginx.conf\0"s));
  EXPECT_TRUE(process_matches(t, "nginx", "nginx\0-c\0/etc/ng\0"s));
  EXPECT_FALSE(process_matches(t, "nginx", "nginx\0-cx\0/etc/ng\0"s));
  EXPECT_FALSE(process_matches(t, "nginx", "nginx\0-c\0/etc/n\0"s));
}

TEST(TrackProcessMatch, QuorumParamsCarryTheDelaysInNanoseconds) {
  TrackProcess t = named("x");
  t.quorum = 2;
  t.quorum_max = 4;
  t.fork_delay_ms = 1500;
  t.terminate_delay_ms = 20;
  const core::ProcessQuorumParams p = quorum_params(t);
  EXPECT_EQ(p.quorum, 2u);
  EXPECT_EQ(p.quorum_max, 4u);
  EXPECT_EQ(p.fork_delay, 1'500'000'000);
  EXPECT_EQ(p.terminate_delay, 20'000'000);
}

}  // namespace
}  // namespace xvrrp::policy
