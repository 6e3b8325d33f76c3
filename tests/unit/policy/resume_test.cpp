// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/resume.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "test_config.hpp"

namespace xvrrp::policy {
namespace {

constexpr core::Nanos kMs = 1'000'000;
constexpr core::Nanos kMdi = 3609 * kMs;  // advert_int 1, priority 100
constexpr core::Nanos kNow = 1'000'000 * kMs;
constexpr std::uint64_t kHash = 0x1234;

// The predecessor was MASTER, sent its last advert 500 ms ago, and left its one VIP; nobody
// advertised since. Each case changes one thing.
ResumeEvidence resumable() {
  ResumeEvidence e;
  e.record = ResumeRecord{core::State::Master, false, kHash, kNow - 500 * kMs};
  e.config_hash = kHash;
  e.now = kNow;
  e.master_down_interval = kMdi;
  e.vips_configured = 1;
  e.vips_present = 1;
  return e;
}

struct Case {
  const char* name;
  std::function<void(ResumeEvidence&)> change;
  ResumeAction expected;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"as recorded", [](auto&) {}, ResumeAction::Resume},
      {"no VIP left", [](auto& e) { e.vips_present = 0; }, ResumeAction::Clean},
      {"no VIP left, no record",
       [](auto& e) {
         e.vips_present = 0;
         e.record.reset();
       },
       ResumeAction::Clean},
      {"faulted at start", [](auto& e) { e.faulted = true; }, ResumeAction::Clean},
      {"faulted, no record",
       [](auto& e) {
         e.faulted = true;
         e.record.reset();
       },
       ResumeAction::Clean},
      {"no record", [](auto& e) { e.record.reset(); }, ResumeAction::KeepVips},
      {"was BACKUP", [](auto& e) { e.record->state = core::State::Backup; }, ResumeAction::Clean},
      {"was FAULT", [](auto& e) { e.record->state = core::State::Fault; }, ResumeAction::Clean},
      {"was INIT", [](auto& e) { e.record->state = core::State::Initialize; }, ResumeAction::Clean},
      {"was handing over", [](auto& e) { e.record->handing_over = true; }, ResumeAction::KeepVips},
      {"configuration changed", [](auto& e) { e.config_hash = kHash + 1; }, ResumeAction::KeepVips},
      {"one of two VIPs missing", [](auto& e) { e.vips_configured = 2; }, ResumeAction::KeepVips},
      {"two of two VIPs present",
       [](auto& e) {
         e.vips_configured = 2;
         e.vips_present = 2;
       },
       ResumeAction::Resume},
      {"record exactly a Master_Down_Interval old",
       [](auto& e) { e.record->last_advert_ns = kNow - kMdi; }, ResumeAction::KeepVips},
      {"record just under a Master_Down_Interval old",
       [](auto& e) { e.record->last_advert_ns = kNow - kMdi + 1; }, ResumeAction::Resume},
      {"record from the future (another clock)",
       [](auto& e) { e.record->last_advert_ns = kNow + 1; }, ResumeAction::KeepVips},
      {"record sent this very nanosecond", [](auto& e) { e.record->last_advert_ns = kNow; },
       ResumeAction::Resume},
      {"peer advertised after our last advert",
       [](auto& e) {
         e.peer = PeerHeard{kNow - 100 * kMs, 50};
       },
       ResumeAction::KeepVips},
      {"peer with a higher priority advertised since",
       [](auto& e) {
         e.peer = PeerHeard{kNow - 100 * kMs, 200};
       },
       ResumeAction::KeepVips},
      {"peer resigned (priority 0) since",
       [](auto& e) {
         e.peer = PeerHeard{kNow - 100 * kMs, 0};
       },
       ResumeAction::Resume},
      {"peer's advert older than our last one",
       [](auto& e) {
         e.peer = PeerHeard{kNow - 600 * kMs, 50};
       },
       ResumeAction::Resume},
      {"peer's advert at the same time as our last one",
       [](auto& e) {
         e.peer = PeerHeard{kNow - 500 * kMs, 50};
       },
       ResumeAction::Resume},
      {"vrrp_startup_delay", [](auto& e) { e.startup_delayed = true; }, ResumeAction::KeepVips},
      {"vrrp_startup_delay, no VIP",
       [](auto& e) {
         e.startup_delayed = true;
         e.vips_present = 0;
       },
       ResumeAction::Clean},
      {"handing over and stale",
       [](auto& e) {
         e.record->handing_over = true;
         e.record->last_advert_ns = kNow - 2 * kMdi;
       },
       ResumeAction::KeepVips},
  };
  return c;
}

TEST(ResumeTest, EveryCase) {
  for (const auto& c : cases()) {
    ResumeEvidence e = resumable();
    c.change(e);
    const ResumeVerdict v = decide_resume(e);
    EXPECT_EQ(v.action, c.expected)
        << c.name << ": got " << resume_action_name(v.action) << " (" << v.reason << ")";
    EXPECT_NE(std::string(v.reason), "") << c.name;
  }
}

// Whatever the evidence, a verdict that keeps VIPs never applies to a host that holds none,
// and only a fresh, unchanged MASTER record resumes.
TEST(ResumeTest, ResumeNeedsEveryCondition) {
  for (const bool record : {false, true})
    for (const auto state :
         {core::State::Initialize, core::State::Backup, core::State::Master, core::State::Fault})
      for (const bool handing : {false, true})
        for (const bool same_hash : {false, true})
          for (const std::size_t present : {0U, 1U, 2U})
            for (const core::Nanos age : {-1 * kMs, 0 * kMs, kMdi - 1, kMdi, 10 * kMdi})
              for (const bool peer : {false, true})
                for (const bool faulted : {false, true}) {
                  ResumeEvidence e = resumable();
                  if (!record) e.record.reset();
                  if (record) {
                    e.record->state = state;
                    e.record->handing_over = handing;
                    e.record->last_advert_ns = kNow - age;
                  }
                  if (!same_hash) e.config_hash = kHash + 7;
                  e.vips_configured = 2;
                  e.vips_present = present;
                  if (peer) e.peer = PeerHeard{kNow - age + 1, 100};
                  e.faulted = faulted;
                  const ResumeAction a = decide_resume(e).action;
                  const bool all = record && state == core::State::Master && !handing &&
                                   same_hash && present == 2 && age >= 0 && age < kMdi && !peer &&
                                   !faulted;
                  EXPECT_EQ(a == ResumeAction::Resume, all);
                  if (present == 0 || faulted) {
                    EXPECT_EQ(a, ResumeAction::Clean);
                  }
                }
}

TEST(ResumeTest, ConfigHashFollowsEveryFieldButPositions) {
  const config::Instance base = test::instance();
  EXPECT_NE(config_hash(base), 0U);
  EXPECT_EQ(config_hash(base), config_hash(test::instance()));
  EXPECT_NE(config_hash(base), config_hash(test::instance("  priority 110\n")));
  EXPECT_NE(config_hash(base), config_hash(test::instance("  advert_int 2\n")));
  EXPECT_NE(
      config_hash(base),
      config_hash(test::instance("  virtual_ipaddress {\n    198.51.100.2/32 dev dummy0\n  }\n")));
  config::Instance moved = base;
  moved.where = "elsewhere.conf:42";
  EXPECT_EQ(config_hash(base), config_hash(moved));
}

}  // namespace
}  // namespace xvrrp::policy
