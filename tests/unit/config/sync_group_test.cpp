// SPDX-License-Identifier: GPL-2.0-or-later
// vrrp_sync_group, track_file and track_interface's reverse: parsing, keepalived's
// outcome for bad input (vrrp_sync.c vrrp_sync_set_group, vrrp.c
// vrrp_complete_instance and sync_group_tracking_init, track_file.c) and the
// file:line of every message.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "parse_text.hpp"

namespace xvrrp::config {
namespace {

Config parse(const std::string& text) { return test::parse_text(text, test::options(true)); }

std::string error_of(const std::string& text) {
  return test::parse_error(text, test::options(true));
}

std::string inst(const std::string& name, int vrid, const std::string& extra = "") {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " +
         std::to_string(vrid) + "\n virtual_ipaddress { 192.0.2." + std::to_string(vrid) + " }\n" +
         extra + "}\n";
}

bool has_warning(const Config& c, const std::string& text) {
  return std::any_of(c.warnings.begin(), c.warnings.end(),
                     [&](const std::string& w) { return w == text; });
}

std::string warnings(const Config& c) {
  std::string out;
  for (const auto& w : c.warnings) out += w + "\n";
  return out;
}

const Instance& find(const Config& c, const std::string& name) {
  for (const auto& in : c.instances)
    if (in.name == name) return in;
  throw std::runtime_error("no instance " + name);
}

// Lines 1-5 and 6-10: two instances; the group starts at line 11.
const std::string kTwo = inst("a", 1) + inst("b", 2);

TEST(ConfigSyncGroup, MembersNotifiesAndFlags) {
  Config c = parse(kTwo +
                   "vrrp_sync_group g {\n"
                   " group {\n  a b\n }\n"
                   " notify_master /bin/m\n notify_backup /bin/b\n notify_fault \"/bin/f x\"\n"
                   " notify_stop /bin/s\n notify /bin/n\n"
                   " sync_group_tracking_weight\n"
                   " smtp_alert\n"
                   "}\n");
  ASSERT_EQ(c.sync_groups.size(), 1u);
  const SyncGroup& g = c.sync_groups[0];
  EXPECT_EQ(g.name, "g");
  EXPECT_EQ(g.where, "t.conf:11");
  EXPECT_EQ(g.members, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(g.notify_master, "/bin/m");
  EXPECT_EQ(g.notify_backup, "/bin/b");
  EXPECT_EQ(g.notify_fault, "/bin/f x");
  EXPECT_EQ(g.notify_stop, "/bin/s");
  EXPECT_EQ(g.notify, "/bin/n");
  EXPECT_TRUE(g.tracking_weight);
  EXPECT_EQ(find(c, "a").sync_group, "g");
  EXPECT_EQ(find(c, "b").sync_group, "g");
  EXPECT_EQ(c.ignored, std::vector<std::string>{"smtp_alert"});
  const std::string report = check_report(c);
  EXPECT_NE(
      report.find("vrrp_sync_group g (t.conf:11)\n  members a b\n  sync_group_tracking_weight "
                  "yes\n"),
      std::string::npos)
      << report;
  EXPECT_NE(report.find("  sync_group 'g'\n"), std::string::npos) << report;
}

TEST(ConfigSyncGroup, GroupMayComeBeforeItsInstancesAndMembersOneALine) {
  Config c = parse("vrrp_sync_group g {\n group {\n  b\n  a\n }\n}\n" + kTwo);
  ASSERT_EQ(c.sync_groups.size(), 1u);
  EXPECT_EQ(c.sync_groups[0].members, (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(c.warnings.empty()) << warnings(c);
}

TEST(ConfigSyncGroup, UnknownMemberIsDroppedWithAWarningAtItsLine) {
  Config c = parse(kTwo + "vrrp_sync_group g {\n group {\n  a\n  nope\n  b\n }\n}\n");
  ASSERT_EQ(c.sync_groups.size(), 1u);
  EXPECT_EQ(c.sync_groups[0].members, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(has_warning(c,
                          "t.conf:14: warning: vrrp_sync_group g: vrrp_instance nope doesn't "
                          "exist, ignored (as keepalived)"))
      << warnings(c);
}

TEST(ConfigSyncGroup, AnInstanceInTwoGroupsStaysInTheFirst) {
  Config c = parse(kTwo + inst("c", 3) +
                   "vrrp_sync_group g1 {\n group {\n  a b\n }\n}\n"
                   "vrrp_sync_group g2 {\n group {\n  b c\n }\n}\n");
  ASSERT_EQ(c.sync_groups.size(), 2u);
  EXPECT_EQ(c.sync_groups[0].members, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.sync_groups[1].members, (std::vector<std::string>{"c"}));
  EXPECT_EQ(find(c, "b").sync_group, "g1");
  EXPECT_EQ(find(c, "c").sync_group, "g2");
  EXPECT_TRUE(has_warning(c,
                          "t.conf:23: warning: vrrp_sync_group g2: vrrp_instance b is already in "
                          "vrrp_sync_group g1, ignored here (an instance belongs to one sync "
                          "group, as keepalived)"))
      << warnings(c);
  // g2 is left with one member: kept, with keepalived's warning.
  EXPECT_TRUE(has_warning(c,
                          "t.conf:21: warning: vrrp_sync_group g2: only 1 vrrp_instance (c); "
                          "this probably isn't what you want (kept, as keepalived)"))
      << warnings(c);
}

TEST(ConfigSyncGroup, AMemberListedTwiceCountsOnce) {
  Config c = parse(kTwo + "vrrp_sync_group g {\n group {\n  a b a\n }\n}\n");
  EXPECT_EQ(c.sync_groups.at(0).members, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(has_warning(c,
                          "t.conf:13: warning: vrrp_sync_group g: vrrp_instance a is already in "
                          "vrrp_sync_group g, ignored here (an instance belongs to one sync "
                          "group, as keepalived)"))
      << warnings(c);
}

TEST(ConfigSyncGroup, AGroupWithoutMembersIsRemoved) {
  for (const std::string& body : {std::string(" group {\n  x\n }\n"), std::string(" group {\n }\n"),
                                  std::string(" notify /bin/n\n")}) {
    Config c = parse(kTwo + "vrrp_sync_group g {\n" + body + "}\n");
    EXPECT_TRUE(c.sync_groups.empty()) << body;
    EXPECT_TRUE(has_warning(c,
                            "t.conf:11: warning: vrrp_sync_group g: no matching vrrp_instance in "
                            "group, sync group removed (as keepalived)"))
        << warnings(c);
    EXPECT_EQ(find(c, "a").sync_group, "");
  }
}

TEST(ConfigSyncGroup, BadInputNamesItsLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {kTwo + "vrrp_sync_group g {\n a\n}\n",
       "t.conf:12: error: unknown keyword 'a' in vrrp_sync_group (expected 'group { INSTANCE ... "
       "}' around instance names, or a vrrp_sync_group keyword of keepalived.conf(5); see the "
       "README's keyword list)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a\n }\n group {\n b\n }\n}\n",
       "t.conf:15: error: vrrp_sync_group g: group already given at t.conf:12 (expected one "
       "group block)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a\n }\n}\nvrrp_sync_group g {\n group {\n b\n "
              "}\n}\n",
       "t.conf:16: error: duplicate vrrp_sync_group name 'g' (expected unique names; first "
       "defined at t.conf:11)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a b\n }\n track_script {\n nope\n }\n}\n",
       "t.conf:16: error: vrrp_sync_group g: track_script nope: no such vrrp_script (expected the "
       "name of a vrrp_script block)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a b\n }\n track_file {\n nope\n }\n}\n",
       "t.conf:16: error: vrrp_sync_group g: track_file nope: no such track_file (expected the "
       "name of a track_file block)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a b\n }\n track_process {\n p\n }\n}\n",
       "t.conf:16: error: vrrp_sync_group g: track_process p: no such vrrp_track_process "
       "(expected the name of a vrrp_track_process block)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a b\n }\n track_bfd {\n nope\n }\n}\n",
       "t.conf:16: error: vrrp_sync_group g: track_bfd nope: no such bfd_instance (expected "
       "the name of a bfd_instance block)"},
      {kTwo + "vrrp_sync_group g {\n track_interface {\n eth1 weight 254\n }\n}\n",
       "t.conf:13: error: weight 254 out of range (expected -253..253)"},
      {kTwo + "vrrp_sync_group g {\n group {\n a {\n }\n }\n}\n",
       "t.conf:13: error: unexpected '{' in group (expected instance names)"},
      {"vrrp_sync_group {\n}\n",
       "t.conf:1: error: wrong number of arguments to 'vrrp_sync_group' (expected "
       "'vrrp_sync_group NAME {')"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(ConfigSyncGroup, GlobalTrackingIsObsoleteAndMeansTrackingWeight) {
  Config c = parse(kTwo + "vrrp_sync_group g {\n group {\n a b\n }\n global_tracking\n}\n");
  EXPECT_TRUE(c.sync_groups.at(0).tracking_weight);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:15: warning: vrrp_sync_group g: global_tracking is obsolete; "
                          "use track_interface, track_script and track_file on the sync group "
                          "(taken as sync_group_tracking_weight, as keepalived)"))
      << warnings(c);
}

const std::string kDefs =
    "vrrp_script chk {\n script /bin/true\n weight -20\n}\n"  // 1-4
    "vrrp_script unw {\n script /bin/true\n}\n"               // 5-7
    "track_file tf {\n file /run/x\n}\n"                      // 8-10: default weight 1
    "track_file tw {\n file /run/y\n weight 5\n}\n";          // 11-14

const std::string kTracking =
    " track_interface {\n  eth1 weight -10\n  eth2\n }\n"
    " track_script {\n  chk\n  unw\n }\n"
    " track_file {\n  tf\n  tw\n }\n";

TEST(ConfigSyncGroup, WithoutTrackingWeightAMembersWeightedTrackersLoseTheirWeight) {
  Config c = parse(kDefs + inst("a", 1, kTracking) + inst("b", 2, kTracking) +
                   "vrrp_sync_group g {\n group {\n a b\n }\n}\n");
  for (const std::string name : {"a", "b"}) {
    const Instance& in = find(c, name);
    // track_interface: unweighted.
    ASSERT_EQ(in.tracked.size(), 2u) << name;
    EXPECT_EQ(in.tracked[0], (TrackedInterface{"eth1", 0, false}));
    EXPECT_EQ(in.tracked[1], (TrackedInterface{"eth2", 0, false}));
    // track_script: the weighted one is dropped.
    ASSERT_EQ(in.track_scripts.size(), 1u) << name;
    EXPECT_EQ(in.track_scripts[0].script.name, "unw");
    // track_file: weight 1 (the default) becomes 0, another weight is dropped.
    ASSERT_EQ(in.track_files.size(), 1u) << name;
    EXPECT_EQ(in.track_files[0].file.name, "tf");
    EXPECT_EQ(in.track_files[0].weight, 0);
  }
  EXPECT_TRUE(has_warning(c,
                          "t.conf:15: warning: vrrp_instance a: weight of track_interface eth1 "
                          "ignored due to vrrp_sync_group g (as keepalived; "
                          "sync_group_tracking_weight keeps it)"))
      << warnings(c);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:15: warning: vrrp_instance a: weighted track_script chk ignored "
                          "due to vrrp_sync_group g (as keepalived; sync_group_tracking_weight "
                          "keeps it)"))
      << warnings(c);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:15: warning: vrrp_instance a: weight of track_file tf ignored, "
                          "it is unweighted due to vrrp_sync_group g (as keepalived; "
                          "sync_group_tracking_weight keeps it)"))
      << warnings(c);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:15: warning: vrrp_instance a: track_file tw with weight 5 "
                          "ignored due to vrrp_sync_group g (as keepalived; "
                          "sync_group_tracking_weight keeps it)"))
      << warnings(c);
  // The dropped script and file run for nobody: they are not run at all.
  ASSERT_EQ(c.scripts.size(), 1u);
  EXPECT_EQ(c.scripts[0].name, "unw");
  ASSERT_EQ(c.track_files.size(), 1u);
  EXPECT_EQ(c.track_files[0].name, "tf");
}

TEST(ConfigSyncGroup, WithoutTrackingWeightAMembersWeightedTrackBfdIsDropped) {
  Config c = parse(
      "bfd_instance b {\n neighbor_ip 192.0.2.2\n}\nbfd_instance u {\n neighbor_ip "
      "192.0.2.3\n}\n" +
      inst("a", 1, " track_bfd {\n  b weight -10\n  u\n }\n") + inst("b", 2) +
      "vrrp_sync_group g {\n group {\n a b\n }\n}\n");
  const auto& t = find(c, "a").track_bfds;
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].name, "u");
  EXPECT_TRUE(has_warning(c,
                          "t.conf:7: warning: vrrp_instance a: weighted track_bfd b ignored due to "
                          "vrrp_sync_group g (as keepalived; sync_group_tracking_weight keeps it)"))
      << warnings(c);
}

