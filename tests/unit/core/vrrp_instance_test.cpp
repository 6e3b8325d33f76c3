// SPDX-License-Identifier: GPL-2.0-or-later
// State machine tests with a fake clock: every "now" is a plain Nanos value.
#include "core/vrrp_instance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace xvrrp::core {
namespace {

constexpr Nanos kMs = 1'000'000;
constexpr Nanos kSec = kNanosPerSecond;

IpAddress ip(const char* text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(IpAddress{});
}

InstanceParams params(std::uint8_t version, std::uint8_t priority, std::uint16_t advert_int_cs,
                      const char* primary = "192.0.2.10") {
  InstanceParams p;
  p.name = "VI_test";
  p.vrid = 51;
  p.version = version;
  p.base_priority = priority;
  p.advert_int_cs = advert_int_cs;
  p.primary_ip = ip(primary);
  return p;
}

ReceivedAdvert advert(const char* src, std::uint8_t priority, std::uint16_t advert_int_cs,
                      Nanos rx_ns) {
  return ReceivedAdvert{ip(src), priority, advert_int_cs, rx_ns};
}

// An instance started as Backup at t=0.
Instance started_backup(InstanceParams p) {
  Instance inst(std::move(p));
  const Actions a = inst.start(0);
  EXPECT_EQ(a.entered, State::Backup);
  return inst;
}

// An instance that became Master through its down timer at t = MDI.
Instance started_master(InstanceParams p) {
  Instance inst = started_backup(std::move(p));
  const Actions a = inst.on_timer(inst.next_deadline());
  EXPECT_EQ(a.entered, State::Master);
  return inst;
}

// ---- Names and parameter validation ----

TEST(StateName, KeepalivedWords) {
  EXPECT_STREQ(state_name(State::Initialize), "INIT");
  EXPECT_STREQ(state_name(State::Backup), "BACKUP");
  EXPECT_STREQ(state_name(State::Master), "MASTER");
  EXPECT_STREQ(state_name(State::Fault), "FAULT");
}

TEST(InstanceParamsValidation, RejectsOutOfRange) {
  auto bad = [](auto mutate) {
    InstanceParams p = params(2, 100, 100);
    mutate(p);
    return p;
  };
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.vrid = 0; })), std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.version = 4; })), std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.base_priority = 0; })),
               std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.advert_int_cs = 0; })),
               std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.advert_int_cs = 150; })),
               std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) {
                 p.version = 3;
                 p.advert_int_cs = 4096;
               })),
               std::invalid_argument);
  EXPECT_THROW(Instance(bad([](InstanceParams& p) { p.preempt_delay = -1; })),
               std::invalid_argument);
  try {
    Instance(bad([](InstanceParams& p) { p.advert_int_cs = 150; }));
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("VI_test"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("advert_int"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(Instance(params(3, 255, 1)));
  EXPECT_NO_THROW(Instance(params(3, 1, 4095)));
  EXPECT_NO_THROW(Instance(params(2, 254, 25500)));
}

// ---- Formulas ----

TEST(Formulas, V2Priority100OneSecond) {
  Instance inst(params(2, 100, 100));
  EXPECT_EQ(inst.skew_time(), 609'375'000);  // (256-100)/256 s = 0.609375 s
  EXPECT_EQ(inst.master_down_interval(), 3'609'375'000);
  EXPECT_EQ(inst.advert_interval(), kSec);
}

TEST(Formulas, V2Priority50Skew) {
  Instance inst(params(2, 50, 100));
  EXPECT_EQ(inst.skew_time(), 804'687'500);  // 206/256 s = 0.8046875 s
  EXPECT_EQ(inst.master_down_interval(), 3'804'687'500);
}

TEST(Formulas, V2SkewIgnoresAdvertInterval) {
  Instance inst(params(2, 100, 300));
  EXPECT_EQ(inst.skew_time(), 609'375'000);
  EXPECT_EQ(inst.master_down_interval(), 9'609'375'000);
}

TEST(Formulas, V2OwnerSkewIsOne256th) {
  Instance inst(params(2, 255, 100));
  EXPECT_EQ(inst.skew_time(), 3'906'250);
}

TEST(Formulas, V3TenMilliseconds) {
  Instance inst(params(3, 100, 1));
  // ((256-100) x 1 cs) / 256 = 0.609375 cs = 6.09375 ms, kept in ns.
  EXPECT_EQ(inst.skew_time(), 6'093'750);
  EXPECT_EQ(inst.master_down_interval(), 36'093'750);
  EXPECT_EQ(inst.advert_interval(), 10 * kMs);
}

TEST(Formulas, V3OneSecondMatchesV2) {
  Instance inst(params(3, 100, 100));
  EXPECT_EQ(inst.skew_time(), 609'375'000);
  EXPECT_EQ(inst.master_down_interval(), 3'609'375'000);
}

TEST(Formulas, V3Priority50At10ms) {
  Instance inst(params(3, 50, 1));
  EXPECT_EQ(inst.skew_time(), 8'046'875);  // 206 x 10 ms / 256
  EXPECT_EQ(inst.master_down_interval(), 38'046'875);
}

// ---- Startup ----

TEST(Startup, NonOwnerWaitsAsBackup) {
  Instance inst(params(2, 150, 100));
  EXPECT_EQ(inst.state(), State::Initialize);
  EXPECT_EQ(inst.next_deadline(), kNever);
  const Actions a = inst.start(7 * kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_FALSE(a.add_vips);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_EQ(inst.next_deadline(), 7 * kSec + inst.master_down_interval());
  EXPECT_EQ(inst.transitions(), 1u);
  EXPECT_TRUE(inst.start(8 * kSec).empty());  // already started
}

TEST(Startup, OwnerBecomesMasterAtOnce) {
  Instance inst(params(2, 255, 100));
  const Actions a = inst.start(kSec);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.send_advert);
  EXPECT_TRUE(a.add_vips);
  EXPECT_TRUE(a.start_garp);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_EQ(inst.next_deadline(), 2 * kSec);
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.10"));
  EXPECT_EQ(inst.master_priority(), 255);
}

TEST(Startup, DownTimerExpiryTakesOver) {
  Instance inst = started_backup(params(2, 100, 100));
  const Nanos deadline = inst.next_deadline();
  EXPECT_TRUE(inst.on_timer(deadline - 1).empty());
  EXPECT_EQ(inst.state(), State::Backup);
  const Actions a = inst.on_timer(deadline);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.send_advert);
  EXPECT_TRUE(a.add_vips);
  EXPECT_TRUE(a.start_garp);
  EXPECT_STREQ(a.reason, "master down timer expired");
  EXPECT_EQ(inst.next_deadline(), deadline + kSec);
  EXPECT_EQ(inst.transitions(), 2u);
}

TEST(Startup, StartupDelayHoldsEveryoneAsBackup) {
  Instance inst(params(2, 150, 100));
  const Actions a = inst.start(kSec, 6 * kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_STREQ(a.reason, "startup delay");
  EXPECT_EQ(inst.next_deadline(), 6 * kSec + inst.master_down_interval());
  EXPECT_TRUE(inst.on_timer(6 * kSec + inst.master_down_interval() - 1).empty());
  EXPECT_EQ(inst.on_timer(6 * kSec + inst.master_down_interval()).entered, State::Master);
}

TEST(Startup, StartupDelayHoldsTheOwnerUntilItEnds) {
  Instance inst(params(2, 255, 100));
  const Actions a = inst.start(kSec, 6 * kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_FALSE(a.add_vips);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.next_deadline(), 6 * kSec);
  EXPECT_TRUE(inst.on_timer(6 * kSec - 1).empty());
  const Actions b = inst.on_timer(6 * kSec);
  EXPECT_EQ(b.entered, State::Master);
  EXPECT_TRUE(b.add_vips);
}

TEST(Startup, StartupDelayInThePastChangesNothing) {
  Instance held(params(2, 255, 100));
  EXPECT_EQ(held.start(7 * kSec, 7 * kSec).entered, State::Master);
  Instance backup(params(2, 150, 100));
  backup.start(7 * kSec, 3 * kSec);
  EXPECT_EQ(backup.next_deadline(), 7 * kSec + backup.master_down_interval());
}

TEST(Startup, AdvertsIgnoredBeforeStart) {
  Instance inst(params(2, 100, 100));
  EXPECT_TRUE(inst.on_advert(advert("192.0.2.20", 200, 100, 0), 0).empty());
  EXPECT_TRUE(inst.on_timer(kNever - 1).empty());
  EXPECT_FALSE(inst.last_advert_rx_ns().has_value());
}

// ---- Backup receiving adverts ----

TEST(Backup, DownTimerCountsFromRxTimestampNotNow) {
  Instance inst = started_backup(params(2, 100, 100));
  const Nanos rx = 2 * kSec;
  const Nanos now = rx + 40 * kMs;  // userspace read it 40 ms after XDP saw it
  const Actions a = inst.on_advert(advert("192.0.2.20", 150, 100, rx), now);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(inst.next_deadline(), rx + 3'609'375'000);
  EXPECT_EQ(inst.last_advert_rx_ns(), rx);
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));
  EXPECT_EQ(inst.master_priority(), 150);
}

TEST(Backup, StaleRxTimestampFiresImmediately) {
  Instance inst = started_backup(params(3, 100, 1));
  const Nanos rx = 100 * kMs;
  const Nanos now = rx + 50 * kMs;  // delivered later than MDI (36 ms)
  inst.on_advert(advert("192.0.2.20", 150, 1, rx), now);
  EXPECT_LT(inst.next_deadline(), now);
  EXPECT_EQ(inst.on_timer(now).entered, State::Master);
}

TEST(Backup, PriorityZeroTakesOverAfterSkew) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.on_advert(advert("192.0.2.20", 150, 100, 1 * kSec), 1 * kSec);
  const Nanos rx = 1500 * kMs;
  const Actions a = inst.on_advert(advert("192.0.2.20", 0, 100, rx), rx + kMs);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.next_deadline(), rx + 609'375'000);
  EXPECT_TRUE(inst.on_timer(rx + 609'375'000 - 1).empty());
  EXPECT_EQ(inst.on_timer(rx + 609'375'000).entered, State::Master);
}

TEST(Backup, PriorityZeroV3SkewUsesLearnedInterval) {
  Instance inst = started_backup(params(3, 100, 100));
  inst.on_advert(advert("192.0.2.20", 150, 1, 0), 0);  // master runs at 10 ms
  const Nanos rx = 20 * kMs;
  inst.on_advert(advert("192.0.2.20", 0, 1, rx), rx);
  EXPECT_EQ(inst.next_deadline(), rx + 6'093'750);
}

TEST(Backup, PriorityZeroTakesOverEvenWithNopreempt) {
  InstanceParams p = params(2, 100, 100);
  p.preempt = false;
  Instance inst = started_backup(p);
  inst.on_advert(advert("192.0.2.20", 0, 100, kSec), kSec);
  EXPECT_EQ(inst.next_deadline(), kSec + inst.skew_time());
}

TEST(Backup, HigherAndEqualPriorityResetTimer) {
  // Equal priority is accepted by a backup whatever the sender's address (RFC 3768 §6.4.2).
  for (const char* src : {"192.0.2.1", "192.0.2.200"}) {
    for (std::uint8_t prio : {100, 101, 254}) {
      Instance inst = started_backup(params(2, 100, 100));
      inst.on_advert(advert(src, prio, 100, 3 * kSec), 3 * kSec);
      EXPECT_EQ(inst.next_deadline(), 3 * kSec + inst.master_down_interval())
          << src << " prio " << int{prio};
    }
  }
}

TEST(Backup, LowerPriorityIgnoredWithPreempt) {
  Instance inst = started_backup(params(2, 150, 100));
  const Nanos first_deadline = inst.next_deadline();
  const Actions a = inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_NE(a.reason, nullptr);
  EXPECT_EQ(inst.next_deadline(), first_deadline);  // preempt by timeout
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));    // still recorded
  inst.on_advert(advert("192.0.2.20", 100, 100, 2 * kSec), 2 * kSec);
  inst.on_advert(advert("192.0.2.20", 100, 100, 3 * kSec), 3 * kSec);
  EXPECT_EQ(inst.next_deadline(), first_deadline);
  EXPECT_EQ(inst.on_timer(first_deadline).entered, State::Master);
}

TEST(Backup, NopreemptAcceptsLowerPriorityMaster) {
  InstanceParams p = params(2, 150, 100);
  p.preempt = false;
  Instance inst = started_backup(p);
  for (Nanos t = kSec; t <= 20 * kSec; t += kSec) {
    inst.on_advert(advert("192.0.2.20", 100, 100, t), t);
    EXPECT_EQ(inst.next_deadline(), t + inst.master_down_interval());
    EXPECT_TRUE(inst.on_timer(t + 500 * kMs).empty());
  }
  EXPECT_EQ(inst.state(), State::Backup);
  // The master dies: nopreempt does not stop the takeover.
  EXPECT_EQ(inst.on_timer(20 * kSec + inst.master_down_interval()).entered, State::Master);
}

// keepalived semantics: the window opens at the first lower-priority advert; the takeover
// happens preempt_delay + MDI after it.
TEST(Backup, PreemptDelayHoldsOffThenPreempts) {
  InstanceParams p = params(2, 150, 100);
  p.preempt_delay = 10 * kSec;
  Instance inst = started_backup(p);
  const Nanos mdi = inst.master_down_interval();
  Nanos last_accepted = 0;
  Nanos t = kSec;
  for (; t < 30 * kSec; t += kSec) {
    if (t >= inst.next_deadline()) break;
    inst.on_advert(advert("192.0.2.20", 100, 100, t), t);
    if (t < 11 * kSec) {
      EXPECT_EQ(inst.next_deadline(), t + mdi) << t;
      last_accepted = t;
    }
    EXPECT_EQ(inst.preempt_window_end(), 11 * kSec);
  }
  EXPECT_EQ(last_accepted, 10 * kSec);
  EXPECT_EQ(inst.next_deadline(), 10 * kSec + mdi);
  EXPECT_EQ(inst.on_timer(10 * kSec + mdi).entered, State::Master);
  EXPECT_EQ(inst.preempt_window_end(), kNever);
}

TEST(Backup, PreemptDelayWindowClosedByHigherPriority) {
  InstanceParams p = params(2, 150, 100);
  p.preempt_delay = 5 * kSec;
  Instance inst = started_backup(p);
  inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  EXPECT_EQ(inst.preempt_window_end(), 6 * kSec);
  inst.on_advert(advert("192.0.2.30", 200, 100, 2 * kSec), 2 * kSec);
  EXPECT_EQ(inst.preempt_window_end(), kNever);
  // A new lower-priority master opens a fresh window from its own first advert.
  inst.on_advert(advert("192.0.2.20", 100, 100, 7 * kSec), 7 * kSec);
  EXPECT_EQ(inst.preempt_window_end(), 12 * kSec);
  EXPECT_EQ(inst.next_deadline(), 7 * kSec + inst.master_down_interval());
}

TEST(Backup, PreemptDelayDoesNotDelayDeadMaster) {
  InstanceParams p = params(2, 150, 100);
  p.preempt_delay = 60 * kSec;
  Instance inst = started_backup(p);
  inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  // The lower-priority master stops: takeover after MDI, not after the 60 s delay.
  EXPECT_EQ(inst.on_timer(kSec + inst.master_down_interval()).entered, State::Master);
}

TEST(Backup, V3LearnsMasterAdverIntervalAndResetsOnMaster) {
  Instance inst = started_backup(params(3, 100, 100));
  EXPECT_EQ(inst.master_adver_int_cs(), 100);
  inst.on_advert(advert("192.0.2.20", 150, 50, kSec), kSec);
  EXPECT_EQ(inst.master_adver_int_cs(), 50);
  // 3 x 0.5 s + (156 x 0.5 s)/256
  EXPECT_EQ(inst.master_down_interval(), 1'500'000'000 + 304'687'500);
  EXPECT_EQ(inst.next_deadline(), kSec + 1'804'687'500);
  EXPECT_EQ(inst.advert_int_cs(), 100);  // our own interval is unchanged
  const Actions a = inst.on_timer(inst.next_deadline());
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_EQ(inst.master_adver_int_cs(), 100);
  EXPECT_EQ(inst.master_down_interval(), 3'609'375'000);
}

TEST(Backup, V3DoesNotLearnFromIgnoredLowerPriority) {
  Instance inst = started_backup(params(3, 150, 100));
  inst.on_advert(advert("192.0.2.20", 100, 7, kSec), kSec);
  EXPECT_EQ(inst.master_adver_int_cs(), 100);
}

TEST(Backup, V2NeverLearnsInterval) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.on_advert(advert("192.0.2.20", 150, 200, kSec), kSec);
  EXPECT_EQ(inst.master_adver_int_cs(), 100);
  EXPECT_EQ(inst.next_deadline(), kSec + 3'609'375'000);
}

TEST(Backup, OutOfOrderAdvertNeverPullsDeadlineEarlier) {
  Instance inst = started_backup(params(3, 100, 1));
  inst.on_advert(advert("192.0.2.20", 150, 1, 500 * kMs), 500 * kMs);
  inst.refresh_from_last_seen(900 * kMs);
  const Nanos deadline = inst.next_deadline();
  EXPECT_EQ(deadline, 900 * kMs + inst.master_down_interval());
  inst.on_advert(advert("192.0.2.20", 150, 1, 600 * kMs), 910 * kMs);  // late ring buffer record
  EXPECT_EQ(inst.next_deadline(), deadline);
}

// ---- Master receiving adverts ----

TEST(Master, PriorityZeroAnswersWithAdvertAndRestartsTimer) {
  Instance inst = started_master(params(2, 100, 100));
  const Nanos now = inst.next_deadline() - 300 * kMs;
  const Actions a = inst.on_advert(advert("192.0.2.20", 0, 100, now), now);
  EXPECT_TRUE(a.send_advert);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(inst.next_deadline(), now + kSec);
  EXPECT_EQ(inst.state(), State::Master);
}

TEST(Master, HigherPriorityMakesBackup) {
  Instance inst = started_master(params(3, 100, 100));
  const Nanos rx = 10 * kSec;
  const Actions a = inst.on_advert(advert("192.0.2.20", 200, 50, rx), rx + 2 * kMs);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_EQ(inst.master_adver_int_cs(), 50);
  EXPECT_EQ(inst.next_deadline(), rx + inst.master_down_interval());
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));
  EXPECT_EQ(inst.master_priority(), 200);
}

TEST(Master, EqualPriorityHigherAddressWins) {
  Instance inst = started_master(params(2, 100, 100, "192.0.2.10"));
  const Actions lower_ip = inst.on_advert(advert("192.0.2.9", 100, 100, 5 * kSec), 5 * kSec);
  EXPECT_FALSE(lower_ip.entered.has_value());
  EXPECT_TRUE(lower_ip.send_advert);
  EXPECT_EQ(inst.state(), State::Master);
  const Actions higher_ip = inst.on_advert(advert("192.0.2.11", 100, 100, 6 * kSec), 6 * kSec);
  EXPECT_EQ(higher_ip.entered, State::Backup);
  EXPECT_TRUE(higher_ip.remove_vips);
}

TEST(Master, EqualPriorityComparesAddressNumerically) {
  // 192.0.2.100 > 192.0.2.20 numerically although "100" < "20" as text.
  Instance inst = started_master(params(2, 100, 100, "192.0.2.20"));
  EXPECT_EQ(inst.on_advert(advert("192.0.2.100", 100, 100, 5 * kSec), 5 * kSec).entered,
            State::Backup);
}

TEST(Master, LowerPriorityForcesNewElection) {
  Instance inst = started_master(params(2, 150, 100));
  const Nanos deadline = inst.next_deadline();
  const Actions a = inst.on_advert(advert("192.0.2.20", 100, 100, deadline - 10), deadline - 10);
  EXPECT_TRUE(a.send_advert);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_FALSE(a.remove_vips);
  EXPECT_EQ(inst.next_deadline(), deadline);  // regular schedule kept
}

TEST(Master, LowerPriorityAnswersAreRateLimitedToOnePerInterval) {
  Instance inst = started_master(params(2, 150, 100));
  const Nanos t0 = inst.next_deadline() - 500 * kMs;
  EXPECT_TRUE(inst.on_advert(advert("192.0.2.20", 100, 100, t0), t0).send_advert);
  // A flood inside the same interval is answered by the regular adverts only.
  for (Nanos t = t0 + kMs; t < t0 + kSec; t += 100 * kMs)
    EXPECT_FALSE(inst.on_advert(advert("192.0.2.20", 100, 100, t), t).send_advert) << t;
  EXPECT_TRUE(inst.on_advert(advert("192.0.2.20", 100, 100, t0 + kSec), t0 + kSec).send_advert);
}

TEST(Master, LowerPrioNoAdvertLeavesTheAnswerToTheRegularAdverts) {
  InstanceParams p = params(2, 150, 100);
  p.lower_prio_no_advert = true;
  Instance inst = started_master(p);
  const Nanos deadline = inst.next_deadline();
  const Actions a = inst.on_advert(advert("192.0.2.20", 100, 100, deadline - 10), deadline - 10);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_EQ(inst.next_deadline(), deadline);
  // A priority 0 advert is still answered (keepalived answers it whatever the option).
  EXPECT_TRUE(inst.on_advert(advert("192.0.2.20", 0, 100, deadline - 5), deadline - 5).send_advert);
}

TEST(Master, HigherPrioSendAdvertAnswersBeforeYielding) {
  for (const bool option : {false, true}) {
    InstanceParams p = params(3, 100, 100);
    p.higher_prio_send_advert = option;
    Instance inst = started_master(p);
    const Nanos t = inst.next_deadline() - 10;
    const Actions a = inst.on_advert(advert("192.0.2.20", 200, 100, t), t);
    EXPECT_EQ(a.entered, State::Backup) << option;
    EXPECT_TRUE(a.remove_vips) << option;
    EXPECT_EQ(a.send_advert, option);
  }
}

TEST(Formulas, DownTimerAdvertsScalesTheIntervalNotTheSkew) {
  for (const int n : {1, 3, 7, 100}) {
    InstanceParams p = params(3, 100, 10);  // 100 ms
    p.down_timer_adverts = n;
    Instance inst(p);
    inst.start(0);
    EXPECT_EQ(inst.master_down_interval(), n * 100 * kMs + inst.skew_time()) << n;
    EXPECT_EQ(inst.next_deadline(), inst.master_down_interval()) << n;
    const Actions a = inst.on_advert(advert("192.0.2.20", 200, 10, 5 * kSec), 5 * kSec);
    EXPECT_TRUE(a.empty());
    EXPECT_EQ(inst.next_deadline(), 5 * kSec + n * 100 * kMs + inst.skew_time()) << n;
  }
  for (const int bad : {0, 101, -1}) {
    InstanceParams p = params(3, 100, 10);
    p.down_timer_adverts = bad;
    EXPECT_THROW(Instance{p}, std::invalid_argument) << bad;
  }
}

// RFC 5798 §6.4.3: an owner hearing another priority-255 advert compares primary
// addresses like everyone else; a lower one is answered, a higher one wins.
TEST(Master, OwnerYieldsOnlyToAnotherOwnerWithAHigherAddress) {
  Instance inst(params(2, 255, 100, "192.0.2.10"));
  inst.start(0);
  Nanos t = 2 * kSec;
  Actions a = inst.on_advert(advert("192.0.2.1", 255, 100, t), t);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_TRUE(a.send_advert);
  EXPECT_EQ(inst.state(), State::Master);
  t += kSec;
  a = inst.on_advert(advert("192.0.2.250", 255, 100, t), t);
  ASSERT_TRUE(a.entered.has_value());
  EXPECT_EQ(*a.entered, State::Backup);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_EQ(inst.master_priority(), 255);
  // As a backup it follows that owner: each of its adverts restarts the down timer.
  t += kSec;
  EXPECT_FALSE(inst.on_advert(advert("192.0.2.250", 255, 100, t), t).entered.has_value());
  EXPECT_GT(inst.next_deadline(), t + 3 * kSec);
  // Once it falls silent, the owner takes over after Master_Down_Interval.
  const Nanos down = inst.next_deadline();
  a = inst.on_timer(down);
  ASSERT_TRUE(a.entered.has_value());
  EXPECT_EQ(*a.entered, State::Master);
}

TEST(Master, DriftFreeAdvertSchedule) {
  Instance inst(params(2, 255, 100));
  inst.start(0);
  EXPECT_EQ(inst.next_deadline(), kSec);
  EXPECT_TRUE(inst.on_timer(kSec - 1).empty());  // early: nothing
  // Late by 3 ms: the next advert stays on the 1 s grid.
  EXPECT_TRUE(inst.on_timer(kSec + 3 * kMs).send_advert);
  EXPECT_EQ(inst.next_deadline(), 2 * kSec);
  // More than one interval late: resync from now instead of bursting.
  EXPECT_TRUE(inst.on_timer(3500 * kMs).send_advert);
  EXPECT_EQ(inst.next_deadline(), 4500 * kMs);
}

TEST(Master, TenMillisecondScheduleDoesNotDrift) {
  Instance inst(params(3, 255, 1));
  inst.start(0);
  int adverts = 0;
  for (int tick = 1; tick <= 6000; ++tick) {
    const Nanos now = inst.next_deadline() + (tick % 7) * 100'000;  // 0..0.6 ms late
    if (inst.on_timer(now).send_advert) ++adverts;
    ASSERT_EQ(inst.next_deadline(), (tick + 1) * 10 * kMs) << tick;
  }
  EXPECT_EQ(adverts, 6000);
}

// ---- last-seen refresh (suppressed duplicate adverts) ----

TEST(RefreshFromLastSeen, RearmsFromNewerTimestamp) {
  Instance inst = started_backup(params(3, 100, 1));
  inst.on_advert(advert("192.0.2.20", 150, 1, 100 * kMs), 100 * kMs);
  EXPECT_EQ(inst.next_deadline(), 100 * kMs + 36'093'750);
  const Actions a = inst.refresh_from_last_seen(130 * kMs);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(inst.next_deadline(), 130 * kMs + 36'093'750);
  EXPECT_EQ(inst.last_advert_rx_ns(), 130 * kMs);
  EXPECT_EQ(inst.state(), State::Backup);
  // Same or older timestamps change nothing.
  inst.refresh_from_last_seen(130 * kMs);
  inst.refresh_from_last_seen(120 * kMs);
  EXPECT_EQ(inst.next_deadline(), 130 * kMs + 36'093'750);
}

TEST(RefreshFromLastSeen, NoEffectWithoutAcceptedAdvert) {
  Instance before_any = started_backup(params(3, 100, 1));
  const Nanos deadline = before_any.next_deadline();
  before_any.refresh_from_last_seen(20 * kMs);
  EXPECT_EQ(before_any.next_deadline(), deadline);

  Instance after_zero = started_backup(params(3, 100, 1));
  after_zero.on_advert(advert("192.0.2.20", 0, 1, 10 * kMs), 10 * kMs);
  after_zero.refresh_from_last_seen(15 * kMs);
  EXPECT_EQ(after_zero.next_deadline(), 10 * kMs + after_zero.skew_time());

  Instance preempting = started_backup(params(3, 150, 1));
  const Nanos own_deadline = preempting.next_deadline();
  preempting.on_advert(advert("192.0.2.20", 100, 1, 10 * kMs), 10 * kMs);
  preempting.refresh_from_last_seen(30 * kMs);
  EXPECT_EQ(preempting.next_deadline(), own_deadline);
}

TEST(RefreshFromLastSeen, RespectsPreemptDelayWindow) {
  InstanceParams p = params(3, 150, 1);
  p.preempt_delay = 100 * kMs;
  Instance inst = started_backup(p);
  inst.on_advert(advert("192.0.2.20", 100, 1, 10 * kMs), 10 * kMs);  // window ends at 110 ms
  inst.refresh_from_last_seen(80 * kMs);
  EXPECT_EQ(inst.next_deadline(), 80 * kMs + inst.master_down_interval());
  inst.refresh_from_last_seen(115 * kMs);  // past the window: no longer holds us off
  EXPECT_EQ(inst.next_deadline(), 80 * kMs + inst.master_down_interval());
}

TEST(RefreshFromLastSeen, IgnoredOutsideBackup) {
  Instance inst = started_master(params(3, 100, 1));
  const Nanos deadline = inst.next_deadline();
  EXPECT_TRUE(inst.refresh_from_last_seen(deadline + kSec).empty());
  EXPECT_EQ(inst.next_deadline(), deadline);
}

// ---- Fault ----

TEST(Fault, FromMasterSendsPriorityZeroAndReleasesVips) {
  Instance inst = started_master(params(2, 100, 100));
  const Actions a = inst.set_fault(true, 10 * kSec);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.next_deadline(), kNever);
  EXPECT_TRUE(inst.faulted());
  EXPECT_TRUE(inst.set_fault(true, 11 * kSec).empty());  // idempotent
}

TEST(Fault, FromBackupJustEntersFault) {
  Instance inst = started_backup(params(2, 100, 100));
  const Actions a = inst.set_fault(true, kSec);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_EQ(inst.next_deadline(), kNever);
}

TEST(Fault, AdvertsRecordedButIgnored) {
  Instance inst = started_backup(params(3, 100, 100));
  inst.set_fault(true, kSec);
  const Actions a = inst.on_advert(advert("192.0.2.20", 50, 20, 2 * kSec), 2 * kSec);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));
  EXPECT_EQ(inst.master_priority(), 50);
  EXPECT_EQ(inst.next_deadline(), kNever);
  EXPECT_TRUE(inst.on_timer(100 * kSec).empty());
}

