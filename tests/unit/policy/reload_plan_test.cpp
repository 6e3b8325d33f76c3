// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/reload_plan.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "test_config.hpp"

namespace xvrrp::policy {
namespace {

IpAddress ip(const char* s) { return IpAddress::parse(s).value(); }

struct Mutation {
  const char* field;
  ReloadClass klass;
  std::function<void(config::Instance&)> mutate;
};

// One row per config::Instance member (and the derived family): a config
// field changed on a running instance gives this change.
const std::vector<Mutation>& mutations() {
  static const std::vector<Mutation> m = {
      {"state", ReloadClass::Live, [](auto& c) { c.initial_master = !c.initial_master; }},
      {"interface", ReloadClass::Rebuild, [](auto& c) { c.interface = "eth1"; }},
      {"virtual_router_id", ReloadClass::Rebuild, [](auto& c) { c.vrid = 101; }},
      {"priority", ReloadClass::Live, [](auto& c) { c.priority = 110; }},
      {"advert_int_cs", ReloadClass::Live, [](auto& c) { c.advert_int_cs = 200; }},
      {"version", ReloadClass::Rebuild, [](auto& c) { c.version = 3; }},
      {"auth_type", ReloadClass::Live, [](auto& c) { c.auth_type = 1; }},
      {"auth_pass", ReloadClass::Live, [](auto& c) { c.auth_pass[0] = 'x'; }},
      {"auth_hmac", ReloadClass::Live, [](auto& c) { c.auth_hmac.emplace().active_key = 1; }},
      {"unicast_src_ip", ReloadClass::Live, [](auto& c) { c.unicast_src_ip = ip("192.0.2.9"); }},
      {"unicast_peer", ReloadClass::Live,
       [](auto& c) {
         c.unicast_peers.push_back({ip("192.0.2.3"), 0, 255});
       }},
      {"unicast_ttl", ReloadClass::Live, [](auto& c) { c.unicast_ttl = 64; }},
      {"check_unicast_src", ReloadClass::Live,
       [](auto& c) { c.check_unicast_src = !c.check_unicast_src; }},
      {"virtual_ipaddress", ReloadClass::Live,
       [](auto& c) {
         config::Vip v = c.vips[0];
         v.addr = ip("198.51.100.2");
         c.vips.push_back(v);
       }},
      {"track_interface", ReloadClass::Live,
       [](auto& c) {
         c.tracked.push_back({"eth9", 10});
       }},
      {"preempt", ReloadClass::Live, [](auto& c) { c.preempt = !c.preempt; }},
      {"preempt_delay_ns", ReloadClass::Live, [](auto& c) { c.preempt_delay_ns = 1; }},
      {"garp_master_delay_ms", ReloadClass::Live, [](auto& c) { c.garp_master_delay_ms = 1; }},
      {"garp_master_repeat", ReloadClass::Live, [](auto& c) { c.garp_master_repeat = 1; }},
      {"garp_master_refresh_ms", ReloadClass::Live, [](auto& c) { c.garp_master_refresh_ms = 1; }},
      {"garp_master_refresh_repeat", ReloadClass::Live,
       [](auto& c) { c.garp_master_refresh_repeat = 2; }},
      {"notify_master", ReloadClass::Live, [](auto& c) { c.notify_master = "/bin/m"; }},
      {"notify_backup", ReloadClass::Live, [](auto& c) { c.notify_backup = "/bin/b"; }},
      {"notify_fault", ReloadClass::Live, [](auto& c) { c.notify_fault = "/bin/f"; }},
      {"notify", ReloadClass::Live, [](auto& c) { c.notify = "/bin/n"; }},
      {"notify_stop", ReloadClass::Live, [](auto& c) { c.notify_stop = "/bin/s"; }},
      {"garp_interval_ms", ReloadClass::Live, [](auto& c) { c.garp_interval_ms = 10; }},
      {"track_primary", ReloadClass::Live, [](auto& c) { c.track_primary = !c.track_primary; }},
      {"track_scripts", ReloadClass::Live,
       [](auto& c) {
         config::TrackedScript t;
         t.weight = 5;
         c.track_scripts.push_back(t);
       }},
      {"instant_takeover", ReloadClass::Live,
       [](auto& c) { c.instant_takeover = !c.instant_takeover; }},
      {"track_bfd", ReloadClass::Live,
       [](auto& c) {
         c.track_bfds.push_back(config::TrackedBfd{"b", 0, false});
       }},
      {"master_bfd", ReloadClass::Live, [](auto& c) { c.master_bfd = "b"; }},
      {"track_files", ReloadClass::Live,
       [](auto& c) { c.track_files.push_back(config::TrackedFile{}); }},
      {"sync_group", ReloadClass::Live, [](auto& c) { c.sync_group = "g"; }},
      {"track_process", ReloadClass::Live,
       [](auto& c) { c.track_processes.push_back(config::TrackedProcess{}); }},
      {"down_timer_adverts", ReloadClass::Live, [](auto& c) { c.down_timer_adverts = 5; }},
      {"lower_prio_no_advert", ReloadClass::Live,
       [](auto& c) { c.lower_prio_no_advert = !c.lower_prio_no_advert; }},
      {"higher_prio_send_advert", ReloadClass::Live,
       [](auto& c) { c.higher_prio_send_advert = !c.higher_prio_send_advert; }},
      {"garp_lower_prio_repeat", ReloadClass::Live, [](auto& c) { c.garp_lower_prio_repeat = 1; }},
      {"garp_lower_prio_delay_ms", ReloadClass::Live,
       [](auto& c) { c.garp_lower_prio_delay_ms = 1000; }},
      {"virtual_routes", ReloadClass::Live,
       [](auto& c) {
         c.virtual_routes.push_back(config::parse_route({"198.51.100.0/24", "dev", "eth0"}));
       }},
      {"virtual_rules", ReloadClass::Live,
       [](auto& c) {
         c.virtual_rules.push_back(config::parse_rule({"from", "all", "table", "7"}));
       }},
      {"notify_priority_changes", ReloadClass::Live,
       [](auto& c) { c.notify_priority_changes = true; }},
      {"strict_mode", ReloadClass::Live, [](auto& c) { c.strict_mode = true; }},
      {"accept", ReloadClass::Live, [](auto& c) { c.accept = false; }},
      {"use_vmac", ReloadClass::Rebuild, [](auto& c) { c.vmac = "vrrp.9"; }},
      {"vmac_xmit_base", ReloadClass::Rebuild, [](auto& c) { c.vmac_xmit_base = true; }},
      {"family", ReloadClass::Rebuild,
       [](auto& c) {
         c.vips[0].addr = ip("2001:db8::100");
         c.vips[0].prefix_len = 128;
       }},
  };
  return m;
}

TEST(ReloadPlan, EveryFieldChangeIsClassified) {
  const config::Instance base = test::instance();
  for (const Mutation& m : mutations()) {
    config::Instance next = base;
    m.mutate(next);
    const auto changes = config::diff_instances(base, next);
    ASSERT_FALSE(changes.empty()) << m.field << ": the mutation changed nothing the plan sees";
    bool found = false;
    for (const auto& c : changes) {
      if (c.field == m.field) {
        found = true;
        EXPECT_EQ(c.cls, m.klass) << m.field;
      }
    }
    EXPECT_TRUE(found) << m.field << " not reported; got " << describe_changes(changes);
  }
}

// A field added to config::Instance without a row in mutations() fails here:
// the daemon's expectation for it (live or rebuild) must be written down.
TEST(ReloadPlan, MutationsCoverEveryConfigField) {
  std::set<std::string> fields = {"family", "name"}, mutated = {"name"};
  for (const auto& f : config::instance_fields()) fields.insert(f.name);
  for (const Mutation& m : mutations()) mutated.insert(m.field);
  EXPECT_EQ(fields, mutated);
}

TEST(ReloadPlan, WhatTheDaemonRebuildsOnIsIdentityOnly) {
  std::set<std::string> rebuild;
  for (const auto& f : config::instance_fields())
    if (f.cls == ReloadClass::Rebuild) rebuild.insert(f.name);
  // use_vmac and vmac_xmit_base: the interface the adverts leave from, and their source MAC.
  EXPECT_EQ(rebuild, (std::set<std::string>{"name", "interface", "virtual_router_id", "version",
                                            "use_vmac", "vmac_xmit_base"}));
}

TEST(ReloadPlan, WhereIsNotAChange) {
  config::Instance a = test::instance(), b = test::instance();
  b.where = "other.conf:99";
  b.vips[0].where = "other.conf:100";
  EXPECT_TRUE(config::diff_instances(a, b).empty());
}

TEST(ReloadPlan, KeepLiveRebuildAddRemove) {
  config::Instance keep = test::instance(), live = test::instance(), rebuild = test::instance(),
                   gone = test::instance(), fresh = test::instance();
  keep.name = "keep";
  live.name = "live";
  rebuild.name = "rebuild";
  gone.name = "gone";
  fresh.name = "fresh";
  config::Instance live2 = live, rebuild2 = rebuild;
  live2.priority = 110;
  live2.notify_master = "/bin/true";
  rebuild2.vrid = 7;
  rebuild2.priority = 50;
  const auto plan = plan_reload({keep, live, rebuild, gone}, {fresh, rebuild2, live2, keep});
  ASSERT_EQ(plan.size(), 5U);
  EXPECT_EQ(plan[0].op, ReloadItem::Op::Keep);
  EXPECT_EQ(plan[0].new_index, 3);
  EXPECT_EQ(plan[1].op, ReloadItem::Op::LiveUpdate);
  EXPECT_EQ(describe_changes(plan[1].changes),
            "priority 100 -> 110, notify_master '' -> '/bin/true'");
  EXPECT_EQ(plan[2].op, ReloadItem::Op::Rebuild);
  EXPECT_EQ(describe_changes(plan[2].changes),
            "virtual_router_id 100 -> 7 (rebuild), priority 100 -> 50");
  EXPECT_EQ(plan[3].op, ReloadItem::Op::Remove);
  EXPECT_EQ(plan[3].new_index, -1);
  EXPECT_EQ(plan[4].op, ReloadItem::Op::Add);
  EXPECT_EQ(plan[4].name, "fresh");
  EXPECT_EQ(plan[4].old_index, -1);
}

// ---- Make-before-break on reload: what retires, when it is released ----

using core::State;
constexpr State kStates[] = {State::Initialize, State::Backup, State::Master, State::Fault};

TEST(ReloadRetire, OnlyAMasterNotYetHandingOverRetires) {
  for (State st : kStates)
    for (bool handing : {false, true}) {
      const Departure d = departure_for(st, handing);
      EXPECT_EQ(d == Departure::Retire, st == State::Master && !handing)
          << core::state_name(st) << " handing_over=" << handing;
    }
}

// Every combination of the inputs, checked against properties stated
// independently of the rule order.
TEST(ReloadRetire, VerdictOverEveryInputCombination) {
  std::vector<std::optional<SuccessorView>> successors = {std::nullopt};
  for (State st : kStates)
    for (bool known : {false, true}) successors.push_back(SuccessorView{st, known});
  int waits = 0, releases = 0;
  for (bool handing : {false, true})
    for (bool heard : {false, true})
      for (bool present : {false, true})
        for (bool late : {false, true})
          for (const auto& succ : successors) {
            RetiringView v;
            v.handing_over = handing;
            v.new_master_heard = heard;
            v.interface_present = present;
            v.now = 1000;
            v.hard_deadline = late ? 1000 : 1001;
            v.successor = succ;
            const RetireVerdict r = retire_verdict(v);
            const bool successor_serves =
                succ && (succ->state == State::Master ||
                         (succ->state == State::Backup && succ->master_known));
            const bool successor_electing =
                succ && succ->state == State::Backup && !succ->master_known;
            SCOPED_TRACE(testing::Message()
                         << "handing=" << handing << " heard=" << heard << " present=" << present
                         << " late=" << late
                         << " successor=" << (succ ? core::state_name(succ->state) : "none")
                         << (succ && succ->master_known ? "+master" : ""));
            // Forced: nothing can be sent or heard, or the bound is reached.
            if (!present || late) {
              EXPECT_EQ(r, RetireVerdict::Release);
              continue;
            }
            // The VIPs are someone else's now: nothing to wait for.
            if (successor_serves) {
              EXPECT_EQ(r, RetireVerdict::Release);
              continue;
            }
            // Make-before-break: the VIPs stay while priority 0 is still being sent.
            if (handing) {
              EXPECT_EQ(r, RetireVerdict::Wait);
              ++waits;
              continue;
            }
            // The handover is over: wait only while the successor's first election
            // may still take the VIPs and nobody took the old VRID.
            EXPECT_EQ(r == RetireVerdict::Wait, successor_electing && !heard);
            (r == RetireVerdict::Wait ? waits : releases)++;
          }
  EXPECT_GT(waits, 0);
  EXPECT_GT(releases, 0);
}

RetiringView view(bool handing, bool heard, std::optional<SuccessorView> s = std::nullopt) {
  RetiringView v;
  v.handing_over = handing;
  v.new_master_heard = heard;
  v.now = 10;
  v.hard_deadline = 100;
  v.successor = s;
  return v;
}

// The integration scenarios, one by one.
TEST(ReloadRetire, RemovedMasterReleasesWhenThePeerTakesOver) {
  EXPECT_EQ(retire_verdict(view(true, false)), RetireVerdict::Wait);
  EXPECT_EQ(retire_verdict(view(false, true)), RetireVerdict::Release);
  // Nobody took over by the bound: released all the same (no successor).
  EXPECT_EQ(retire_verdict(view(false, false)), RetireVerdict::Release);
}

TEST(ReloadRetire, RebuiltMasterWaitsForItsSuccessorWhenNobodyTookTheOldVrid) {
  const SuccessorView electing{State::Backup, false};
  EXPECT_EQ(retire_verdict(view(true, false, electing)), RetireVerdict::Wait);
  EXPECT_EQ(retire_verdict(view(false, false, electing)), RetireVerdict::Wait);
  // The peer took the old VRID over: its advert ends the wait.
  EXPECT_EQ(retire_verdict(view(false, true, electing)), RetireVerdict::Release);
  // The successor becomes MASTER (shares the VIPs) or hears the peer's new master.
  EXPECT_EQ(retire_verdict(view(true, false, SuccessorView{State::Master, false})),
            RetireVerdict::Release);
  EXPECT_EQ(retire_verdict(view(true, false, SuccessorView{State::Backup, true})),
            RetireVerdict::Release);
  // A successor in FAULT cannot take the VIPs: no reason to keep them past the handover.
  EXPECT_EQ(retire_verdict(view(false, false, SuccessorView{State::Fault, false})),
            RetireVerdict::Release);
  EXPECT_EQ(retire_verdict(view(true, false, SuccessorView{State::Fault, false})),
            RetireVerdict::Wait);
}

TEST(ReloadRetire, HardDeadlineCoversTheLongerElection) {
  EXPECT_EQ(retire_hard_deadline(1000, 3610, std::nullopt), 1000 + 2 * 3610);
  EXPECT_EQ(retire_hard_deadline(1000, 3610, 3800), 1000 + 2 * 3800);
  EXPECT_EQ(retire_hard_deadline(1000, 3800, 3610), 1000 + 2 * 3800);
}

TEST(ReloadRetire, ANewInstanceWaitsOnlyForItsOwnKey) {
  EXPECT_FALSE(defer_start(7, {}));
  EXPECT_FALSE(defer_start(7, {5, 6}));
  EXPECT_TRUE(defer_start(7, {5, 7}));
  // Interface missing: nothing is bound, nothing collides.
  EXPECT_FALSE(defer_start(0, {0}));
}

TEST(ReloadRetire, SharedAddressesStay) {
  const HeldAddress a{3, ip("192.0.2.100"), 24};
  const HeldAddress b{3, ip("192.0.2.101"), 24};
  const HeldAddress a_other_dev{4, ip("192.0.2.100"), 24};
  const HeldAddress a_other_len{3, ip("192.0.2.100"), 32};
  EXPECT_EQ(addresses_to_remove({a, b}, {}), (std::vector<bool>{true, true}));
  EXPECT_EQ(addresses_to_remove({a, b}, {a}), (std::vector<bool>{false, true}));
  EXPECT_EQ(addresses_to_remove({a, b}, {b, a}), (std::vector<bool>{false, false}));
  // The kernel names an address by device, address and prefix length.
  EXPECT_EQ(addresses_to_remove({a}, {a_other_dev, a_other_len}), (std::vector<bool>{true}));
  EXPECT_TRUE(addresses_to_remove({}, {a}).empty());
}

TEST(ReloadRetire, InterfaceInUseByAnyBoundRuntime) {
  EXPECT_FALSE(interface_in_use(3, {}));
  EXPECT_FALSE(interface_in_use(3, {0, 4}));
  EXPECT_TRUE(interface_in_use(3, {4, 3}));
  EXPECT_FALSE(interface_in_use(0, {0}));
}

TEST(ReloadRetire, CapacityCountsRetiringRuntimes) {
  EXPECT_EQ(capacity_problem(2, 2, 0, 0, 2, 2), std::nullopt);
  EXPECT_EQ(capacity_problem(3, 2, 0, 0, 2, 2).value(),
            "3 instances with 2 unicast peers (at most 2 and 2)");
  EXPECT_EQ(capacity_problem(2, 1, 0, 1, 2, 2), std::nullopt);
  EXPECT_EQ(
      capacity_problem(2, 1, 1, 1, 2, 2).value(),
      "2 instances with 1 unicast peers, plus 1 still handing over with 1, (at most 2 and 2)");
  EXPECT_EQ(
      capacity_problem(1, 2, 1, 1, 2, 2).value(),
      "1 instances with 2 unicast peers, plus 1 still handing over with 1, (at most 2 and 2)");
}

}  // namespace
}  // namespace xvrrp::policy
