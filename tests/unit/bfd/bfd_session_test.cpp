// SPDX-License-Identifier: GPL-2.0-or-later
// RFC 5880 session scenarios on a fake clock: three-way bring-up (§6.2), detection expiry
// (§6.8.4), remote AdminDown (§6.8.6), Poll/Final on a timer change (§6.5, §6.8.3), the
// passive role (§6.1), jitter (§6.8.7) and idle_tx. No wall clock: every time is a value.
#include "core/bfd_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace xvrrp::core::bfd {
namespace {

constexpr Nanos kMs = 1'000'000;

/// Jitter source with no reduction (0) or the largest one (UINT32_MAX).
Random fixed(std::uint32_t v) {
  return [v] { return v; };
}

SessionParams params(std::uint32_t discr, std::uint32_t tx_ms = 10, std::uint32_t rx_ms = 10,
                     std::uint8_t mult = 3) {
  SessionParams p;
  p.name = "peer";
  p.desired_min_tx_us = tx_ms * 1000;
  p.required_min_rx_us = rx_ms * 1000;
  p.detect_mult = mult;
  p.local_discriminator = discr;
  return p;
}

/// Two sessions joined by a lossless, zero-delay wire.
struct Pair {
  Session a;
  Session b;
  Nanos now = 1000 * kMs;
  Pair(SessionParams pa, SessionParams pb)
      : a(std::move(pa), fixed(0)), b(std::move(pb), fixed(0)) {}