TEST(Fault, RecoveryGoesBackupWithDownTimer) {
  Instance inst = started_master(params(2, 100, 100));
  inst.set_fault(true, 10 * kSec);
  const Actions a = inst.set_fault(false, 20 * kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_FALSE(a.add_vips);
  EXPECT_EQ(inst.next_deadline(), 20 * kSec + inst.master_down_interval());
  EXPECT_EQ(inst.on_timer(inst.next_deadline()).entered, State::Master);
}

TEST(Fault, OwnerRecoversStraightToMaster) {
  Instance inst(params(2, 255, 100));
  inst.start(0);
  inst.set_fault(true, kSec);
  const Actions a = inst.set_fault(false, 2 * kSec);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.add_vips);
  EXPECT_TRUE(a.send_advert);
  EXPECT_TRUE(a.start_garp);
  EXPECT_EQ(inst.next_deadline(), 3 * kSec);
}

TEST(Fault, FaultBeforeStartEntersFaultAtStart) {
  Instance inst(params(2, 255, 100));
  EXPECT_TRUE(inst.set_fault(true, 0).empty());
  EXPECT_EQ(inst.state(), State::Initialize);
  EXPECT_EQ(inst.start(0).entered, State::Fault);
  EXPECT_EQ(inst.set_fault(false, kSec).entered, State::Master);
}

