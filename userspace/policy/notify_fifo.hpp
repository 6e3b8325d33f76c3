// SPDX-License-Identifier: GPL-2.0-or-later
// keepalived's notify FIFOs (global_defs notify_fifo / vrrp_notify_fifo), the pure part:
// the lines written and the bounded backlog kept while the reader does not keep up.
// Pure: no fds, no clock reads. The daemon side is daemon/notify_fifo.hpp.
//
// Line format (keepalived/vrrp/vrrp_notify.c, notify_fifo()):
//   INSTANCE "NAME" STATE PRIORITY\n   STATE = MASTER, BACKUP, FAULT, STOP or
//                                      MASTER_RX_LOWER_PRI, MASTER_PRIORITY or
//                                      BACKUP_PRIORITY; PRIORITY the instance's
//                                      effective priority
//   GROUP "NAME" STATE 0\n             a vrrp_sync_group; the priority is always 0
// The name is written as it is, between double quotes (keepalived does not escape it; a
// configuration name never holds a newline).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/vrrp_instance.hpp"

namespace xvrrp::policy {

/// The STATE word of `state`: MASTER, BACKUP or FAULT; nullopt for Initialize (keepalived
/// writes no line for it). STOP has no core::State: the daemon passes kFifoStop.
std::optional<std::string_view> fifo_state_word(core::State state);
inline constexpr std::string_view kFifoStop = "STOP";
/// Written (keepalived's send_event_notify()) when a MASTER stays MASTER after an advert of
/// lower, non-zero priority: the sender had taken over, so external state may need redoing.
inline constexpr std::string_view kFifoMasterRxLowerPri = "MASTER_RX_LOWER_PRI";

/// notify_priority_changes (keepalived's send_instance_priority_notifies()): the word of a
/// line for a changed effective priority, MASTER_PRIORITY for a MASTER, else BACKUP_PRIORITY.
std::string_view fifo_priority_word(core::State state);

/// `INSTANCE "NAME" STATE PRIORITY\n`.
std::string fifo_instance_line(std::string_view name, std::string_view state, int priority);
/// `GROUP "NAME" STATE 0\n`.
std::string fifo_group_line(std::string_view name, std::string_view state);

/// Bytes of unwritten lines a FIFO keeps (on top of the pipe's own 64 KiB buffer): about
/// 1500 state lines.
inline constexpr std::size_t kFifoBacklogBytes = 64 * 1024;

/// The lines not yet written to one FIFO, oldest first, at most `max_bytes` of them.
/// Writing is the caller's: it writes chunk() and reports how much went with consumed().
/// When a push() goes over the bound, the oldest lines that have not started to be written
/// are dropped (whole lines only), so the reader still gets the latest state of every
/// instance once it catches up; a line already partly written is never dropped (the
/// stream would be corrupt). A single line longer than the bound is dropped itself.
class FifoBacklog {
 public:
  explicit FifoBacklog(std::size_t max_bytes = kFifoBacklogBytes) : max_bytes_(max_bytes) {}

  /// Queues `line` (newline-terminated). Returns how many lines this call dropped.
  std::size_t push(std::string_view line);
  /// The bytes to write next (every queued byte, oldest first); empty when nothing is queued.
  [[nodiscard]] std::string_view chunk() const { return buf_; }
  /// `n` bytes of chunk() were written (n <= chunk().size()).
  void consumed(std::size_t n);

  [[nodiscard]] bool empty() const { return buf_.empty(); }
  [[nodiscard]] std::size_t bytes() const { return buf_.size(); }
  [[nodiscard]] std::size_t lines() const { return lens_.size(); }
  /// Lines dropped since construction.
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }
  /// Forgets every queued line (not counted as dropped).
  void clear();

 private:
  std::size_t max_bytes_;
  std::string buf_;
  std::deque<std::size_t> lens_;   // length of each queued line; the first may be partly written
  std::size_t front_written_ = 0;  // bytes of the first line already written
  std::uint64_t dropped_ = 0;
};

/// One instance or sync group as fifo_write_vrrp_states_on_reload sees it at the end of a
/// reload.
struct FifoStateEntry {
  bool group = false;
  std::string name;
  std::string_view state;  // fifo_state_word()
  int priority = 0;        // ignored for a group
};

/// fifo_write_vrrp_states_on_reload (keepalived/vrrp/vrrp_scheduler.c, vrrp_init_state()):
/// after a reload, every instance and group that got no line of its own during the reload
/// (a state change) has its current state written. `current` in the order to write;
/// `notified` holds the (group, name) pairs that had a line during the reload.
std::vector<std::string> reload_state_lines(
    const std::vector<FifoStateEntry>& current,
    const std::vector<std::pair<bool, std::string>>& notified);

}  // namespace xvrrp::policy