  /// Delivers `from`'s packet (if any) to `to`, then answers back and forth until quiet.
  void exchange(Session& from, Session& to, std::optional<ControlPacket> pkt) {
    Session* src = &from;
    Session* dst = &to;
    for (int hops = 0; pkt && hops < 10; ++hops) {
      const Actions r = dst->on_packet(*pkt, now, now);
      pkt = r.send;
      std::swap(src, dst);
    }
  }
  /// Fires both sessions' timers in time order, delivering every packet, for `d`.
  void run_for(Nanos d) {
    const Nanos end = now + d;
    while (std::min(a.next_deadline(), b.next_deadline()) <= end) {
      const bool a_first = a.next_deadline() <= b.next_deadline();
      Session& s = a_first ? a : b;
      now = s.next_deadline();
      exchange(s, a_first ? b : a, s.on_timer(now).send);
    }
    now = end;
  }
  /// Starts both (b's first packet is lost), runs the three-way handshake from a's first
  /// packet, then lets b's next periodic packet (its Poll) be answered, so neither polls.
  void bring_up() {
    auto sa = a.start(now);
    b.start(now);
    now += kMs;
    exchange(a, b, sa.send);
    run_for(200 * kMs);
    EXPECT_FALSE(a.polling());
    EXPECT_FALSE(b.polling());
  }
};

TEST(BfdSession, ThreeWayBringUp) {
  Session a(params(11), fixed(0));
  Session b(params(22), fixed(0));
  Nanos now = 0;
  const Actions sa = a.start(now);
  ASSERT_TRUE(sa.send);
  EXPECT_EQ(sa.send->state, State::Down);
  EXPECT_EQ(sa.send->your_discriminator, 0U);
  EXPECT_EQ(sa.send->my_discriminator, 11U);
  EXPECT_EQ(sa.send->desired_min_tx_us, 1000000U) << "idle_tx while Down";
  EXPECT_EQ(sa.send->required_min_rx_us, 10000U);
  EXPECT_EQ(sa.send->detect_mult, 3);
  EXPECT_FALSE(sa.send->poll);
  b.start(now);

  now += kMs;
  const Actions b1 = b.on_packet(*sa.send, now, now);  // Down + Down -> Init
  EXPECT_EQ(b1.entered, State::Init);
  ASSERT_TRUE(b1.send);
  EXPECT_EQ(b1.send->state, State::Init);
  EXPECT_EQ(b1.send->your_discriminator, 11U);
  EXPECT_EQ(b.remote_discriminator(), 11U);

  now += kMs;
  const Actions a1 = a.on_packet(*b1.send, now, now);  // Down + Init -> Up
  EXPECT_EQ(a1.entered, State::Up);
  ASSERT_TRUE(a1.send);
  EXPECT_EQ(a1.send->state, State::Up);
  EXPECT_TRUE(a1.send->poll) << "min_tx replaces idle_tx: a Poll Sequence (§6.8.3)";
  EXPECT_EQ(a1.send->desired_min_tx_us, 10000U);
  EXPECT_TRUE(a.polling());

  now += kMs;
  const Actions b2 = b.on_packet(*a1.send, now, now);  // Init + Up -> Up, and Final
  EXPECT_EQ(b2.entered, State::Up);
  ASSERT_TRUE(b2.send);
  EXPECT_TRUE(b2.send->final);
  EXPECT_FALSE(b2.send->poll) << "never P and F together";
  EXPECT_TRUE(b.polling());

  now += kMs;
  const Actions a2 = a.on_packet(*b2.send, now, now);
  EXPECT_FALSE(a2.entered);
  EXPECT_FALSE(a.polling()) << "the Final ends the Poll Sequence";
  EXPECT_EQ(a.state(), State::Up);
  EXPECT_EQ(a.remote_state(), State::Up);
  EXPECT_EQ(a.remote_discriminator(), 22U);
  EXPECT_EQ(a.tx_interval_us(), 10000U);
  EXPECT_EQ(a.detection_time(), 3 * 1000 * kMs)
      << "b's lower min_tx counts from b's Poll: b sends at 1 s until its Poll Sequence ends";
  const Actions bp = b.on_timer(b.next_tx_ns());
  ASSERT_TRUE(bp.send);
  EXPECT_TRUE(bp.send->poll);
  const Actions af = a.on_packet(*bp.send, b.next_tx_ns(), b.next_tx_ns());
  ASSERT_TRUE(af.send);
  EXPECT_TRUE(af.send->final);
  EXPECT_EQ(a.detection_time(), 30 * kMs);
  EXPECT_EQ(a.transitions(), 1U);
  EXPECT_EQ(b.transitions(), 2U);
}

TEST(BfdSession, ALowerRemoteTxWithoutPollCountsOnceItsPacketsComeFaster) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket p;
  p.state = State::Down;
  p.detect_mult = 3;
  p.my_discriminator = 9;
  p.desired_min_tx_us = 1000000;
  p.required_min_rx_us = 10000;
  Nanos t = kMs;
  ASSERT_EQ(a.on_packet(p, t, t).entered, State::Init);
  p.state = State::Up;
  p.your_discriminator = 1;
  t += 900 * kMs;
  ASSERT_EQ(a.on_packet(p, t, t).entered, State::Up);
  p.desired_min_tx_us = 10000;  // lowered, no Poll
  t += 800 * kMs;
  a.on_packet(p, t, t);
  EXPECT_EQ(a.detection_time(), 3 * 1000 * kMs) << "still one packet per second";
  t += 10 * kMs;
  a.on_packet(p, t, t);
  EXPECT_EQ(a.detection_time(), 30 * kMs) << "10 ms apart: the remote sends faster now";
}

TEST(BfdSession, InitToUpOnInit) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket down;
  down.state = State::Down;
  down.detect_mult = 3;
  down.my_discriminator = 9;
  down.desired_min_tx_us = 1000000;
  down.required_min_rx_us = 10000;
  EXPECT_EQ(a.on_packet(down, 1, 1).entered, State::Init);
  ControlPacket init = down;
  init.state = State::Init;
  init.your_discriminator = 1;
  EXPECT_EQ(a.on_packet(init, 2, 2).entered, State::Up);
}

TEST(BfdSession, DownIgnoresUpFromTheRemote) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket up;
  up.state = State::Up;
  up.detect_mult = 3;
  up.my_discriminator = 9;
  up.your_discriminator = 1;
  up.desired_min_tx_us = up.required_min_rx_us = 10000;
  const Actions r = a.on_packet(up, 1, 1);
  EXPECT_FALSE(r.entered);
  EXPECT_EQ(a.state(), State::Down);
}