// ---- Weighted tracking ----

TEST(Tracking, EffectivePriorityClamps) {
  Instance inst(params(2, 100, 100));
  inst.set_priority_delta(-30, 0);
  EXPECT_EQ(inst.effective_priority(), 70);
  inst.set_priority_delta(200, 0);
  EXPECT_EQ(inst.effective_priority(), 254);
  inst.set_priority_delta(-200, 0);
  EXPECT_EQ(inst.effective_priority(), 1);
  inst.set_priority_delta(0, 0);
  EXPECT_EQ(inst.effective_priority(), 100);
  EXPECT_EQ(inst.priority_delta(), 0);
}

TEST(Tracking, OwnerPriorityNeverChanges) {
  Instance inst(params(2, 255, 100));
  inst.start(0);
  EXPECT_TRUE(inst.set_priority_delta(-100, kSec).empty());
  EXPECT_EQ(inst.effective_priority(), 255);
}

TEST(Tracking, SkewFollowsEffectivePriority) {
  Instance inst(params(2, 100, 100));
  inst.set_priority_delta(-50, 0);
  EXPECT_EQ(inst.skew_time(), 804'687'500);
}

TEST(Tracking, MasterAdvertisesLoweredPriorityAndLoses) {
  Instance master = started_master(params(2, 150, 100, "192.0.2.10"));
  const Actions a = master.set_priority_delta(-60, 20 * kSec);
  EXPECT_TRUE(a.send_advert);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(master.effective_priority(), 90);
  EXPECT_EQ(master.master_priority(), 90);
  EXPECT_TRUE(master.set_priority_delta(-60, 21 * kSec).empty());  // unchanged
  // The peer at 100 now preempts and its advert moves us to Backup.
  EXPECT_EQ(master.on_advert(advert("192.0.2.20", 100, 100, 22 * kSec), 22 * kSec).entered,
            State::Backup);
}

