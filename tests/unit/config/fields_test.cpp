// SPDX-License-Identifier: GPL-2.0-or-later
// The reload diff: every field of Instance and Global, when changed, shows up
// with its reload class.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "config/config.hpp"

namespace xvrrp::config {
namespace {

Instance base() {
  Config c = parse_string(
      "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n"
      " virtual_ipaddress {\n  192.0.2.1/24\n }\n}\n",
      "t.conf", "r1");
  return c.instances.at(0);
}

using Mutation = std::function<void(Instance&)>;

// One mutation per field, keyed by the field's table name, with the class the
// daemon must apply. A field missing here fails InstanceFieldsAreAllMutated.
const std::map<std::string, std::pair<Mutation, ReloadClass>>& instance_mutations() {
  static const std::map<std::string, std::pair<Mutation, ReloadClass>> m = {
      {"name", {[](Instance& i) { i.name = "other"; }, ReloadClass::Rebuild}},
      {"state", {[](Instance& i) { i.initial_master = !i.initial_master; }, ReloadClass::Live}},
      {"interface", {[](Instance& i) { i.interface = "eth1"; }, ReloadClass::Rebuild}},
      {"virtual_router_id", {[](Instance& i) { i.vrid = 52; }, ReloadClass::Rebuild}},
      {"priority", {[](Instance& i) { i.priority = 50; }, ReloadClass::Live}},
      {"advert_int_cs", {[](Instance& i) { i.advert_int_cs = 200; }, ReloadClass::Live}},
      {"version", {[](Instance& i) { i.version = 3; }, ReloadClass::Rebuild}},
      {"auth_type", {[](Instance& i) { i.auth_type = 1; }, ReloadClass::Live}},
      {"auth_pass", {[](Instance& i) { i.auth_pass[0] = 'x'; }, ReloadClass::Live}},
      {"auth_hmac", {[](Instance& i) { i.auth_hmac.emplace().active_key = 1; }, ReloadClass::Live}},
      {"unicast_src_ip",
       {[](Instance& i) { i.unicast_src_ip = IpAddress::parse("192.0.2.2"); }, ReloadClass::Live}},
      {"unicast_peer",
       {[](Instance& i) { i.unicast_peers.push_back({*IpAddress::parse("192.0.2.3")}); },
        ReloadClass::Live}},
      {"unicast_ttl", {[](Instance& i) { i.unicast_ttl = 1; }, ReloadClass::Live}},
      {"check_unicast_src",
       {[](Instance& i) { i.check_unicast_src = !i.check_unicast_src; }, ReloadClass::Live}},
      {"virtual_ipaddress", {[](Instance& i) { i.vips[0].prefix_len = 25; }, ReloadClass::Live}},
      {"track_interface",
       {[](Instance& i) {
          i.tracked.push_back({"eth2", 10});
        },
        ReloadClass::Live}},
      {"preempt", {[](Instance& i) { i.preempt = !i.preempt; }, ReloadClass::Live}},
      {"preempt_delay_ns", {[](Instance& i) { i.preempt_delay_ns = 1; }, ReloadClass::Live}},
      {"garp_master_delay_ms",
       {[](Instance& i) { i.garp_master_delay_ms = 1; }, ReloadClass::Live}},
      {"garp_master_repeat", {[](Instance& i) { i.garp_master_repeat = 1; }, ReloadClass::Live}},
      {"garp_master_refresh_ms",
       {[](Instance& i) { i.garp_master_refresh_ms = 1; }, ReloadClass::Live}},
      {"garp_master_refresh_repeat",
       {[](Instance& i) { i.garp_master_refresh_repeat = 2; }, ReloadClass::Live}},
      {"notify_master", {[](Instance& i) { i.notify_master = "/x"; }, ReloadClass::Live}},
      {"notify_backup", {[](Instance& i) { i.notify_backup = "/x"; }, ReloadClass::Live}},
      {"notify_fault", {[](Instance& i) { i.notify_fault = "/x"; }, ReloadClass::Live}},
      {"notify", {[](Instance& i) { i.notify = "/x"; }, ReloadClass::Live}},
      {"notify_stop", {[](Instance& i) { i.notify_stop = "/x"; }, ReloadClass::Live}},
      {"garp_interval_ms", {[](Instance& i) { i.garp_interval_ms = 10; }, ReloadClass::Live}},
      {"track_primary", {[](Instance& i) { i.track_primary = false; }, ReloadClass::Live}},
      {"instant_takeover",
       {[](Instance& i) { i.instant_takeover = !i.instant_takeover; }, ReloadClass::Live}},
      {"track_scripts",
       {[](Instance& i) { i.track_scripts.push_back(TrackedScript{}); }, ReloadClass::Live}},
      {"track_bfd",
       {[](Instance& i) {
          i.track_bfds.push_back(TrackedBfd{"b", 0, false});
        },
        ReloadClass::Live}},
      {"master_bfd", {[](Instance& i) { i.master_bfd = "b"; }, ReloadClass::Live}},
      {"track_files",
       {[](Instance& i) { i.track_files.push_back(TrackedFile{}); }, ReloadClass::Live}},
      {"sync_group", {[](Instance& i) { i.sync_group = "g"; }, ReloadClass::Live}},
      {"track_process",
       {[](Instance& i) { i.track_processes.push_back(TrackedProcess{}); }, ReloadClass::Live}},
      {"down_timer_adverts", {[](Instance& i) { i.down_timer_adverts = 5; }, ReloadClass::Live}},
      {"lower_prio_no_advert",
       {[](Instance& i) { i.lower_prio_no_advert = !i.lower_prio_no_advert; }, ReloadClass::Live}},
      {"higher_prio_send_advert",
       {[](Instance& i) { i.higher_prio_send_advert = !i.higher_prio_send_advert; },
        ReloadClass::Live}},
      {"garp_lower_prio_repeat",
       {[](Instance& i) { i.garp_lower_prio_repeat = 1; }, ReloadClass::Live}},
      {"garp_lower_prio_delay_ms",
       {[](Instance& i) { i.garp_lower_prio_delay_ms = 1000; }, ReloadClass::Live}},
      {"virtual_routes",
       {[](Instance& i) {
          i.virtual_routes.push_back(parse_route({"198.51.100.0/24", "dev", "eth0"}));
        },
        ReloadClass::Live}},
      {"virtual_rules",
       {[](Instance& i) {
          i.virtual_rules.push_back(parse_rule({"from", "all", "table", "7"}));
        },
        ReloadClass::Live}},
      {"notify_priority_changes",
       {[](Instance& i) { i.notify_priority_changes = true; }, ReloadClass::Live}},
      {"strict_mode", {[](Instance& i) { i.strict_mode = true; }, ReloadClass::Live}},
      {"accept", {[](Instance& i) { i.accept = !i.accept; }, ReloadClass::Live}},
      {"use_vmac", {[](Instance& i) { i.vmac = "vrrp.9"; }, ReloadClass::Rebuild}},
      {"vmac_xmit_base", {[](Instance& i) { i.vmac_xmit_base = true; }, ReloadClass::Rebuild}},
  };
  return m;
}

TEST(ConfigFields, InstanceFieldsAreAllMutated) {
  std::map<std::string, ReloadClass> table;
  for (const auto& f : instance_fields()) table[f.name] = f.cls;
  std::map<std::string, ReloadClass> tested;
  for (const auto& [name, m] : instance_mutations()) tested[name] = m.second;
  EXPECT_EQ(table, tested);
}

TEST(ConfigFields, EveryInstanceMutationIsOneChangeOfItsClass) {
  const Instance before = base();
  ASSERT_TRUE(diff_instances(before, before).empty());
  for (const auto& [name, m] : instance_mutations()) {
    Instance after = before;
    m.first(after);
    EXPECT_FALSE(before == after) << name;
    auto changes = diff_instances(before, after);
    ASSERT_EQ(changes.size(), 1u) << name;
    EXPECT_EQ(changes[0].field, name);
    EXPECT_EQ(changes[0].cls, m.second) << name;
    EXPECT_FALSE(changes[0].description.empty()) << name;
    EXPECT_FALSE(describe_diff(before, after).empty()) << name;
  }
}

TEST(ConfigFields, AChangedTrackedScriptIsAChangeOfTheInstance) {
  Instance a = base();
  a.track_scripts.push_back(TrackedScript{});
  a.track_scripts[0].script.name = "chk";
  Instance b = a;
  b.track_scripts[0].script.where = "u.conf:3";  // moved only
  EXPECT_TRUE(diff_instances(a, b).empty());
  b.track_scripts[0].script.fall = 3;
  auto changes = diff_instances(a, b);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], (FieldChange{"track_scripts", ReloadClass::Live, "track_scripts changed"}));
}

