// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/bfd_session.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace xvrrp::core::bfd {

Session::Session(SessionParams params, Random random)
    : params_(std::move(params)), random_(std::move(random)) {
  validate(params_);
  if (!random_) throw std::invalid_argument("bfd session: no random source");
  adv_tx_us_ = used_tx_us_ = wanted_tx_us();
  adv_rx_us_ = detect_rx_us_ = params_.required_min_rx_us;
}

void Session::validate(const SessionParams& p) {
  if (p.detect_mult == 0) throw std::invalid_argument("multiplier: must be 1..255");
  if (p.required_min_rx_us == 0) throw std::invalid_argument("min_rx: must be > 0");
  if (p.desired_min_tx_us == 0) throw std::invalid_argument("min_tx: must be > 0");
  if (p.local_discriminator == 0)
    throw std::invalid_argument("local discriminator: must be non-zero");
}

std::uint32_t Session::wanted_tx_us() const {
  // RFC 5880 §6.8.3: not less than one second while not Up; keepalived's idle_tx is that value.
  if (state_ == State::Up) return params_.desired_min_tx_us;
  return std::max({params_.idle_tx_us, params_.desired_min_tx_us, std::uint32_t{1000000}});
}

std::uint32_t Session::tx_interval_us() const { return std::max(used_tx_us_, remote_min_rx_us_); }

std::uint32_t Session::rx_interval_us() const {
  return std::max(detect_rx_us_, remote_desired_tx_us_);
}

Nanos Session::detection_time() const {
  return Nanos{remote_detect_mult_} * Nanos{rx_interval_us()} * kNanosPerMicro;
}

Nanos Session::next_deadline() const { return std::min(next_tx_, detect_deadline_); }

bool Session::may_send_periodic() const {
  if (!started_) return false;
  if (params_.passive && remote_discr_ == 0) return false;
  if (remote_min_rx_us_ == 0) return false;
  if (remote_demand_ && state_ == State::Up && remote_state_ == State::Up) return false;
  return true;
}

Nanos Session::jittered(std::uint32_t interval_us) {
  const Nanos interval = Nanos{interval_us} * kNanosPerMicro;
  const auto r = static_cast<unsigned __int128>(random_());
  Nanos reduction = 0;
  if (params_.detect_mult == 1) {
    // §6.8.7: 75..90 % of the interval when Detect Mult is 1.
    const auto span = static_cast<unsigned __int128>(interval) * 15 / 100;
    reduction = interval / 10 + static_cast<Nanos>((span * r) >> 32);
  } else {
    const auto span = static_cast<unsigned __int128>(interval) / 4;
    reduction = static_cast<Nanos>((span * r) >> 32);
  }
  return interval - reduction;
}

ControlPacket Session::build(bool poll, bool final) const {
  ControlPacket p;
  p.diag = local_diag_;
  p.state = state_;
  p.poll = poll;
  p.final = final;
  p.detect_mult = params_.detect_mult;
  p.my_discriminator = params_.local_discriminator;
  p.your_discriminator = remote_discr_;
  p.desired_min_tx_us = adv_tx_us_;
  p.required_min_rx_us = adv_rx_us_;
  p.required_min_echo_rx_us = 0;  // no Echo function
  return p;
}

void Session::rearm_tx(Nanos now) {
  next_tx_ = may_send_periodic() ? now + jittered(tx_interval_us()) : kNever;
}

void Session::send_now(Actions& a, Nanos now, bool final) {
  // §6.8.7: a passive system never sends while it does not know the remote's discriminator.
  if (params_.passive && remote_discr_ == 0) {
    next_tx_ = kNever;
    return;
  }
  // Poll and Final are never set together (§6.5).
  a.send = build(polling_ && !final, final);
  ++sent_;
  last_tx_ = now;
  rearm_tx(now);
}

void Session::end_poll() {
  polling_ = false;
  used_tx_us_ = adv_tx_us_;
  detect_rx_us_ = adv_rx_us_;
}

void Session::update_local_intervals() {
  const std::uint32_t tx = wanted_tx_us();
  const std::uint32_t rx = params_.required_min_rx_us;
  if (tx == adv_tx_us_ && rx == adv_rx_us_) return;
  if (state_ == State::Up) {
    // §6.8.3: a Poll Sequence announces the change; a slower transmit interval and a shorter
    // detection time wait for its Final, so the remote has adapted before they apply.
    polling_ = true;
    if (tx <= used_tx_us_) used_tx_us_ = tx;
    if (rx >= detect_rx_us_) detect_rx_us_ = rx;
    adv_tx_us_ = tx;
    adv_rx_us_ = rx;
  } else {
    adv_tx_us_ = used_tx_us_ = tx;
    adv_rx_us_ = detect_rx_us_ = rx;
  }
}

void Session::enter(State next, Diag diag, Actions& a, const char* reason) {
  state_ = next;
  local_diag_ = diag;
  ++transitions_;
  a.entered = next;
  a.reason = reason;
  if (next != State::Up) {
    end_poll();
    if (remote_tx_pending_us_ != 0) remote_desired_tx_us_ = remote_tx_pending_us_;
    remote_tx_pending_us_ = 0;
  }
  update_local_intervals();
}

Actions Session::start(Nanos now) {
  Actions a;
  if (started_) return a;
  started_ = true;
  a.reason = "started";
  if (may_send_periodic()) send_now(a, now, false);
  return a;
}

