// SPDX-License-Identifier: GPL-2.0-or-later
// A MASTER entering FAULT: make-before-break when the VIPs can still be served
// (FaultCause::Service), at once when they cannot (FaultCause::LinkDown). Fake clock.
#include <gtest/gtest.h>

#include "core/vrrp_instance.hpp"

namespace xvrrp::core {
namespace {

constexpr Nanos kMs = 1'000'000;
constexpr Nanos kSec = kNanosPerSecond;

IpAddress ip(const char* text) {
  auto parsed = IpAddress::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(IpAddress{});
}

InstanceParams params(std::uint8_t priority = 150, std::uint16_t advert_int_cs = 100) {
  InstanceParams p;
  p.name = "VI_fault";
  p.vrid = 51;
  p.version = 3;
  p.base_priority = priority;
  p.advert_int_cs = advert_int_cs;
  p.primary_ip = ip("192.0.2.10");
  return p;
}

ReceivedAdvert advert(std::uint8_t priority, Nanos rx_ns, const char* src = "192.0.2.20") {
  return ReceivedAdvert{ip(src), priority, 100, rx_ns};
}

// Master since t = MDI; returns that time through `since`.
Instance master(Nanos& since, InstanceParams p = params()) {
  Instance inst(std::move(p));
  inst.start(0);
  since = inst.next_deadline();
  EXPECT_EQ(inst.on_timer(since).entered, State::Master);
  return inst;
}

// The Actions of a Master entering FAULT by `cause` at `now`.
Actions fault(Instance& inst, Nanos now, FaultCause cause) {
  return inst.set_fault(true, now, cause);
}

TEST(FaultHandover, ServiceFaultKeepsVipsAndReportsFaultAtOnce) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + 5 * kSec;
  const Actions a = fault(inst, now, FaultCause::Service);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_EQ(a.left, State::Master);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_FALSE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_TRUE(inst.faulted());
  EXPECT_TRUE(inst.fault_releasing());
  EXPECT_TRUE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), now + inst.advert_interval() / 4);
}

TEST(FaultHandover, PriorityZeroRepeatedThenNoRegularAdverts) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  const Nanos bound = now + inst.master_down_interval();
  int resigns = 1;
  Nanos t = inst.next_deadline();
  while (t < bound) {
    const Actions a = inst.on_timer(t);
    EXPECT_FALSE(a.send_advert);
    EXPECT_FALSE(a.remove_vips);
    EXPECT_FALSE(a.entered);
    if (a.send_priority_zero) ++resigns;
    t = inst.next_deadline();
  }
  EXPECT_EQ(resigns, kHandoverResigns);
  EXPECT_EQ(t, bound);
}

TEST(FaultHandover, NewMasterHeardReleasesVips) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  // Another resignation is not a successor.
  EXPECT_TRUE(inst.on_advert(advert(0, now + kMs), now + kMs).empty());
  EXPECT_TRUE(inst.fault_releasing());
  const Nanos heard = now + 20 * kMs;
  const Actions a = inst.on_advert(advert(100, heard), heard);
  EXPECT_FALSE(a.remove_vips);  // the release linger keeps them a little longer
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.entered);  // already FAULT
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_FALSE(inst.fault_releasing());
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), kNever);
  EXPECT_EQ(inst.master_ip(), ip("192.0.2.20"));
  EXPECT_EQ(inst.vips_release_at(), heard + kReleaseLingerMax);
  EXPECT_TRUE(inst.release_vips(heard + kReleaseLingerMax - 1).empty());
  EXPECT_TRUE(inst.release_vips(heard + kReleaseLingerMax).remove_vips);
  EXPECT_EQ(inst.vips_release_at(), kNever);
  // Any source: a third router taking over ends it too; nothing more happens afterwards.
  EXPECT_TRUE(inst.on_advert(advert(100, now + 30 * kMs, "192.0.2.30"), now + 30 * kMs).empty());
  EXPECT_TRUE(inst.on_timer(now + 100 * kSec).empty());
}

TEST(FaultHandover, SuccessorFromAnotherSourceReleasesToo) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  fault(inst, t0 + kSec, FaultCause::Service);
  const Actions a = inst.on_advert(advert(90, t0 + kSec + kMs, "192.0.2.30"), t0 + kSec + kMs);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_NE(inst.vips_release_at(), kNever);
  EXPECT_FALSE(inst.fault_releasing());
}