TEST(ConfigSyncGroup, WithTrackingWeightTheMembersKeepTheirWeights) {
  Config c = parse(kDefs + inst("a", 1, kTracking) + inst("b", 2) +
                   "vrrp_sync_group g {\n group {\n a b\n }\n sync_group_tracking_weight\n}\n");
  const Instance& a = find(c, "a");
  EXPECT_EQ(a.tracked[0], (TrackedInterface{"eth1", -10, false}));
  ASSERT_EQ(a.track_scripts.size(), 2u);
  EXPECT_EQ(a.track_scripts[0].weight, -20);
  ASSERT_EQ(a.track_files.size(), 2u);
  EXPECT_EQ(a.track_files[0].weight, 1);
  EXPECT_EQ(a.track_files[1].weight, 5);
}

TEST(ConfigSyncGroup, TheGroupsTrackersApplyToEveryMemberWithTheirWeights) {
  Config c = parse(kDefs + inst("a", 1) + inst("b", 2, " track_interface {\n  eth1\n }\n") +
                   "vrrp_sync_group g {\n group {\n a b\n }\n" + kTracking + "}\n");
  for (const std::string name : {"a", "b"}) {
    const Instance& in = find(c, name);
    ASSERT_EQ(in.tracked.size(), 2u) << name;
    // b's own unweighted eth1 is kept (keepalived: the unweighted line wins).
    EXPECT_EQ(in.tracked[0], (TrackedInterface{"eth1", name == "a" ? -10 : 0, false})) << name;
    EXPECT_EQ(in.tracked[1], (TrackedInterface{"eth2", 0, false}));
    ASSERT_EQ(in.track_scripts.size(), 2u);
    EXPECT_EQ(in.track_scripts[0].weight, -20);
    ASSERT_EQ(in.track_files.size(), 2u);
    EXPECT_EQ(in.track_files[0].weight, 1);
    EXPECT_EQ(in.track_files[1].weight, 5);
  }
  EXPECT_TRUE(has_warning(c,
                          "t.conf:20: warning: vrrp_instance b: track_interface eth1 is "
                          "configured on the instance and on vrrp_sync_group g; remove the "
                          "instance's line"))
      << warnings(c);
  const SyncGroup& g = c.sync_groups.at(0);
  EXPECT_EQ(g.tracked.size(), 2u);
  EXPECT_EQ(g.track_scripts.size(), 2u);
  EXPECT_EQ(g.track_files.size(), 2u);
  EXPECT_EQ(c.scripts.size(), 2u);
  EXPECT_EQ(c.track_files.size(), 2u);
}