Actions Session::on_packet(const ControlPacket& p, Nanos rx_ns, Nanos now) {
  Actions a;
  if (!started_) {
    a.discarded = true;
    a.reason = "session not started";
    return a;
  }
  if (p.your_discriminator != 0 && p.your_discriminator != params_.local_discriminator) {
    a.discarded = true;
    a.reason = "your discriminator: not this session's";
    return a;
  }
  ++received_;
  const bool could_send = may_send_periodic();
  const std::uint32_t old_tx = tx_interval_us();
  remote_discr_ = p.my_discriminator;
  remote_state_ = p.state;
  remote_diag_ = p.diag;
  remote_demand_ = p.demand;
  remote_min_rx_us_ = p.required_min_rx_us;
  // A remote that lowers its DesiredMinTx while Up may keep sending at the old rate until its
  // Poll Sequence ends (§6.8.3; FRR's bfdd does so): the detection time follows the lower
  // value once its Poll arrives (this packet's Final answers it), or once its packets already
  // come faster than the old interval allows (keepalived changes its rate without a Poll).
  // Finals answer us at once whatever the remote's rate: only the other packets tell it.
  const bool faster =
      !p.final && last_unprompted_rx_ns_ &&
      rx_ns - *last_unprompted_rx_ns_ < Nanos{remote_desired_tx_us_} * kNanosPerMicro * 3 / 4;
  if (!p.final) last_unprompted_rx_ns_ = rx_ns;
  if (state_ != State::Up || p.desired_min_tx_us >= remote_desired_tx_us_) {
    remote_desired_tx_us_ = p.desired_min_tx_us;
    remote_tx_pending_us_ = 0;
  } else {
    remote_tx_pending_us_ = p.desired_min_tx_us;
  }
  if ((p.poll || faster) && remote_tx_pending_us_ != 0) {
    remote_desired_tx_us_ = remote_tx_pending_us_;
    remote_tx_pending_us_ = 0;
  }
  remote_detect_mult_ = p.detect_mult;
  last_rx_ns_ = rx_ns;
  if (p.final && polling_) end_poll();

  if (state_ != State::AdminDown) {
    if (p.state == State::AdminDown) {
      if (state_ != State::Down)
        enter(State::Down, Diag::NeighborSignaledDown, a, "neighbor signaled AdminDown");
    } else if (state_ == State::Down) {
      if (p.state == State::Down)
        enter(State::Init, Diag::None, a, "received Down");
      else if (p.state == State::Init)
        enter(State::Up, Diag::None, a, "received Init");
    } else if (state_ == State::Init) {
      if (p.state == State::Init || p.state == State::Up)
        enter(State::Up, Diag::None, a, p.state == State::Up ? "received Up" : "received Init");
    } else if (p.state == State::Down) {
      enter(State::Down, Diag::NeighborSignaledDown, a, "neighbor signaled Down");
    }
    detect_deadline_ = rx_ns + detection_time();
  }

  if (p.poll) {
    send_now(a, now, true);  // §6.8.6: the Final goes out at once, whatever the timers say.
  } else if (a.entered) {
    send_now(a, now, false);
  } else if (!could_send || tx_interval_us() < old_tx) {
    // Transmission just became allowed, or the interval shrank: do not wait out the old one.
    const Nanos base = last_tx_ == kNever ? now : last_tx_;
    const Nanos candidate =
        may_send_periodic() ? std::max(now, base + jittered(tx_interval_us())) : kNever;
    next_tx_ = could_send ? std::min(next_tx_, candidate) : candidate;
  } else if (!may_send_periodic()) {
    next_tx_ = kNever;
  }
  return a;
}

Actions Session::on_timer(Nanos now) {
  Actions a;
  if (!started_) return a;
  if (now >= detect_deadline_) {
    detect_deadline_ = kNever;
    remote_discr_ = 0;
    remote_state_ = State::Down;
    remote_demand_ = false;
    if (state_ == State::Init || state_ == State::Up) {
      enter(State::Down, Diag::DetectionTimeExpired, a, "detection time expired");
      send_now(a, now, false);
    } else if (!may_send_periodic()) {
      next_tx_ = kNever;
    }
  }
  if (!a.send && now >= next_tx_) send_now(a, now, false);
  return a;
}

Actions Session::admin_down(Nanos now) {
  Actions a;
  if (state_ == State::AdminDown) return a;
  enter(State::AdminDown, Diag::AdministrativelyDown, a, "administratively down");
  detect_deadline_ = kNever;
  if (started_) send_now(a, now, false);
  return a;
}

Actions Session::admin_up(Nanos now) {
  Actions a;
  if (state_ != State::AdminDown) return a;
  enter(State::Down, Diag::None, a, "administratively up");
  if (started_ && may_send_periodic()) send_now(a, now, false);
  return a;
}

Actions Session::set_params(const SessionParams& params, Nanos now) {
  SessionParams next = params;
  next.name = params_.name;
  next.local_discriminator = params_.local_discriminator;
  validate(next);
  Actions a;
  const bool was_polling = polling_;
  const bool could_send = may_send_periodic();
  params_ = std::move(next);
  update_local_intervals();
  if (!started_) return a;
  if (polling_ && !was_polling) {
    a.reason = "timers changed: poll sequence";
    send_now(a, now, false);
  } else if (!could_send && may_send_periodic()) {
    send_now(a, now, false);
  } else if (could_send && !may_send_periodic()) {
    next_tx_ = kNever;
  }
  return a;
}

}  // namespace xvrrp::core::bfd