TEST(FaultHandover, BoundExpiryReleasesVipsAndStaysFault) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  const Nanos bound = now + inst.master_down_interval();
  Actions a;
  for (Nanos t = inst.next_deadline(); t < bound; t = inst.next_deadline()) a = inst.on_timer(t);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_TRUE(inst.on_timer(bound - 1).empty());
  a = inst.on_timer(bound);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_advert);  // unlike hand_over(): FAULT never serves on
  EXPECT_FALSE(a.start_garp);
  EXPECT_FALSE(a.entered);
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), kNever);
}

TEST(FaultHandover, LinkDownReleasesAtOnce) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Actions a = fault(inst, t0 + kSec, FaultCause::LinkDown);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_TRUE(a.send_priority_zero);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(inst.fault_releasing());
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), kNever);
}

TEST(FaultHandover, DefaultCauseIsLinkDown) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Actions a = inst.set_fault(true, t0 + kSec);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_FALSE(inst.fault_releasing());
}

TEST(FaultHandover, LinkGoingDownDuringTheWindowReleasesAtOnce) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  EXPECT_TRUE(inst.set_fault(true, now + kMs, FaultCause::Service).empty());  // idempotent
  const Actions a = inst.set_fault(true, now + 2 * kMs, FaultCause::LinkDown);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.entered);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_FALSE(inst.fault_releasing());
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_TRUE(inst.set_fault(true, now + 3 * kMs, FaultCause::LinkDown).empty());
}

TEST(FaultHandover, FaultClearedMidWindowGoesBackupWithoutVips) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  inst.on_timer(inst.next_deadline());  // one repeat
  const Nanos clear = now + 300 * kMs;
  const Actions a = inst.set_fault(false, clear);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_EQ(a.left, State::Fault);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.add_vips);
  EXPECT_FALSE(a.send_advert);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_FALSE(inst.handing_over());
  EXPECT_EQ(inst.next_deadline(), clear + inst.master_down_interval());
  // The successor's advert is then an ordinary one for a Backup.
  const Actions b = inst.on_advert(advert(100, clear + kMs), clear + kMs);
  EXPECT_FALSE(b.remove_vips);
  EXPECT_EQ(inst.state(), State::Backup);
}

TEST(FaultHandover, FaultClearedAfterTheReleaseIsTodaysRecovery) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  inst.on_advert(advert(100, now + 10 * kMs), now + 10 * kMs);
  inst.release_vips(inst.vips_release_at());
  const Actions a = inst.set_fault(false, now + kSec);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_FALSE(a.remove_vips);  // already gone
  EXPECT_EQ(inst.next_deadline(), now + kSec + inst.master_down_interval());
}

TEST(FaultHandover, OwnerClearedMidWindowServesOn) {
  Nanos t0 = 0;
  Instance inst(params(255));
  EXPECT_EQ(inst.start(0).entered, State::Master);
  fault(inst, kSec, FaultCause::Service);
  EXPECT_TRUE(inst.fault_releasing());
  const Actions a = inst.set_fault(false, kSec + 100 * kMs);
  EXPECT_EQ(a.entered, State::Master);
  EXPECT_FALSE(a.remove_vips);
  EXPECT_TRUE(a.add_vips);
  EXPECT_TRUE(a.send_advert);
  EXPECT_FALSE(inst.handing_over());
  (void)t0;
}

TEST(FaultHandover, BackupToFaultUnchangedWhateverTheCause) {
  for (const FaultCause cause : {FaultCause::Service, FaultCause::LinkDown}) {
    Instance inst(params());
    inst.start(0);
    const Actions a = inst.set_fault(true, kSec, cause);
    EXPECT_EQ(a.entered, State::Fault);
    EXPECT_FALSE(a.send_priority_zero);
    EXPECT_FALSE(a.remove_vips);
    EXPECT_FALSE(a.stop_garp);
    EXPECT_FALSE(inst.fault_releasing());
    EXPECT_EQ(inst.next_deadline(), kNever);
    EXPECT_TRUE(inst.on_advert(advert(100, 2 * kSec), 2 * kSec).empty());
    EXPECT_TRUE(inst.on_timer(100 * kSec).empty());
  }
}