TEST(ConfigFields, MovedLinesAreNoChange) {
  Instance a = base();
  Instance b = a;
  b.where = "u.conf:9";
  b.vips[0].where = "u.conf:10";
  EXPECT_TRUE(diff_instances(a, b).empty());
  EXPECT_TRUE(a == b);
}

TEST(ConfigFields, FamilyChangeIsARebuild) {
  Instance a = base();
  Instance b = a;
  b.vips[0].addr = *IpAddress::parse("2001:db8::1");
  b.vips[0].prefix_len = 64;
  auto changes = diff_instances(a, b);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0],
            (FieldChange{"virtual_ipaddress", ReloadClass::Live, "virtual_ipaddress changed"}));
  EXPECT_EQ(changes[1], (FieldChange{"family", ReloadClass::Rebuild, "family IPv4 -> IPv6"}));
}

TEST(ConfigFields, ScalarChangesShowOldAndNew) {
  Instance a = base();
  Instance b = a;
  b.priority = 50;
  b.notify_master = "/bin/up";
  EXPECT_EQ(describe_diff(a, b), "priority 100 -> 50, notify_master '' -> '/bin/up'");
}

TEST(ConfigFields, EveryGlobalMutationIsOneChange) {
  const std::map<std::string, std::pair<std::function<void(Global&)>, ReloadClass>> m = {
      {"router_id", {[](Global& g) { g.router_id = "r2"; }, ReloadClass::Rebuild}},
      {"vrrp_version", {[](Global& g) { g.vrrp_version = 3; }, ReloadClass::Live}},
      {"vrrp_garp_master_delay_ms",
       {[](Global& g) { g.garp_master_delay_ms = 1; }, ReloadClass::Live}},
      {"vrrp_garp_master_repeat", {[](Global& g) { g.garp_master_repeat = 1; }, ReloadClass::Live}},
      {"vrrp_garp_master_refresh_ms",
       {[](Global& g) { g.garp_master_refresh_ms = 1; }, ReloadClass::Live}},
      {"vrrp_garp_master_refresh_repeat",
       {[](Global& g) { g.garp_master_refresh_repeat = 2; }, ReloadClass::Live}},
      {"vrrp_check_unicast_src",
       {[](Global& g) { g.check_unicast_src = true; }, ReloadClass::Live}},
      {"vrrp_garp_interval_ms", {[](Global& g) { g.garp_interval_ms = 5; }, ReloadClass::Live}},
      {"vrrp_gna_interval_ms", {[](Global& g) { g.gna_interval_ms = 5; }, ReloadClass::Live}},
      {"script_user", {[](Global& g) { g.script_user = "nobody"; }, ReloadClass::Rebuild}},
      {"script_group", {[](Global& g) { g.script_group = "nogroup"; }, ReloadClass::Rebuild}},
      {"enable_script_security",
       {[](Global& g) { g.script_security = true; }, ReloadClass::Rebuild}},
      {"vrrp_down_timer_adverts", {[](Global& g) { g.down_timer_adverts = 5; }, ReloadClass::Live}},
      {"vrrp_lower_prio_no_advert",
       {[](Global& g) { g.lower_prio_no_advert = true; }, ReloadClass::Live}},
      {"vrrp_higher_prio_send_advert",
       {[](Global& g) { g.higher_prio_send_advert = true; }, ReloadClass::Live}},
      {"vrrp_garp_lower_prio_repeat",
       {[](Global& g) { g.garp_lower_prio_repeat = 1; }, ReloadClass::Live}},
      {"vrrp_garp_lower_prio_delay_ms",
       {[](Global& g) { g.garp_lower_prio_delay_ms = 1000; }, ReloadClass::Live}},
      {"vrrp_startup_delay_ms", {[](Global& g) { g.startup_delay_ms = 1; }, ReloadClass::Live}},
      {"notify_fifo", {[](Global& g) { g.notify_fifo.path = "/run/f"; }, ReloadClass::Rebuild}},
      {"vrrp_notify_fifo",
       {[](Global& g) { g.vrrp_notify_fifo.script = "/bin/r"; }, ReloadClass::Rebuild}},
      {"fifo_write_vrrp_states_on_reload",
       {[](Global& g) { g.fifo_write_vrrp_states_on_reload = true; }, ReloadClass::Live}},
      {"vrrp_notify_priority_changes",
       {[](Global& g) { g.notify_priority_changes = true; }, ReloadClass::Live}},
      {"vrrp_strict", {[](Global& g) { g.vrrp_strict = true; }, ReloadClass::Live}},
      {"default_interface", {[](Global& g) { g.default_interface = "eth9"; }, ReloadClass::Live}},
  };
  std::map<std::string, ReloadClass> table, tested;
  for (const auto& f : global_fields()) table[f.name] = f.cls;
  for (const auto& [name, e] : m) tested[name] = e.second;
  EXPECT_EQ(table, tested);
  const Global before;
  for (const auto& [name, e] : m) {
    Global after = before;
    e.first(after);
    auto changes = diff_globals(before, after);
    ASSERT_EQ(changes.size(), 1u) << name;
    EXPECT_EQ(changes[0].field, name);
    EXPECT_EQ(changes[0].cls, e.second) << name;
  }
}

