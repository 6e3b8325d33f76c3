// SPDX-License-Identifier: GPL-2.0-or-later
// TimerHeap: every timer of every instance in one indexed binary min-heap (one timer
// structure, no fd per instance). The daemon arms one timerfd/epoll timeout at next_deadline().
//
// A TimerId is a slot owned by the caller from schedule() until cancel(). A timer that fired (or
// was rescheduled to kNever) stays allocated but disarmed; reschedule() re-arms it. schedule(),
// cancel(), reschedule() and each expiry are O(log n). After reserve() (or once the slot count
// stops growing) no operation allocates. Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "core/vrrp_instance.hpp"  // Nanos, kNever

namespace xvrrp::core {

using TimerId = std::uint32_t;

class TimerHeap {
 public:
  /// Pre-allocates room for `timers` live timers.
  void reserve(std::size_t timers);

  /// Allocates a timer firing at `deadline` (kNever = allocated but disarmed). `cookie` is passed
  /// back to pop_expired's callback (e.g. an instance index).
  TimerId schedule(Nanos deadline, std::uint64_t cookie);
  /// Disarms and frees the timer; the id may be reused by a later schedule(). Unknown or already
  /// cancelled ids are ignored.
  void cancel(TimerId id);
  /// Moves (or re-arms) the timer to `deadline`; kNever disarms it. Unknown ids are ignored.
  void reschedule(TimerId id, Nanos deadline);

  /// Earliest armed deadline; kNever when nothing is armed.
  [[nodiscard]] Nanos next_deadline() const {
    return heap_.empty() ? kNever : heap_.front().deadline;
  }
  /// The timer's deadline; kNever when disarmed or unknown.
  [[nodiscard]] Nanos deadline(TimerId id) const;
  [[nodiscard]] bool armed(TimerId id) const;
  /// Number of armed timers.
  [[nodiscard]] std::size_t armed_count() const { return heap_.size(); }

  /// Disarms every timer whose deadline <= now, earliest first (ties in unspecified order), and
  /// calls cb(cookie) for each after disarming it, so cb may reschedule or cancel any timer.
  /// A timer that cb re-arms at a deadline <= now fires again within the same call.
  template <class F>
  void pop_expired(Nanos now, F&& cb) {
    while (!heap_.empty() && heap_.front().deadline <= now) {
      const std::uint64_t cookie = heap_.front().cookie;
      remove_at(0);
      cb(cookie);
    }
  }

 private:
  struct Entry {
    Nanos deadline;
    std::uint64_t cookie;
    TimerId id;
  };
  static constexpr std::uint32_t kDisarmed = UINT32_MAX;  // slot allocated, not in the heap
  static constexpr std::uint32_t kFree = UINT32_MAX - 1;  // slot on the free list

  struct Slot {
    std::uint32_t heap_index = kFree;
    std::uint64_t cookie = 0;
  };

  [[nodiscard]] bool valid(TimerId id) const {
    return id < slots_.size() && slots_[id].heap_index != kFree;
  }
  void insert(TimerId id, Nanos deadline);
  void remove_at(std::size_t index);
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);
  void place(std::size_t index, const Entry& entry);

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<TimerId> free_ids_;
};

}  // namespace xvrrp::core