TEST(Tracking, BackupRaisedAbovePreemptsByTimeout) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.on_advert(advert("192.0.2.20", 120, 100, kSec), kSec);
  EXPECT_TRUE(inst.set_priority_delta(+50, 1500 * kMs).empty());
  EXPECT_EQ(inst.effective_priority(), 150);
  const Nanos deadline = inst.next_deadline();
  inst.on_advert(advert("192.0.2.20", 120, 100, 2 * kSec), 2 * kSec);  // now lower: ignored
  EXPECT_EQ(inst.next_deadline(), deadline);
  EXPECT_EQ(inst.on_timer(deadline).entered, State::Master);
}

// ---- Shutdown ----

TEST(Stop, MasterResigns) {
  Instance inst = started_master(params(2, 100, 100));
  const Actions a = inst.stop(30 * kSec);
  EXPECT_EQ(a.entered, State::Initialize);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.next_deadline(), kNever);
  EXPECT_TRUE(inst.stop(31 * kSec).empty());
}

TEST(Stop, BackupAndFaultJustStop) {
  Instance backup = started_backup(params(2, 100, 100));
  const Actions b = backup.stop(kSec);
  EXPECT_EQ(b.entered, State::Initialize);
  EXPECT_FALSE(b.send_priority_zero);
  EXPECT_FALSE(b.remove_vips);

  Instance fault = started_backup(params(2, 100, 100));
  fault.set_fault(true, kSec);
  const Actions f = fault.stop(2 * kSec);
  EXPECT_EQ(f.entered, State::Initialize);
  EXPECT_FALSE(f.send_priority_zero);
}