// keepalived (sync_group_tracking_init): a group's track_process and track_bfd apply to
// every member like its other trackers, and lose their weights beside an address owner.
TEST(ConfigSyncGroup, TheGroupsTrackProcessAndTrackBfdApplyToEveryMember) {
  const std::string defs =
      "vrrp_track_process web {\n process haproxy\n weight -30\n}\n"
      "bfd_instance gw {\n neighbor_ip 192.0.2.254\n}\n";
  const std::string group =
      "vrrp_sync_group g {\n group {\n a b\n }\n track_process {\n web\n }\n"
      " track_bfd {\n gw weight -40\n }\n}\n";
  Config c = parse(defs + kTwo + group);
  for (const std::string name : {"a", "b"}) {
    const Instance& in = find(c, name);
    ASSERT_EQ(in.track_processes.size(), 1u) << name;
    EXPECT_EQ(in.track_processes[0].process.name, "web");
    EXPECT_EQ(in.track_processes[0].weight, -30);
    ASSERT_EQ(in.track_bfds.size(), 1u) << name;
    EXPECT_EQ(in.track_bfds[0], (TrackedBfd{"gw", -40, false}));
  }
  EXPECT_EQ(c.sync_groups.at(0).track_processes.size(), 1u);
  EXPECT_EQ(c.sync_groups.at(0).track_bfds.size(), 1u);
  EXPECT_EQ(c.track_processes.size(), 1u);  // tracked, so watched
  Config owner = parse(defs + inst("a", 1, " priority 255\n") + inst("b", 2) + group);
  EXPECT_EQ(find(owner, "b").track_processes.at(0).weight, 0);
  EXPECT_EQ(find(owner, "b").track_bfds.at(0).weight, 0);
  EXPECT_NE(warnings(owner).find("vrrp_sync_group g: weight of track_bfd gw cleared: a member "
                                 "has priority 255"),
            std::string::npos)
      << warnings(owner);
}