TEST(FaultHandover, BeforeStartOnlyTheFlag) {
  Instance inst(params());
  EXPECT_TRUE(inst.set_fault(true, 0, FaultCause::Service).empty());
  EXPECT_EQ(inst.start(0).entered, State::Fault);
  EXPECT_FALSE(inst.fault_releasing());
}

TEST(FaultHandover, StopDuringTheWindowRemovesTheVips) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  fault(inst, t0 + kSec, FaultCause::Service);
  const Actions a = inst.stop(t0 + kSec + kMs);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_TRUE(a.stop_garp);
  EXPECT_FALSE(a.send_priority_zero);
  EXPECT_EQ(a.entered, State::Initialize);
  EXPECT_FALSE(inst.handing_over());
}

TEST(FaultHandover, PlannedStopDuringTheWindowLetsItRun) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  EXPECT_TRUE(inst.begin_handover(now + kMs).empty());
  EXPECT_TRUE(inst.handing_over());
  EXPECT_TRUE(inst.on_advert(advert(100, now + 5 * kMs), now + 5 * kMs).stop_garp);
  EXPECT_FALSE(inst.handing_over());
  EXPECT_TRUE(inst.release_vips(inst.vips_release_at()).remove_vips);
  // Afterwards a planned stop is as from any FAULT.
  const Actions s = inst.begin_handover(now + kSec);
  EXPECT_EQ(s.entered, State::Initialize);
  EXPECT_FALSE(s.remove_vips);
}

TEST(FaultHandover, FaultDuringAPlannedHandoverKeepsItsBound) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos began = t0 + kSec;
  inst.begin_handover(began);
  const Nanos bound = began + inst.master_down_interval();
  inst.on_timer(inst.next_deadline());  // second priority 0
  const Actions a = fault(inst, began + 300 * kMs, FaultCause::Service);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_FALSE(a.send_priority_zero);  // already on the wire
  EXPECT_FALSE(a.remove_vips);
  int resigns = 0;
  Nanos t = inst.next_deadline();
  while (t < bound) {
    if (inst.on_timer(t).send_priority_zero) ++resigns;
    t = inst.next_deadline();
  }
  EXPECT_EQ(resigns, kHandoverResigns - 2);
  EXPECT_TRUE(inst.on_timer(bound).remove_vips);
  EXPECT_EQ(inst.state(), State::Fault);
}

TEST(FaultHandover, FaultDuringOnDemandHandoverNeverStaysMaster) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos began = t0 + kSec;
  inst.hand_over(began);
  fault(inst, began + 10 * kMs, FaultCause::Service);
  const Nanos bound = began + inst.master_down_interval();
  for (Nanos t = inst.next_deadline(); t < bound; t = inst.next_deadline()) inst.on_timer(t);
  const Actions a = inst.on_timer(bound);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_FALSE(a.send_advert);
  EXPECT_EQ(inst.state(), State::Fault);
  EXPECT_FALSE(inst.preempt_held());
}

TEST(FaultHandover, FaultDuringOnDemandHandoverByLinkReleasesAtOnce) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  inst.hand_over(t0 + kSec);
  const Actions a = fault(inst, t0 + kSec + kMs, FaultCause::LinkDown);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_EQ(a.entered, State::Fault);
  EXPECT_FALSE(inst.handing_over());
}

TEST(FaultHandover, BoundIsMasterDownIntervalOfTheFaultingMaster) {
  Nanos t0 = 0;
  Instance inst = master(t0, params(200, 50));
  const Nanos mdi = inst.master_down_interval();
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  Nanos last = 0;
  for (Nanos t = inst.next_deadline(); inst.handing_over(); t = inst.next_deadline()) {
    last = t;
    inst.on_timer(t);
  }
  EXPECT_EQ(last, now + mdi);
}

TEST(FaultHandover, FaultClearedDuringTheReleaseLingerRemovesTheVips) {
  Nanos t0 = 0;
  Instance inst = master(t0);
  const Nanos now = t0 + kSec;
  fault(inst, now, FaultCause::Service);
  inst.on_advert(advert(100, now + 10 * kMs), now + 10 * kMs);
  ASSERT_NE(inst.vips_release_at(), kNever);
  const Actions a = inst.set_fault(false, now + 11 * kMs);
  EXPECT_EQ(a.entered, State::Backup);
  EXPECT_TRUE(a.remove_vips);
  EXPECT_EQ(inst.vips_release_at(), kNever);
}

}  // namespace
}  // namespace xvrrp::core