// ---- the keyword table ----------------------------------------------------

TEST(ConfigKeywords, ImplementedKeywordsNameARealField) {
  std::set<std::string> fields;
  for (const auto& f : instance_fields()) fields.insert(f.name);
  for (const auto& f : global_fields()) fields.insert(std::string("global.") + f.name);
  std::set<std::string> used;
  for (const auto& k : keyword_table()) {
    if (k.field.empty()) continue;
    EXPECT_EQ(k.support, Support::kImplemented) << k.name;
    EXPECT_TRUE(fields.count(k.field)) << k.name << " -> " << k.field;
    used.insert(k.field);
  }
  // Every field is set by some keyword (state, advert_int, ... map to their field),
  // except those resolved from global_defs only.
  used.insert("garp_interval_ms");     // vrrp_garp_interval (IPv4) / vrrp_gna_interval (IPv6)
  used.insert("global.script_group");  // script_user's optional second word
  for (const auto& f : fields) EXPECT_TRUE(used.count(f)) << f << " is set by no keyword";
}

TEST(ConfigKeywords, EachKeywordOncePerSectionWithAReasonWhenRefused) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& k : keyword_table()) {
    EXPECT_TRUE(seen.insert({k.section, k.name}).second) << k.section << " " << k.name;
    if (k.support == Support::kRefused || k.support == Support::kSame) {
      EXPECT_FALSE(k.doc.empty()) << k.name;
    }
    if (k.support == Support::kImplemented || k.support == Support::kSame) {
      EXPECT_EQ(k.usage.rfind(k.name, 0), 0u) << k.name << ": usage '" << k.usage << "'";
    }
  }
}