TEST(ConfigSyncGroup, AnOwnerMemberClearsTheGroupsWeights) {
  Config c = parse(kDefs + inst("a", 1, " priority 255\n") + inst("b", 2) +
                   "vrrp_sync_group g {\n group {\n a b\n }\n" + kTracking + "}\n");
  for (const auto& t : find(c, "b").tracked) EXPECT_EQ(t.weight, 0) << t.name;
  for (const auto& t : find(c, "b").track_scripts) EXPECT_EQ(t.weight, 0) << t.script.name;
  for (const auto& t : find(c, "b").track_files) EXPECT_EQ(t.weight, 0) << t.file.name;
  EXPECT_TRUE(has_warning(c,
                          "t.conf:26: warning: vrrp_sync_group g: weight of track_script chk "
                          "cleared: a member has priority 255 (as keepalived)"))
      << warnings(c);
}

// ---- track_file -------------------------------------------------------------

TEST(ConfigTrackFile, EveryOptionAndPerReferenceWeights) {
  Config c = parse(
      "track_file f {\n file \"/run/xvrrp/f\"\n weight -3 reverse\n init_file 7 overwrite\n}\n"
      "vrrp_track_file g {\n file /run/g\n init_file\n}\n" +
      inst("a", 1, " track_file {\n  f\n  g weight 0\n }\n") +
      inst("b", 2, " track_file {\n  f weight 4 noreverse\n  g weight -2 reverse\n }\n"));
  ASSERT_EQ(c.track_files.size(), 2u);
  const TrackFile& f = c.track_files[0];
  EXPECT_EQ(f.name, "f");
  EXPECT_EQ(f.where, "t.conf:1");
  EXPECT_EQ(f.path, "/run/xvrrp/f");
  EXPECT_EQ(f.weight, -3);
  EXPECT_TRUE(f.weight_reverse);
  EXPECT_TRUE(f.init_file);
  EXPECT_EQ(f.init_value, 7);
  EXPECT_TRUE(f.init_overwrite);
  const TrackFile& g = c.track_files[1];
  EXPECT_EQ(g.weight, 1);  // keepalived's default
  EXPECT_FALSE(g.weight_reverse);
  EXPECT_TRUE(g.init_file);
  EXPECT_EQ(g.init_value, 0);
  EXPECT_FALSE(g.init_overwrite);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:6: warning: vrrp_track_file is deprecated, use track_file (as "
                          "keepalived)"))
      << warnings(c);
  const auto& ta = find(c, "a").track_files;
  ASSERT_EQ(ta.size(), 2u);
  EXPECT_EQ(ta[0].file, f);
  EXPECT_EQ(ta[0].weight, -3);
  EXPECT_TRUE(ta[0].weight_reverse);
  EXPECT_EQ(ta[1].weight, 0);
  EXPECT_FALSE(ta[1].weight_reverse);
  const auto& tb = find(c, "b").track_files;
  EXPECT_EQ(tb[0].weight, 4);
  EXPECT_FALSE(tb[0].weight_reverse);  // noreverse overrides the file's reverse
  EXPECT_EQ(tb[1].weight, -2);
  EXPECT_TRUE(tb[1].weight_reverse);
}

