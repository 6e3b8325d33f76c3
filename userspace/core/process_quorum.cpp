// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/process_quorum.hpp"

#include <stdexcept>

namespace xvrrp::core {

ProcessQuorum::ProcessQuorum(ProcessQuorumParams params) : params_(params) {
  if (params_.quorum_max < params_.quorum)
    throw std::invalid_argument("quorum_max must be >= quorum");
  if (params_.quorum == 0 && params_.quorum_max != 0)
    throw std::invalid_argument("quorum must be >= 1");
  if (params_.fork_delay < 0) throw std::invalid_argument("fork_delay must be >= 0");
  if (params_.terminate_delay < 0) throw std::invalid_argument("terminate_delay must be >= 0");
  up_ = in_range();  // quorum_max 0: up while none runs
}

bool ProcessQuorum::in_range() const {
  return pids_.size() >= params_.quorum && pids_.size() <= params_.quorum_max;
}

bool ProcessQuorum::settle(ProcessCause cause, Nanos now) {
  if (in_range() == up_) {
    pending_at_ = kNever;  // the count came back before the delay ran out
    return false;
  }
  const Nanos delay = cause == ProcessCause::Fork   ? params_.fork_delay
                      : cause == ProcessCause::Exit ? params_.terminate_delay
                                                    : 0;
  if (delay > 0) {
    if (pending_at_ == kNever) pending_at_ = now + delay;
    return false;
  }
  pending_at_ = kNever;
  up_ = !up_;
  return true;
}

bool ProcessQuorum::add(std::int32_t pid, ProcessCause cause, Nanos now) {
  if (!pids_.insert(pid).second) return false;
  return settle(cause, now);
}

bool ProcessQuorum::remove(std::int32_t pid, ProcessCause cause, Nanos now) {
  if (pids_.erase(pid) == 0) return false;
  return settle(cause, now);
}

bool ProcessQuorum::replace(const std::set<std::int32_t>& pids, Nanos now) {
  bool gone = false;
  for (auto it = pids_.begin(); it != pids_.end();) {
    if (pids.count(*it) == 0) {
      it = pids_.erase(it);
      gone = true;
    } else {
      ++it;
    }
  }
  const std::size_t before = pids_.size();
  pids_.insert(pids.begin(), pids.end());
  const bool joined = pids_.size() != before;
  // Exits and new processes in one scan: only a net loss waits terminate_delay.
  return settle(gone && !joined ? ProcessCause::Exit : ProcessCause::Scan, now);
}

bool ProcessQuorum::on_timer(Nanos now) {
  if (pending_at_ == kNever || now < pending_at_) return false;
  pending_at_ = kNever;
  if (in_range() == up_) return false;
  up_ = !up_;
  return true;
}

}  // namespace xvrrp::core