TEST(BfdSession, DetectionExpiryTakesUpToDownWithDiag1) {
  Pair p(params(1, 10, 20, 3), params(2, 10, 10, 3));
  p.bring_up();
  ASSERT_EQ(p.a.state(), State::Up);
  ASSERT_EQ(p.b.state(), State::Up);
  // 3 (b's mult) x max(a's min_rx 20 ms, b's min_tx 10 ms).
  EXPECT_EQ(p.a.detection_time(), 60 * kMs);
  const Nanos last = *p.a.last_rx_ns();
  EXPECT_EQ(p.a.detection_deadline(), last + 60 * kMs);

  // Periodic packets go out but none comes back.
  while (p.a.next_tx_ns() < p.a.detection_deadline()) {
    const Actions r = p.a.on_timer(p.a.next_tx_ns());
    ASSERT_TRUE(r.send);
    EXPECT_FALSE(r.entered);
  }
  EXPECT_FALSE(p.a.on_timer(p.a.detection_deadline() - 1).entered);
  const Actions r = p.a.on_timer(p.a.detection_deadline());
  EXPECT_EQ(r.entered, State::Down);
  EXPECT_EQ(p.a.local_diag(), Diag::DetectionTimeExpired);
  ASSERT_TRUE(r.send);
  EXPECT_EQ(r.send->state, State::Down);
  EXPECT_EQ(r.send->diag, Diag::DetectionTimeExpired);
  EXPECT_EQ(r.send->your_discriminator, 0U) << "bfd.RemoteDiscr is reset (§6.8.1)";
  EXPECT_EQ(p.a.remote_discriminator(), 0U);
  EXPECT_EQ(p.a.remote_state(), State::Down);
  EXPECT_EQ(p.a.detection_deadline(), kNever);
  EXPECT_EQ(r.send->desired_min_tx_us, 1000000U) << "back to idle_tx";
}

TEST(BfdSession, DetectionWhileInitAlsoExpires) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket down;
  down.state = State::Down;
  down.detect_mult = 2;
  down.my_discriminator = 9;
  down.desired_min_tx_us = 1000000;
  down.required_min_rx_us = 10000;
  ASSERT_EQ(a.on_packet(down, 5, 5).entered, State::Init);
  EXPECT_EQ(a.detection_time(), 2 * 1000 * kMs) << "the remote's idle 1 s x its mult 2";
  const Actions r = a.on_timer(5 + 2000 * kMs);
  EXPECT_EQ(r.entered, State::Down);
}

TEST(BfdSession, DetectionExpiryInDownOnlyForgetsTheRemote) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket adm;
  adm.state = State::AdminDown;
  adm.detect_mult = 3;
  adm.my_discriminator = 9;
  adm.desired_min_tx_us = 1000000;
  adm.required_min_rx_us = 10000;
  EXPECT_FALSE(a.on_packet(adm, 0, 0).entered);
  EXPECT_EQ(a.remote_discriminator(), 9U);
  const Actions r = a.on_timer(a.detection_deadline());
  EXPECT_FALSE(r.entered);
  EXPECT_EQ(a.remote_discriminator(), 0U);
}

TEST(BfdSession, RemoteAdminDownIsDownWithDiag3) {
  Pair p(params(1), params(2));
  p.bring_up();
  ASSERT_EQ(p.a.state(), State::Up);
  const Actions b = p.b.admin_down(p.now);
  EXPECT_EQ(b.entered, State::AdminDown);
  ASSERT_TRUE(b.send);
  EXPECT_EQ(b.send->state, State::AdminDown);
  EXPECT_EQ(b.send->diag, Diag::AdministrativelyDown);
  EXPECT_EQ(p.b.detection_deadline(), kNever);

  const Actions a = p.a.on_packet(*b.send, p.now, p.now);
  EXPECT_EQ(a.entered, State::Down);
  EXPECT_EQ(p.a.local_diag(), Diag::NeighborSignaledDown);
  EXPECT_EQ(p.a.remote_state(), State::AdminDown);
  ASSERT_TRUE(a.send);
  EXPECT_EQ(a.send->state, State::Down);

  // More AdminDown: a stays Down, no new transition.
  EXPECT_FALSE(p.a.on_packet(*b.send, p.now, p.now).entered);
  EXPECT_EQ(p.a.state(), State::Down);

  // b ignores a's packets while AdminDown.
  EXPECT_FALSE(p.b.on_packet(*a.send, p.now, p.now).entered);
  EXPECT_EQ(p.b.state(), State::AdminDown);

  // b comes back: the three-way handshake runs again.
  const Actions up = p.b.admin_up(p.now);
  EXPECT_EQ(up.entered, State::Down);
  p.exchange(p.b, p.a, up.send);
  EXPECT_EQ(p.a.state(), State::Up);
  EXPECT_EQ(p.b.state(), State::Up);
}