TEST(ConfigTrackFile, UntrackedFilesAreNotWatched) {
  Config c = parse("track_file f {\n file /run/f\n}\n" + inst("a", 1));
  EXPECT_TRUE(c.track_files.empty());
}

TEST(ConfigTrackFile, AnOwnersFileWithTheDefaultWeightIsUnweighted) {
  Config c = parse("track_file f {\n file /run/f\n}\ntrack_file w {\n file /run/w\n weight 3\n}\n" +
                   inst("a", 1, " priority 255\n track_file {\n  f\n  w\n }\n"));
  const auto& t = find(c, "a").track_files;
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].file.name, "f");
  EXPECT_EQ(t[0].weight, 0);
}

TEST(ConfigTrackFile, InitValueOutsideTheSensibleRangeWarns) {
  Config c = parse("track_file f {\n file /run/f\n init_file 300\n}\n" +
                   inst("a", 1, " track_file {\n  f\n }\n"));
  EXPECT_EQ(c.track_files.at(0).init_value, 300);
  EXPECT_TRUE(has_warning(c,
                          "t.conf:3: warning: track_file f: init_file value 300 is outside the "
                          "sensible range -254..254 (as keepalived)"))
      << warnings(c);
}

TEST(ConfigTrackFile, BadInputNamesItsLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"track_file f {\n weight 2\n}\n",
       "t.conf:1: error: track_file f: missing file (expected 'file \"PATH\"')"},
      {"track_file f {\n file /a\n file /b\n}\n",
       "t.conf:3: error: track_file f: file already set (expected one 'file PATH')"},
      {"track_file f {\n file /a\n weight 255\n}\n",
       "t.conf:3: error: weight 255 out of range (expected -254..254)"},
      {"track_file f {\n file /a\n weight 2 up\n}\n",
       "t.conf:3: error: unexpected 'up' (expected 'weight -254..254 [reverse]')"},
      {"track_file f {\n file /a\n init_file x\n}\n",
       "t.conf:3: error: invalid init_file value 'x' (expected an integer "
       "-2147483648..2147483647)"},
      {"track_file f {\n file /a\n interval 2\n}\n",
       "t.conf:3: error: unknown keyword 'interval' in track_file (expected a keyword of "
       "keepalived.conf(5) that xvrrpd implements; see the README's keyword list)"},
      {"track_file f {\n file /a\n}\ntrack_file f {\n file /b\n}\n",
       "t.conf:4: error: duplicate track_file name 'f' (expected unique names; first defined at "
       "t.conf:1)"},
      {inst("a", 1, " track_file {\n  nope\n }\n"),
       "t.conf:6: error: vrrp_instance a: track_file nope: no such track_file (expected the name "
       "of a track_file block)"},
      {"track_file f {\n file /a\n}\n" + inst("a", 1, " track_file {\n  f\n  f\n }\n"),
       "t.conf:10: error: track_file f tracked twice (expected each track_file once)"},
      {"track_file f {\n file /a\n}\n" + inst("a", 1, " track_file {\n  f weight 255\n }\n"),
       "t.conf:9: error: weight 255 out of range (expected -254..254)"},
      {"track_file f {\n file /a\n}\n" + inst("a", 1, " track_file {\n  f weight 2 up\n }\n"),
       "t.conf:9: error: unexpected 'up' in track_file (expected 'NAME [weight -254..254 "
       "[reverse|noreverse]]')"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

// ---- track_interface ... reverse ------------------------------------------------

TEST(ConfigTrackInterface, WeightAndReverse) {
  Config c = parse(inst("a", 1,
                        " track_interface {\n  eth1\n  eth2 weight -5\n  eth3 weight 7 reverse\n"
                        "  eth4 weight 0 reverse\n }\n"));
  const auto& t = find(c, "a").tracked;
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0], (TrackedInterface{"eth1", 0, false}));
  EXPECT_EQ(t[1], (TrackedInterface{"eth2", -5, false}));
  EXPECT_EQ(t[2], (TrackedInterface{"eth3", 7, true}));
  EXPECT_EQ(t[3], (TrackedInterface{"eth4", 0, true}));
  EXPECT_EQ(error_of(inst("a", 1, " track_interface {\n  eth1 weight 7 noreverse\n }\n")),
            "t.conf:6: error: unexpected 'noreverse' in track_interface (expected 'IFNAME "
            "[weight -253..253 [reverse]]')");
}

}  // namespace
}  // namespace xvrrp::config