TEST(Stop, RestartAfterStop) {
  Instance inst = started_master(params(2, 100, 100));
  inst.stop(10 * kSec);
  EXPECT_EQ(inst.start(11 * kSec).entered, State::Backup);
  EXPECT_EQ(inst.next_deadline(), 11 * kSec + inst.master_down_interval());
  EXPECT_EQ(inst.transitions(), 4u);  // Backup, Master, Initialize, Backup
}

// ---- Two instances on a lossless zero-latency wire, 1 ms steps ----

class Pair {
 public:
  Pair(InstanceParams a, InstanceParams b)
      : nodes_{Instance(std::move(a)), Instance(std::move(b))} {}

  Instance& operator[](int i) { return nodes_[i]; }
  void start(int i, Nanos now) { apply(i, nodes_[i].start(now), now); }
  void stop(int i, Nanos now) { apply(i, nodes_[i].stop(now), now); }
  void begin_handover(int i, Nanos now) { apply(i, nodes_[i].begin_handover(now), now); }
  void run_until(Nanos end) {
    for (; now_ <= end; now_ += kMs) {
      for (int i = 0; i < 2; ++i) {
        if (nodes_[i].vips_release_at() <= now_) apply(i, nodes_[i].release_vips(now_), now_);
        if (running_[i] && nodes_[i].next_deadline() <= now_) {
          apply(i, nodes_[i].on_timer(now_), now_);
        }
      }
    }
  }
  Nanos now() const { return now_; }
  void set_now(Nanos now) { now_ = now; }
  std::vector<std::pair<int, State>> log;
  /// Total time during which no node held the VIPs (after the first node took them).
  Nanos no_holder_ns = 0;
  /// Longest time both nodes held the VIPs at once.
  Nanos both_holders_max_ns = 0;
  [[nodiscard]] bool holds(int i) const { return holding_[i]; }

 private:
  // The daemon's order: priority 0, remove VIPs, add VIPs, advert.
  void apply(int i, const Actions& a, Nanos now) {
    if (a.entered) {
      log.emplace_back(i, *a.entered);
      running_[i] = *a.entered != State::Initialize;
    }
    const int peer = 1 - i;
    auto send = [&](std::uint8_t prio) {
      const ReceivedAdvert adv{nodes_[i].params().primary_ip, prio,
                               nodes_[i].params().advert_int_cs, now};
      apply(peer, nodes_[peer].on_advert(adv, now), now);
    };
    if (a.send_priority_zero) send(0);
    if (a.remove_vips) set_holding(i, false, now);
    if (a.add_vips) set_holding(i, true, now);
    if (a.send_advert) send(nodes_[i].effective_priority());
  }
  void set_holding(int i, bool held, Nanos now) {
    const int before = int{holding_[0]} + int{holding_[1]};
    holding_[i] = held;
    const int after = int{holding_[0]} + int{holding_[1]};
    if (before == 0 && after > 0 && ever_held_) no_holder_ns += now - changed_at_;
    if (before == 2 && after < 2)
      both_holders_max_ns = std::max(both_holders_max_ns, now - changed_at_);
    if (before != after) changed_at_ = now;
    ever_held_ = ever_held_ || after > 0;
  }

  Instance nodes_[2];
  bool running_[2] = {false, false};
  bool holding_[2] = {false, false};
  bool ever_held_ = false;
  Nanos changed_at_ = 0;
  Nanos now_ = 0;
};

TEST(PairSimulation, ElectionFailoverAndPreemptingReturn) {
  InstanceParams high = params(2, 150, 100, "192.0.2.11");
  InstanceParams low = params(2, 100, 100, "192.0.2.12");
  Pair pair(high, low);
  pair.start(0, 0);
  pair.start(1, 0);
  pair.run_until(10 * kSec);
  EXPECT_EQ(pair[0].state(), State::Master);
  EXPECT_EQ(pair[1].state(), State::Backup);
  EXPECT_EQ(pair[1].master_ip(), ip("192.0.2.11"));

  // Graceful stop of the master: the backup takes over one skew later (prio 100: 609 ms).
  const Nanos stop_at = 10 * kSec + 500 * kMs;
  pair.set_now(stop_at);
  pair.stop(0, stop_at);
  pair.run_until(stop_at + 600 * kMs);
  EXPECT_EQ(pair[1].state(), State::Backup);
  pair.run_until(stop_at + 610 * kMs);
  EXPECT_EQ(pair[1].state(), State::Master);

  // The higher-priority node returns and preempts after its master-down interval.
  const Nanos back_at = 20 * kSec;
  pair.set_now(back_at);
  pair.start(0, back_at);
  pair.run_until(back_at + 3 * kSec);
  EXPECT_EQ(pair[0].state(), State::Backup);
  pair.run_until(back_at + 4 * kSec);
  EXPECT_EQ(pair[0].state(), State::Master);
  EXPECT_EQ(pair[1].state(), State::Backup);
  const std::vector<std::pair<int, State>> expected = {
      {0, State::Backup}, {1, State::Backup}, {0, State::Master}, {0, State::Initialize},
      {1, State::Master}, {0, State::Backup}, {0, State::Master}, {1, State::Backup}};
  EXPECT_EQ(pair.log, expected);
}

TEST(PairSimulation, V3TenMillisecondSteadyStateHasNoFlaps) {
  Pair pair(params(3, 150, 1, "192.0.2.11"), params(3, 100, 1, "192.0.2.12"));
  pair.start(0, 0);
  pair.start(1, 0);
  pair.run_until(60 * kSec);
  EXPECT_EQ(pair[0].state(), State::Master);
  EXPECT_EQ(pair[1].state(), State::Backup);
  EXPECT_EQ(pair[0].transitions(), 2u);
  EXPECT_EQ(pair[1].transitions(), 1u);
}

// ---- Live reconfiguration (reload) ----

TEST(Reconfigure, MasterWithRaisedPriorityStaysMasterAndAdvertisesAtOnce) {
  Instance inst = started_master(params(2, 100, 100));
  const std::uint64_t transitions = inst.transitions();
  const Nanos now = inst.next_deadline() - 300 * kMs;
  const Actions a = inst.reconfigure(params(2, 110, 100), now);
  EXPECT_TRUE(a.send_advert);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_FALSE(a.remove_vips);
  EXPECT_FALSE(a.add_vips);
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_EQ(inst.effective_priority(), 110);
  EXPECT_EQ(inst.master_priority(), 110);
  EXPECT_EQ(inst.transitions(), transitions);
  EXPECT_EQ(inst.next_deadline(), now + kSec);  // the schedule restarts from the advert just sent
}

TEST(Reconfigure, UnchangedPriorityIsNotAdvertised) {
  Instance inst = started_master(params(2, 100, 100));
  const Nanos deadline = inst.next_deadline();
  const Actions a = inst.reconfigure(params(2, 100, 100), deadline - kMs);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(inst.next_deadline(), deadline);
}

TEST(Reconfigure, KeepsTheTrackingDelta) {
  Instance inst = started_master(params(2, 100, 100));
  inst.set_priority_delta(-20, kSec);
  EXPECT_EQ(inst.effective_priority(), 80);
  inst.reconfigure(params(2, 110, 100), 2 * kSec);
  EXPECT_EQ(inst.effective_priority(), 90);
}

TEST(Reconfigure, BackupKeepsFollowingItsMaster) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.on_advert(advert("192.0.2.20", 150, 100, kSec), kSec);
  const Nanos deadline = inst.next_deadline();
  const Actions a = inst.reconfigure(params(2, 120, 100), kSec + kMs);
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_EQ(inst.next_deadline(), deadline);
  EXPECT_EQ(inst.effective_priority(), 120);
}

TEST(Reconfigure, BackupBecomingOwnerTakesOverAtOnce) {
  Instance inst = started_backup(params(2, 100, 100));
  const Actions a = inst.reconfigure(params(2, 255, 100), kSec);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.add_vips);
}