// Each refused keyword stops the load at its own line with the policy's
// wording, and each ignored one only lands in the summary, in every section.
TEST(ConfigKeywords, EveryRefusedOrIgnoredKeywordBehavesAsTheTableSays) {
  const std::string vip = "virtual_ipaddress {\n192.0.2.1\n}\n";
  auto place = [&](const KeywordDoc& k, int& line) -> std::string {
    if (k.section == "top level") {
      line = 1;
      return k.name + "\n";
    }
    if (k.section == "global_defs") {
      line = 2;
      return "global_defs {\n " + k.name + "\n}\n";
    }
    if (k.section == "bfd_instance") {
      line = 2;
      return "bfd_instance b {\n " + k.name + "\n neighbor_ip 192.0.2.2\n}\n";
    }
    if (k.section == "vrrp_sync_group") {
      line = 2;
      return "vrrp_sync_group g {\n " + k.name + "\n}\n";
    }
    line = 4;
    return "vrrp_instance vi {\n interface eth0\n virtual_router_id 51\n " + k.name + "\n" + vip +
           "}\n";
  };
  size_t refused = 0, ignored = 0;
  for (const auto& k : keyword_table()) {
    if (k.support != Support::kRefused && k.support != Support::kIgnored) continue;
    int line = 0;
    const std::string text = place(k, line);
    std::string err;
    Config c;
    try {
      c = parse_string(text, "t.conf", "r");
    } catch (const ConfigError& e) {
      err = e.what();
    }
    if (k.support == Support::kRefused) {
      ++refused;
      EXPECT_EQ(err.rfind("t.conf:" + std::to_string(line) + ": error: " + k.name +
                              " is not supported by xvrrpd (",
                          0),
                0u)
          << k.section << " " << k.name << ": " << err;
    } else {
      ++ignored;
      EXPECT_EQ(err, "") << k.name;
      EXPECT_EQ(c.ignored, std::vector<std::string>{k.name}) << k.name;
      // The summary comes after the lexer's warnings and before those of the checks that
      // follow parsing (a sync group without members here).
      const std::string summary =
          "t.conf:" + std::to_string(line) + ": warning: ignored, not part of VRRP: " + k.name;
      EXPECT_NE(std::find(c.warnings.begin(), c.warnings.end(), summary), c.warnings.end())
          << k.name;
    }
  }
  EXPECT_GT(refused, 70u);
  EXPECT_GT(ignored, 60u);
}

TEST(ConfigKeywords, ReadmeListIsTheTable) {
  std::ifstream in(std::string(XVRRP_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string begin = "<!-- keyword-list-begin";
  const std::string end = "<!-- keyword-list-end -->";
  const size_t b = readme.find(begin);
  const size_t e = readme.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const size_t body = readme.find('\n', b) + 1;
  if (std::getenv("XVRRP_UPDATE_README") != nullptr) {
    std::ofstream(std::string(XVRRP_SOURCE_DIR) + "/README.md")
        << readme.substr(0, body) + keyword_reference() + readme.substr(e);
    GTEST_SKIP() << "README.md rewritten";
  }
  EXPECT_EQ(readme.substr(body, e - body), keyword_reference())
      << "regenerate README.md's keyword list: XVRRP_UPDATE_README=1 build/bin/test_config "
         "--gtest_filter=ConfigKeywords.ReadmeListIsTheTable";
}

}  // namespace
}  // namespace xvrrp::config