TEST(BfdSession, UpGoesDownWhenTheRemoteSignalsDown) {
  Pair p(params(1), params(2));
  p.bring_up();
  ControlPacket down;
  down.state = State::Down;
  down.diag = Diag::DetectionTimeExpired;
  down.detect_mult = 3;
  down.my_discriminator = 2;
  down.desired_min_tx_us = 1000000;
  down.required_min_rx_us = 10000;
  const Actions r = p.a.on_packet(down, p.now, p.now);
  EXPECT_EQ(r.entered, State::Down);
  EXPECT_EQ(p.a.local_diag(), Diag::NeighborSignaledDown);
  EXPECT_EQ(p.a.remote_diag(), Diag::DetectionTimeExpired);
}

TEST(BfdSession, PollFinalOnASlowerTransmitInterval) {
  Pair p(params(1), params(2));
  p.bring_up();
  ASSERT_FALSE(p.a.polling());
  ASSERT_EQ(p.a.tx_interval_us(), 10000U);

  SessionParams slower = params(1, 50, 10);
  const Actions r = p.a.set_params(slower, p.now);
  EXPECT_TRUE(p.a.polling());
  ASSERT_TRUE(r.send);
  EXPECT_TRUE(r.send->poll);
  EXPECT_EQ(r.send->desired_min_tx_us, 50000U);
  EXPECT_EQ(p.a.tx_interval_us(), 10000U) << "an increase waits for the Final (§6.8.3)";

  // Periodic packets keep P until the Final.
  const Actions periodic = p.a.on_timer(p.a.next_tx_ns());
  ASSERT_TRUE(periodic.send);
  EXPECT_TRUE(periodic.send->poll);

  const Actions fin = p.b.on_packet(*r.send, p.now, p.now);
  ASSERT_TRUE(fin.send);
  EXPECT_TRUE(fin.send->final);
  EXPECT_EQ(p.b.detection_time(), 3 * 50 * kMs) << "b adopts the new interval at once";
  p.a.on_packet(*fin.send, p.now, p.now);
  EXPECT_FALSE(p.a.polling());
  EXPECT_EQ(p.a.tx_interval_us(), 50000U);
  const Actions next = p.a.on_timer(p.a.next_tx_ns());
  ASSERT_TRUE(next.send);
  EXPECT_FALSE(next.send->poll);
}

TEST(BfdSession, PollFinalOnAShorterReceiveInterval) {
  Pair p(params(1, 10, 40), params(2, 10, 10));
  p.bring_up();
  ASSERT_EQ(p.a.detection_time(), 3 * 40 * kMs);
  const Actions r = p.a.set_params(params(1, 10, 10), p.now);
  ASSERT_TRUE(r.send);
  EXPECT_TRUE(r.send->poll);
  EXPECT_EQ(r.send->required_min_rx_us, 10000U);
  EXPECT_EQ(p.a.detection_time(), 3 * 40 * kMs) << "the old min_rx until the Final";
  const Actions fin = p.b.on_packet(*r.send, p.now, p.now);
  p.a.on_packet(*fin.send, p.now, p.now);
  EXPECT_EQ(p.a.detection_time(), 3 * 10 * kMs);
}

TEST(BfdSession, AFasterRemoteReceiveIntervalPullsTheNextPacketIn) {
  Pair p(params(1, 10, 10), params(2, 10, 500));
  p.bring_up();
  ASSERT_EQ(p.a.tx_interval_us(), 500000U);
  const Nanos late = p.a.next_tx_ns();
  const Actions r = p.b.set_params(params(2, 10, 10), p.now);
  ASSERT_TRUE(r.send);
  const Actions fin = p.a.on_packet(*r.send, p.now, p.now);
  ASSERT_TRUE(fin.send);
  EXPECT_TRUE(fin.send->final);
  EXPECT_EQ(p.a.tx_interval_us(), 10000U);
  EXPECT_LT(p.a.next_tx_ns(), late);
  EXPECT_EQ(p.a.next_tx_ns(), p.now + 10 * kMs);
}