TEST(Reconfigure, MasterShorterIntervalTakesEffectAtOnce) {
  Instance inst = started_master(params(3, 100, 100));
  const Nanos now = inst.next_deadline() - 900 * kMs;
  inst.reconfigure(params(3, 100, 10), now);
  EXPECT_EQ(inst.next_deadline(), now + 100 * kMs);
  EXPECT_EQ(inst.master_adver_int_cs(), 10);
}

TEST(Reconfigure, V2BackupRearmsWithTheNewInterval) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.on_advert(advert("192.0.2.20", 150, 100, kSec), kSec);
  inst.reconfigure(params(2, 100, 200), kSec + kMs);
  EXPECT_EQ(inst.next_deadline(), kSec + inst.master_down_interval());
  EXPECT_EQ(inst.master_down_interval(), 6 * kSec + (256 - 100) * kSec / 256);
}

TEST(Reconfigure, RefusesIdentityChangesAndBadValuesWithoutChangingAnything) {
  Instance inst = started_master(params(2, 100, 100));
  InstanceParams other_vrid = params(2, 110, 100);
  other_vrid.vrid = 52;
  EXPECT_THROW(inst.reconfigure(other_vrid, kSec), std::invalid_argument);
  EXPECT_THROW(inst.reconfigure(params(3, 110, 100), kSec), std::invalid_argument);
  EXPECT_THROW(inst.reconfigure(params(2, 110, 150), kSec), std::invalid_argument);
  EXPECT_EQ(inst.effective_priority(), 100);
  EXPECT_EQ(inst.advert_int_cs(), 100);
}

TEST(PrimaryIp, TieBreakFollowsTheCurrentAddress) {
  // Equal priorities: the higher primary address wins (RFC 5798 §6.4.3).
  Instance inst = started_master(params(2, 100, 100, "192.0.2.10"));
  inst.set_primary_ip(ip("192.0.2.30"));
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.30"));
  const Nanos t = inst.next_deadline() - kMs;
  // 192.0.2.20 is lower than our new address: we stay Master.
  EXPECT_FALSE(inst.on_advert(advert("192.0.2.20", 100, 100, t), t).entered.has_value());
  inst.set_primary_ip(ip("192.0.2.5"));
  const Actions a = inst.on_advert(advert("192.0.2.20", 100, 100, t + kMs), t + kMs);
  EXPECT_EQ(a.entered, State::Backup);
}

// ---- Instant takeover (one possible successor) ----

InstanceParams instant(InstanceParams p, bool on = true) {
  p.instant_takeover = on;
  return p;
}

TEST(InstantTakeover, PriorityZeroMakesMasterAtOnce) {
  Instance inst = started_backup(instant(params(2, 50, 100)));
  inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  const Nanos rx = 1500 * kMs;
  const Actions a = inst.on_advert(advert("192.0.2.20", 0, 100, rx), rx + kMs);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.add_vips);
  EXPECT_TRUE(a.send_advert);
  EXPECT_TRUE(a.start_garp);
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_EQ(inst.next_deadline(), rx + kMs + kSec);  // regular adverts from the takeover on
}

TEST(InstantTakeover, OffWaitsSkewTime) {
  Instance inst = started_backup(instant(params(2, 50, 100), false));
  inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  const Nanos rx = 1500 * kMs;
  const Actions a = inst.on_advert(advert("192.0.2.20", 0, 100, rx), rx);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_EQ(inst.next_deadline(), rx + inst.skew_time());  // (256 - 50) / 256 s = 804.7 ms
  EXPECT_EQ(inst.skew_time(), 804'687'500);
}

TEST(InstantTakeover, OnlyPriorityZeroTriggersIt) {
  Instance inst = started_backup(instant(params(2, 50, 100)));
  const Actions a = inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(inst.next_deadline(), kSec + inst.master_down_interval());
}

TEST(InstantTakeover, ReconfigureTurnsItOn) {
  Instance inst = started_backup(params(2, 50, 100));
  inst.reconfigure(instant(params(2, 50, 100)), kSec);
  EXPECT_EQ(inst.on_advert(advert("192.0.2.20", 0, 100, 2 * kSec), 2 * kSec).entered,
            State::Master);
}

TEST(Backup, RepeatedPriorityZeroDoesNotPostponeTakeover) {
  Instance inst = started_backup(params(2, 50, 100));
  inst.on_advert(advert("192.0.2.20", 100, 100, kSec), kSec);
  const Nanos rx = 2 * kSec;
  inst.on_advert(advert("192.0.2.20", 0, 100, rx), rx);
  const Nanos deadline = rx + inst.skew_time();
  inst.on_advert(advert("192.0.2.20", 0, 100, rx + 250 * kMs), rx + 250 * kMs);
  inst.on_advert(advert("192.0.2.20", 0, 100, rx + 500 * kMs), rx + 500 * kMs);
  EXPECT_EQ(inst.next_deadline(), deadline);
  EXPECT_EQ(inst.on_timer(deadline).entered, State::Master);
}

// ---- Crash resume ----

TEST(Resume, StartsAsMasterWithAnAdvertAndNoResignation) {
  Instance inst(params(3, 100, 100));
  const Nanos t0 = 5 * kSec;
  const Actions a = inst.resume_master(t0);
  EXPECT_EQ(a.left, State::Initialize);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_TRUE(a.send_advert);
  EXPECT_TRUE(a.add_vips);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_EQ(inst.next_deadline(), t0 + inst.advert_interval());
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.10"));
  // A master like any other: a higher priority advert sends it to Backup.
  EXPECT_EQ(inst.on_advert(advert("192.0.2.20", 200, 100, t0 + kMs), t0 + kMs).entered,
            State::Backup);
}

TEST(Resume, FaultedOrStartedInstanceStartsNormally) {
  Instance faulted(params(2, 100, 100));
  faulted.set_fault(true, 0);
  EXPECT_EQ(faulted.resume_master(kSec).entered, State::Fault);

  Instance running = started_backup(params(2, 100, 100));
  const Nanos deadline = running.next_deadline();
  EXPECT_TRUE(running.resume_master(kSec).empty());
  EXPECT_EQ(running.state(), State::Backup);
  EXPECT_EQ(running.next_deadline(), deadline);

  Instance plain(params(2, 100, 100));
  EXPECT_EQ(plain.resume_master(kSec).entered, State::Master);
}

// ---- On-demand handover and maintenance ----

TEST(HandOver, BecomesBackupAtTheNewMasterAndHoldsPreemption) {
  Instance inst = started_master(params(2, 100, 100));
  const Nanos t0 = 30 * kSec;
  const Actions a = inst.hand_over(t0);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_TRUE(inst.handing_over());
  EXPECT_EQ(inst.handover_began(), t0);
  EXPECT_TRUE(inst.hand_over(t0 + kMs).empty());
  // The successor has a lower priority: still the new master.
  const Nanos rx = t0 + 3 * kMs;
  const Actions b = inst.on_advert(advert("192.0.2.20", 50, 100, rx), rx);
  EXPECT_EQ(b.left, State::Master);
  EXPECT_EQ(b.entered, State::Backup);
  EXPECT_FALSE(b.remove_vips);  // after the release linger
  EXPECT_TRUE(b.stop_garp);
  EXPECT_FALSE(b.send_advert);
  EXPECT_TRUE(inst.preempt_held());
  EXPECT_EQ(inst.next_deadline(), rx + inst.master_down_interval());
  EXPECT_EQ(inst.vips_release_at(), rx + kReleaseLingerMax);
  EXPECT_TRUE(inst.release_vips(rx + kReleaseLingerMax).remove_vips);
  // Its adverts are accepted despite the lower priority: no preemption back.
  for (int i = 1; i <= 10; ++i) {
    const Nanos t = rx + i * kSec;
    EXPECT_TRUE(inst.on_advert(advert("192.0.2.20", 50, 100, t), t).empty());
    EXPECT_EQ(inst.next_deadline(), t + inst.master_down_interval());
  }
  // A reload ends the hold: the next lower-priority advert is ignored (preemption).
  inst.reconfigure(params(2, 100, 100), rx + 11 * kSec);
  EXPECT_FALSE(inst.preempt_held());
  const Nanos last = rx + 10 * kSec;
  inst.on_advert(advert("192.0.2.20", 50, 100, rx + 12 * kSec), rx + 12 * kSec);
  EXPECT_EQ(inst.next_deadline(), last + inst.master_down_interval());
}

TEST(HandOver, HoldEndsWhenTheNewMasterGoes) {
  Instance inst = started_master(params(2, 100, 100));
  inst.hand_over(30 * kSec);
  inst.on_advert(advert("192.0.2.20", 50, 100, 30 * kSec + kMs), 30 * kSec + kMs);
  ASSERT_TRUE(inst.preempt_held());
  // The new master resigns in turn: taken back (after Skew_Time, no instant takeover here).
  const Nanos rx = 40 * kSec;
  inst.on_advert(advert("192.0.2.20", 0, 100, rx), rx);
  EXPECT_EQ(inst.on_timer(inst.next_deadline()).entered, State::Master);
  EXPECT_FALSE(inst.preempt_held());
}

