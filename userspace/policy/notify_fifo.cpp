// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/notify_fifo.hpp"

#include <algorithm>

namespace xvrrp::policy {

std::optional<std::string_view> fifo_state_word(core::State state) {
  switch (state) {
    case core::State::Master:
      return "MASTER";
    case core::State::Backup:
      return "BACKUP";
    case core::State::Fault:
      return "FAULT";
    case core::State::Initialize:
      break;
  }
  return std::nullopt;
}

std::string_view fifo_priority_word(core::State state) {
  return state == core::State::Master ? "MASTER_PRIORITY" : "BACKUP_PRIORITY";
}

namespace {

// keepalived: "%s \"%s\" %s %d\n".
std::string line(std::string_view type, std::string_view name, std::string_view state,
                 int priority) {
  std::string out;
  out.reserve(type.size() + name.size() + state.size() + 10);
  out.append(type).append(" \"").append(name).append("\" ").append(state).append(" ");
  out.append(std::to_string(priority)).append("\n");
  return out;
}

}  // namespace

std::string fifo_instance_line(std::string_view name, std::string_view state, int priority) {
  return line("INSTANCE", name, state, priority);
}

std::string fifo_group_line(std::string_view name, std::string_view state) {
  return line("GROUP", name, state, 0);
}

std::size_t FifoBacklog::push(std::string_view line) {
  std::size_t dropped = 0;
  if (line.empty()) return 0;
  if (line.size() > max_bytes_) {
    ++dropped_;
    return 1;
  }
  buf_.append(line);
  lens_.push_back(line.size());
  // The oldest line nothing of which was written yet goes first; the loop ends because a
  // line fits alone (checked above) and a partly written one is shorter than that.
  while (buf_.size() > max_bytes_) {
    const std::size_t index = front_written_ == 0 ? 0 : 1;
    const std::size_t offset = front_written_ == 0 ? 0 : lens_.front() - front_written_;
    const std::size_t len = lens_[index];
    buf_.erase(offset, len);
    lens_.erase(lens_.begin() + static_cast<std::ptrdiff_t>(index));
    ++dropped;
  }
  dropped_ += dropped;
  return dropped;
}

void FifoBacklog::consumed(std::size_t n) {
  n = std::min(n, buf_.size());
  buf_.erase(0, n);
  while (n > 0) {
    const std::size_t left = lens_.front() - front_written_;
    if (n < left) {
      front_written_ += n;
      return;
    }
    n -= left;
    lens_.pop_front();
    front_written_ = 0;
  }
}

void FifoBacklog::clear() {
  buf_.clear();
  lens_.clear();
  front_written_ = 0;
}

std::vector<std::string> reload_state_lines(
    const std::vector<FifoStateEntry>& current,
    const std::vector<std::pair<bool, std::string>>& notified) {
  std::vector<std::string> out;
  for (const auto& e : current) {
    const bool had_line = std::find(notified.begin(), notified.end(),
                                    std::make_pair(e.group, e.name)) != notified.end();
    if (had_line || e.state.empty()) continue;
    out.push_back(e.group ? fifo_group_line(e.name, e.state)
                          : fifo_instance_line(e.name, e.state, e.priority));
  }
  return out;
}

}  // namespace xvrrp::policy
