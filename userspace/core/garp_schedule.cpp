// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/garp_schedule.hpp"

#include <algorithm>
#include <stdexcept>

namespace xvrrp::core {

GarpSchedule::GarpSchedule(GarpParams params) : params_(params) {
  if (params_.repeat < 0) throw std::invalid_argument("garp_master_repeat must be >= 0");
  if (params_.interval < 0) throw std::invalid_argument("garp_interval must be >= 0");
  if (params_.delay < 0) throw std::invalid_argument("garp_master_delay must be >= 0");
  if (params_.refresh < 0) throw std::invalid_argument("garp_master_refresh must be >= 0");
  if (params_.refresh_repeat < 0) {
    throw std::invalid_argument("garp_master_refresh_repeat must be >= 0");
  }
}

void GarpSchedule::start(Nanos now) {
  active_ = true;
  pending_ = params_.repeat;
  next_in_burst_ = now;
  second_burst_at_ = params_.delay > 0 && params_.repeat > 0 ? now + params_.delay : kNever;
  refresh_at_ = params_.refresh > 0 && params_.refresh_repeat > 0 ? now + params_.refresh : kNever;
  lower_burst_at_ = kNever;
  lower_repeat_ = 0;
}

void GarpSchedule::reannounce(Nanos now, int repeat, Nanos delay) {
  if (!active_ || repeat <= 0) return;
  if (pending_ == 0) next_in_burst_ = now;
  pending_ += repeat;
  lower_repeat_ = repeat;
  lower_burst_at_ = delay > 0 ? now + delay : kNever;
}

void GarpSchedule::stop() {
  active_ = false;
  pending_ = 0;
  next_in_burst_ = kNever;
  second_burst_at_ = kNever;
  refresh_at_ = kNever;
  lower_burst_at_ = kNever;
  lower_repeat_ = 0;
}

Nanos GarpSchedule::next_deadline() const {
  if (!active_) return kNever;
  const Nanos burst = pending_ > 0 ? next_in_burst_ : kNever;
  return std::min({burst, second_burst_at_, refresh_at_, lower_burst_at_});
}

int GarpSchedule::due(Nanos now) {
  if (!active_) return 0;
  // A burst that becomes due while another is still being paced joins it; otherwise its first
  // GARP goes at the burst's own scheduled time.
  auto add_burst = [&](int count, Nanos at) {
    if (pending_ == 0) next_in_burst_ = at;
    pending_ += count;
  };
  if (now >= second_burst_at_) {
    add_burst(params_.repeat, second_burst_at_);
    second_burst_at_ = kNever;
  }
  if (now >= lower_burst_at_) {
    add_burst(lower_repeat_, lower_burst_at_);
    lower_burst_at_ = kNever;
  }
  if (now >= refresh_at_) {
    add_burst(params_.refresh_repeat, refresh_at_);
    refresh_at_ += params_.refresh;
    if (refresh_at_ <= now) refresh_at_ = now + params_.refresh;  // skip missed refreshes
  }
  if (pending_ == 0 || now < next_in_burst_) return 0;
  int send = pending_;
  if (params_.interval > 0) {
    const Nanos slots = 1 + (now - next_in_burst_) / params_.interval;
    send = static_cast<int>(std::min<Nanos>(pending_, slots));
    next_in_burst_ += send * params_.interval;
    if (next_in_burst_ <= now) next_in_burst_ = now + params_.interval;
  }
  pending_ -= send;
  return send;
}

}  // namespace xvrrp::core