TEST(BfdSession, AnsweringAPollWhilePollingSendsFinalWithoutPoll) {
  Pair p(params(1), params(2));
  p.bring_up();
  p.a.set_params(params(1, 20, 10), p.now);
  ASSERT_TRUE(p.a.polling());
  ControlPacket poll;
  poll.state = State::Up;
  poll.poll = true;
  poll.detect_mult = 3;
  poll.my_discriminator = 2;
  poll.your_discriminator = 1;
  poll.desired_min_tx_us = poll.required_min_rx_us = 10000;
  const Actions r = p.a.on_packet(poll, p.now, p.now);
  ASSERT_TRUE(r.send);
  EXPECT_TRUE(r.send->final);
  EXPECT_FALSE(r.send->poll);
  EXPECT_TRUE(p.a.polling());
}

TEST(BfdSession, PassiveSendsNothingUntilAPacketArrives) {
  SessionParams pp = params(2);
  pp.passive = true;
  Session passive(pp, fixed(0));
  Session active(params(1), fixed(0));
  const Actions s = passive.start(0);
  EXPECT_FALSE(s.send);
  EXPECT_EQ(passive.next_deadline(), kNever);
  EXPECT_FALSE(passive.admin_down(0).send) << "not even AdminDown without a remote";
  passive.admin_up(0);
  EXPECT_FALSE(passive.on_timer(10'000 * kMs).send);

  const Actions a0 = active.start(0);
  const Actions p1 = passive.on_packet(*a0.send, kMs, kMs);
  EXPECT_EQ(p1.entered, State::Init);
  ASSERT_TRUE(p1.send);
  EXPECT_NE(passive.next_tx_ns(), kNever) << "periodic transmission starts";
  const Actions a1 = active.on_packet(*p1.send, 2 * kMs, 2 * kMs);
  EXPECT_EQ(a1.entered, State::Up);
  const Actions p2 = passive.on_packet(*a1.send, 3 * kMs, 3 * kMs);
  EXPECT_EQ(p2.entered, State::Up);

  // The remote vanishes: the passive side forgets it and stops sending again.
  const Actions expired = passive.on_timer(passive.detection_deadline());
  EXPECT_EQ(expired.entered, State::Down);
  EXPECT_FALSE(expired.send);
  EXPECT_EQ(passive.next_tx_ns(), kNever);
}

TEST(BfdSession, IdleTxWhileDownMinTxWhileUp) {
  SessionParams sp = params(1, 10, 10);
  sp.idle_tx_us = 2000000;
  Session a(sp, fixed(0));
  a.start(0);
  EXPECT_EQ(a.next_tx_ns(), 2000 * kMs);
  const Actions r = a.on_timer(2000 * kMs);
  ASSERT_TRUE(r.send);
  EXPECT_EQ(r.send->desired_min_tx_us, 2000000U);
  EXPECT_EQ(a.next_tx_ns(), 4000 * kMs);
}

TEST(BfdSession, IdleTxBelowOneSecondIsRaisedToOneSecond) {
  SessionParams sp = params(1);
  sp.idle_tx_us = 100000;
  Session a(sp, fixed(0));
  EXPECT_EQ(a.desired_min_tx_us(), 1000000U);
}

TEST(BfdSession, JitterIs75To100Percent) {
  Session none(params(1), fixed(0));
  none.start(0);
  EXPECT_EQ(none.next_tx_ns(), 1000 * kMs);
  Session most(params(1), fixed(UINT32_MAX));
  most.start(0);
  EXPECT_GT(most.next_tx_ns(), 750 * kMs);
  EXPECT_LT(most.next_tx_ns(), 751 * kMs);
}

TEST(BfdSession, JitterIs75To90PercentWithMultiplierOne) {
  Session none(params(1, 10, 10, 1), fixed(0));
  none.start(0);
  EXPECT_EQ(none.next_tx_ns(), 900 * kMs);
  Session most(params(1, 10, 10, 1), fixed(UINT32_MAX));
  most.start(0);
  EXPECT_GE(most.next_tx_ns(), 750 * kMs);
  EXPECT_LT(most.next_tx_ns(), 751 * kMs);
}

TEST(BfdSession, ForeignYourDiscriminatorIsDiscarded) {
  Session a(params(1), fixed(0));
  a.start(0);
  ControlPacket p;
  p.state = State::Init;
  p.detect_mult = 3;
  p.my_discriminator = 9;
  p.your_discriminator = 77;
  const Actions r = a.on_packet(p, 1, 1);
  EXPECT_TRUE(r.discarded);
  EXPECT_FALSE(r.entered);
  EXPECT_EQ(a.remote_discriminator(), 0U);
  EXPECT_EQ(a.packets_received(), 0U);
}

TEST(BfdSession, RemoteDemandModeStopsPeriodicTransmission) {
  Pair p(params(1), params(2));
  p.bring_up();
  ControlPacket d;
  d.state = State::Up;
  d.demand = true;
  d.detect_mult = 3;
  d.my_discriminator = 2;
  d.your_discriminator = 1;
  d.desired_min_tx_us = d.required_min_rx_us = 10000;
  p.a.on_packet(d, p.now, p.now);
  EXPECT_EQ(p.a.next_tx_ns(), kNever);
  EXPECT_NE(p.a.detection_deadline(), kNever);
}

TEST(BfdSession, RemoteMinRxZeroStopsPeriodicTransmission) {
  Pair p(params(1), params(2));
  p.bring_up();
  ControlPacket d;
  d.state = State::Up;
  d.detect_mult = 3;
  d.my_discriminator = 2;
  d.your_discriminator = 1;
  d.desired_min_tx_us = 10000;
  d.required_min_rx_us = 0;
  p.a.on_packet(d, p.now, p.now);
  EXPECT_EQ(p.a.next_tx_ns(), kNever);
  d.required_min_rx_us = 10000;
  p.a.on_packet(d, p.now, p.now);
  EXPECT_EQ(p.a.next_tx_ns(), p.now + 10 * kMs);
}

TEST(BfdSession, EarlyTimerDoesNothing) {
  Session a(params(1), fixed(0));
  a.start(0);
  EXPECT_FALSE(a.on_timer(a.next_tx_ns() - 1).send);
  EXPECT_TRUE(a.on_timer(a.next_tx_ns()).send);
}

TEST(BfdSession, PacketBeforeStartIsDiscarded) {
  Session a(params(1), fixed(0));
  ControlPacket p;
  p.state = State::Down;
  p.detect_mult = 3;
  p.my_discriminator = 9;
  EXPECT_TRUE(a.on_packet(p, 0, 0).discarded);
}

TEST(BfdSession, RejectsBadParams) {
  SessionParams p = params(1);
  p.detect_mult = 0;
  EXPECT_THROW(Session(p, fixed(0)), std::invalid_argument);
  p = params(0);
  EXPECT_THROW(Session(p, fixed(0)), std::invalid_argument);
  p = params(1);
  p.required_min_rx_us = 0;
  EXPECT_THROW(Session(p, fixed(0)), std::invalid_argument);
  p = params(1);
  p.desired_min_tx_us = 0;
  EXPECT_THROW(Session(p, fixed(0)), std::invalid_argument);
  EXPECT_THROW(Session(params(1), Random{}), std::invalid_argument);
  Session ok(params(1), fixed(0));
  SessionParams bad = params(1);
  bad.detect_mult = 0;
  EXPECT_THROW(ok.set_params(bad, 0), std::invalid_argument);
  EXPECT_EQ(ok.params().detect_mult, 3);
}

TEST(BfdSession, LeavingUpDuringAPollEndsIt) {
  Pair p(params(1), params(2));
  p.bring_up();
  p.a.set_params(params(1, 50, 10), p.now);
  ASSERT_TRUE(p.a.polling());
  p.a.admin_down(p.now);
  EXPECT_FALSE(p.a.polling());
  EXPECT_EQ(p.a.desired_min_tx_us(), 1000000U);
}

TEST(BfdSession, SteadyStateAtTenMillisecondsTimesThreeHasNoTransition) {
  Pair p(params(1, 10, 10, 3), params(2, 10, 10, 3));
  p.bring_up();
  const auto ta = p.a.transitions();
  const auto tb = p.b.transitions();
  p.run_for(60'000 * kMs);
  EXPECT_EQ(p.a.transitions(), ta);
  EXPECT_EQ(p.b.transitions(), tb);
  EXPECT_GT(p.a.packets_sent(), 6000U);
}

}  // namespace
}  // namespace xvrrp::core::bfd