TEST(HandOver, NobodyTakesOverSoItStaysMaster) {
  Instance inst = started_master(params(3, 100, 10));
  const Nanos t0 = 30 * kSec;
  inst.hand_over(t0);
  const Nanos bound = t0 + inst.master_down_interval();
  Actions last;
  int zeros = 1;
  for (Nanos t = inst.next_deadline(); t <= bound; t = inst.next_deadline()) {
    last = inst.on_timer(t);
    EXPECT_FALSE(last.remove_vips);
    EXPECT_FALSE(last.entered.has_value());
    if (last.send_priority_zero) ++zeros;
    if (!inst.handing_over()) break;
  }
  EXPECT_EQ(zeros, kHandoverResigns);
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_TRUE(last.send_advert);
  EXPECT_TRUE(last.start_garp);
  EXPECT_EQ(inst.next_deadline(), bound + inst.advert_interval());
  // Regular adverts again.
  EXPECT_TRUE(inst.on_timer(inst.next_deadline()).send_advert);
}

TEST(HandOver, OnlyAMasterHandsOver) {
  Instance backup = started_backup(params(2, 100, 100));
  EXPECT_TRUE(backup.hand_over(kSec).empty());
  EXPECT_EQ(backup.state(), State::Backup);
  Instance fresh(params(2, 100, 100));
  EXPECT_TRUE(fresh.hand_over(kSec).empty());
  EXPECT_EQ(fresh.state(), State::Initialize);
}

TEST(HandOver, StopDuringItEndsInInitialize) {
  Instance inst = started_master(params(2, 100, 100));
  inst.hand_over(30 * kSec);
  const Actions a = inst.stop(30 * kSec + kMs);
  EXPECT_EQ(a.entered, State::Initialize);
  EXPECT_TRUE(a.remove_vips);
}

TEST(Maintenance, MasterHandsOverAndNeverTakesBack) {
  InstanceParams p = params(2, 100, 100);
  p.instant_takeover = true;
  Instance inst = started_master(p);
  const Nanos t0 = 30 * kSec;
  const Actions a = inst.set_maintenance(true, t0);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_TRUE(inst.maintenance());
  EXPECT_EQ(inst.on_advert(advert("192.0.2.20", 50, 100, t0 + kMs), t0 + kMs).entered,
            State::Backup);
  EXPECT_FALSE(inst.preempt_held());  // maintenance itself holds
  // Priority 0 from the new master, its down timer, take_over, force_master: all stay Backup.
  const Nanos t1 = t0 + 5 * kSec;
  EXPECT_FALSE(inst.on_advert(advert("192.0.2.20", 0, 100, t1), t1).entered.has_value());
  for (int i = 0; i < 3; ++i) {
    const Nanos t = inst.next_deadline();
    EXPECT_FALSE(inst.on_timer(t).entered.has_value());
    EXPECT_EQ(inst.next_deadline(), t + inst.master_down_interval());
  }
  EXPECT_TRUE(inst.take_over(t1 + 20 * kSec, "bfd").empty());
  EXPECT_TRUE(inst.force_master(t1 + 20 * kSec).empty());
  EXPECT_EQ(inst.state(), State::Backup);
  // Off: the down timer takes over again.
  inst.set_maintenance(false, t1 + 21 * kSec);
  EXPECT_EQ(inst.on_timer(inst.next_deadline()).entered, State::Master);
}

TEST(Maintenance, BackupAcceptsLowerPriorityMastersUntilOff) {
  Instance inst = started_backup(params(2, 100, 100));
  inst.set_maintenance(true, kSec);
  const Nanos rx = 2 * kSec;
  inst.on_advert(advert("192.0.2.20", 50, 100, rx), rx);
  EXPECT_EQ(inst.next_deadline(), rx + inst.master_down_interval());
  inst.set_maintenance(false, 3 * kSec);
  inst.on_advert(advert("192.0.2.20", 50, 100, 3 * kSec), 3 * kSec);
  EXPECT_EQ(inst.next_deadline(), rx + inst.master_down_interval());  // ignored: preempting
}

TEST(Maintenance, OwnerAndResumeStartAsBackup) {
  Instance owner(params(2, 255, 100));
  owner.set_maintenance(true, 0);
  EXPECT_EQ(owner.start(0).entered, State::Backup);
  Instance resumed(params(2, 100, 100));
  resumed.set_maintenance(true, 0);
  EXPECT_EQ(resumed.resume_master(0).entered, State::Backup);
  Instance faulted(params(2, 255, 100));
  faulted.set_fault(true, 0);
  faulted.start(0);
  faulted.set_maintenance(true, kSec);
  EXPECT_EQ(faulted.set_fault(false, 2 * kSec).entered, State::Backup);
  EXPECT_TRUE(faulted.reconfigure(params(2, 255, 100), 3 * kSec).empty());
  EXPECT_EQ(faulted.state(), State::Backup);
}

TEST(Maintenance, NoSuccessorLeavesItMaster) {
  Instance inst = started_master(params(2, 100, 100));
  inst.set_maintenance(true, 30 * kSec);
  while (inst.handing_over()) inst.on_timer(inst.next_deadline());
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_TRUE(inst.maintenance());
}

// ---- Planned stop: make-before-break ----

TEST(Handover, MasterKeepsVipsAndResignsThreeTimes) {
  Instance inst = started_master(params(2, 100, 100));
  const Nanos t0 = 30 * kSec;
  const Actions a = inst.begin_handover(t0);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_FALSE(a.stop_garp);
  EXPECT_FALSE(a.entered.has_value());
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_TRUE(inst.handing_over());
  EXPECT_TRUE(inst.begin_handover(t0 + kMs).empty());  // a second request changes nothing

  int resigns = 1;
  Nanos t = inst.next_deadline();
  EXPECT_EQ(t, t0 + 250 * kMs);
  while (t < t0 + 2 * kSec) {
    const Actions r = inst.on_timer(t);
    EXPECT_FALSE(r.send_advert);
    EXPECT_FALSE(r.remove_vips);
    if (r.send_priority_zero) ++resigns;
    t = inst.next_deadline();
  }
  EXPECT_EQ(resigns, kHandoverResigns);
  EXPECT_EQ(inst.state(), State::Master);
  EXPECT_EQ(inst.next_deadline(), t0 + inst.master_down_interval());
}

TEST(Handover, EndsAtTheNewMastersAdvertFromAnySource) {
  Instance inst = started_master(params(2, 100, 100));
  const Nanos t0 = 30 * kSec;
  inst.begin_handover(t0);
  // Another resignation does not count as a new master.
  EXPECT_TRUE(inst.on_advert(advert("192.0.2.30", 0, 100, t0 + kMs), t0 + kMs).empty());
  // Lower priority than ours: not answered, it is the successor.
  const Actions a = inst.on_advert(advert("192.0.2.20", 50, 100, t0 + 2 * kMs), t0 + 2 * kMs);
  EXPECT_EQ(a.entered, State::Initialize);
  EXPECT_FALSE(a.remove_vips);  // after the release linger
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), kNever);
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));
  const Nanos heard = t0 + 2 * kMs;
  EXPECT_EQ(inst.vips_release_at(), heard + kReleaseLingerMax);
  EXPECT_TRUE(inst.release_vips(heard + kReleaseLingerMax - 1).empty());
  const Actions r = inst.release_vips(heard + kReleaseLingerMax);
  EXPECT_TRUE(r.remove_vips);
  EXPECT_FALSE(r.entered);
  EXPECT_EQ(inst.vips_release_at(), kNever);
}

TEST(Handover, ReleaseLingerIsOneAdvertIntervalAtMost) {
  Instance inst = started_master(params(3, 100, 1));  // 10 ms adverts
  const Nanos t0 = 30 * kSec;
  inst.begin_handover(t0);
  inst.on_advert(advert("192.0.2.20", 50, 1, t0 + kMs), t0 + kMs);
  EXPECT_EQ(inst.vips_release_at(), t0 + kMs + inst.advert_interval());
}

TEST(Handover, StopOrTakingBackEndsTheReleaseLinger) {
  {
    Instance inst = started_master(params(2, 100, 100));
    inst.begin_handover(30 * kSec);
    inst.on_advert(advert("192.0.2.20", 50, 100, 30 * kSec + kMs), 30 * kSec + kMs);
    // Shutdown while the VIPs linger: they go at once, even from Initialize.
    EXPECT_TRUE(inst.stop(30 * kSec + 2 * kMs).remove_vips);
    EXPECT_EQ(inst.vips_release_at(), kNever);
  }
  {
    Instance inst = started_master(params(2, 100, 100));
    inst.hand_over(30 * kSec);
    inst.on_advert(advert("192.0.2.20", 50, 100, 30 * kSec + kMs), 30 * kSec + kMs);
    ASSERT_EQ(inst.state(), State::Backup);
    // The new master fails at once and this node takes the role back: the VIPs stay.
    const Actions a = inst.take_over(30 * kSec + 2 * kMs, "test");
    EXPECT_EQ(a.entered, State::Master);
    EXPECT_TRUE(a.add_vips);
    EXPECT_FALSE(a.remove_vips);
    EXPECT_EQ(inst.vips_release_at(), kNever);
  }
  {
    Instance inst = started_master(params(2, 100, 100));
    inst.hand_over(30 * kSec);
    inst.on_advert(advert("192.0.2.20", 50, 100, 30 * kSec + kMs), 30 * kSec + kMs);
    // A fault while they linger: FAULT holds no VIPs outside its own window.
    const Actions f = inst.set_fault(true, 30 * kSec + 2 * kMs, FaultCause::Service);
    EXPECT_EQ(f.entered, State::Fault);
    EXPECT_TRUE(f.remove_vips);
    EXPECT_EQ(inst.vips_release_at(), kNever);
  }
}

TEST(Handover, EndsAtTheBoundWhenNobodyTakesOver) {
  Instance inst = started_master(params(3, 100, 1));
  const Nanos t0 = 30 * kSec;
  inst.begin_handover(t0);
  const Nanos bound = t0 + inst.master_down_interval();
  Nanos t = inst.next_deadline();
  Actions last;
  while (t != kNever) {
    EXPECT_LE(t, bound);
    last = inst.on_timer(t);
    if (last.entered) break;
    t = inst.next_deadline();
  }
  EXPECT_EQ(t, bound);
  EXPECT_EQ(last.entered, State::Initialize);
  EXPECT_TRUE(last.remove_vips);
}

TEST(Handover, PriorityChangeIsNotAdvertisedWhileResigning) {
  Instance inst = started_master(params(2, 100, 100));
  inst.begin_handover(30 * kSec);
  EXPECT_FALSE(inst.set_priority_delta(-10, 30 * kSec + kMs).send_advert);
  EXPECT_FALSE(inst.reconfigure(params(2, 120, 100), 30 * kSec + 2 * kMs).send_advert);
  EXPECT_TRUE(inst.handing_over());
}

TEST(Handover, FaultOrForcedStopEndsIt) {
  Instance faulted = started_master(params(2, 100, 100));
  faulted.begin_handover(30 * kSec);
  const Actions f = faulted.set_fault(true, 30 * kSec + kMs);
  EXPECT_EQ(f.entered, State::Fault);
  EXPECT_TRUE(f.remove_vips);
  EXPECT_FALSE(faulted.handing_over());

  Instance forced = started_master(params(2, 100, 100));
  forced.begin_handover(30 * kSec);
  const Actions s = forced.stop(30 * kSec + kMs);
  EXPECT_EQ(s.entered, State::Initialize);
  EXPECT_TRUE(s.remove_vips);
  EXPECT_FALSE(forced.handing_over());
}

TEST(Handover, BackupAndFaultStopAtOnce) {
  Instance backup = started_backup(params(2, 100, 100));
  const Actions b = backup.begin_handover(kSec);
  EXPECT_EQ(b.entered, State::Initialize);
  EXPECT_FALSE(b.send_priority_zero);
  EXPECT_FALSE(backup.handing_over());

  Instance fault = started_backup(params(2, 100, 100));
  fault.set_fault(true, kSec);
  EXPECT_EQ(fault.begin_handover(2 * kSec).entered, State::Initialize);
}

TEST(PairSimulation, StopWithoutHandoverLeavesNoHolderForSkewTime) {
  Pair pair(params(2, 100, 100, "192.0.2.11"), params(2, 50, 100, "192.0.2.12"));
  pair.start(0, 0);
  pair.start(1, 0);
  pair.run_until(10 * kSec);
  ASSERT_TRUE(pair.holds(0));
  const Nanos stop_at = 10 * kSec + 500 * kMs;
  pair.set_now(stop_at);
  pair.stop(0, stop_at);
  pair.run_until(stop_at + 2 * kSec);
  EXPECT_EQ(pair[1].state(), State::Master);
  EXPECT_GE(pair.no_holder_ns, pair[1].skew_time());
}

TEST(PairSimulation, HandoverWithInstantTakeoverHasNoGap) {
  Pair pair(instant(params(2, 100, 100, "192.0.2.11")), instant(params(2, 50, 100, "192.0.2.12")));
  pair.start(0, 0);
  pair.start(1, 0);
  pair.run_until(10 * kSec);
  ASSERT_TRUE(pair.holds(0));
  const Nanos stop_at = 10 * kSec + 500 * kMs;
  pair.set_now(stop_at);
  pair.begin_handover(0, stop_at);
  EXPECT_EQ(pair[1].state(), State::Master);
  EXPECT_EQ(pair[0].state(), State::Initialize);
  EXPECT_TRUE(pair.holds(0));  // the release linger
  EXPECT_TRUE(pair.holds(1));
  pair.run_until(stop_at + 5 * kSec);
  EXPECT_FALSE(pair.holds(0));
  EXPECT_EQ(pair.no_holder_ns, 0);
  EXPECT_GT(pair.both_holders_max_ns, 0);
  EXPECT_LE(pair.both_holders_max_ns, kReleaseLingerMax + kMs);
  EXPECT_LE(pair.both_holders_max_ns, pair[1].advert_interval());
}

TEST(PairSimulation, HandoverWithSkewKeepsTheVipsUntilTheBackupTookOver) {
  Pair pair(params(2, 100, 100, "192.0.2.11"), params(2, 50, 100, "192.0.2.12"));
  pair.start(0, 0);
  pair.start(1, 0);
  pair.run_until(10 * kSec);
  const Nanos stop_at = 10 * kSec + 500 * kMs;
  pair.set_now(stop_at);
  pair.begin_handover(0, stop_at);
  pair.run_until(stop_at + 5 * kSec);
  EXPECT_EQ(pair[1].state(), State::Master);
  EXPECT_EQ(pair[0].state(), State::Initialize);
  EXPECT_EQ(pair.no_holder_ns, 0);
  // Repeated priority 0 did not postpone the takeover past one Skew_Time (+ 1 ms step).
  EXPECT_LE(pair.both_holders_max_ns, pair[1].skew_time() + kMs);
}

// ---- Deferring an expired master-down timer (the quiet-path rule) ----

TEST(DeferMasterDown, BackupWaitsUntilTheNewDeadline) {
  Instance inst = started_backup(params(3, 100, 1));
  const Nanos mdi = inst.next_deadline();
  ASSERT_TRUE(inst.defer_master_down(mdi + 10'000'000));
  EXPECT_EQ(inst.next_deadline(), mdi + 10'000'000);
  // The old deadline does nothing now; the new one takes over.
  EXPECT_FALSE(inst.on_timer(mdi).entered.has_value());
  EXPECT_EQ(inst.on_timer(mdi + 10'000'000).entered, State::Master);
}

TEST(DeferMasterDown, AnAdvertDuringTheWaitReArmsAsUsual) {
  Instance inst = started_backup(params(3, 100, 1));
  const Nanos mdi = inst.next_deadline();
  ASSERT_TRUE(inst.defer_master_down(mdi + 10'000'000));
  inst.on_advert(advert("192.0.2.20", 200, 1, mdi + 1'000'000), mdi + 1'000'000);
  EXPECT_EQ(inst.state(), State::Backup);
  EXPECT_EQ(inst.next_deadline(), mdi + 1'000'000 + inst.master_down_interval());
}

TEST(DeferMasterDown, RefusedOutsideBackupOrForAnEarlierDeadline) {
  Instance backup = started_backup(params(3, 100, 1));
  EXPECT_FALSE(backup.defer_master_down(backup.next_deadline() - 1));
  EXPECT_FALSE(backup.defer_master_down(backup.next_deadline()));
  Instance master = started_master(params(3, 100, 1));
  const Nanos before = master.next_deadline();
  EXPECT_FALSE(master.defer_master_down(before + kSec));
  EXPECT_EQ(master.next_deadline(), before);
}

}  // namespace
}  // namespace xvrrp::core
