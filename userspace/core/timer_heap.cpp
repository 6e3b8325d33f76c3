// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/timer_heap.hpp"

#include <utility>

namespace xvrrp::core {

void TimerHeap::reserve(std::size_t timers) {
  heap_.reserve(timers);
  slots_.reserve(timers);
  free_ids_.reserve(timers);
}

TimerId TimerHeap::schedule(Nanos deadline, std::uint64_t cookie) {
  TimerId id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<TimerId>(slots_.size());
    slots_.emplace_back();
  }
  slots_[id].heap_index = kDisarmed;
  slots_[id].cookie = cookie;
  if (deadline != kNever) insert(id, deadline);
  return id;
}

void TimerHeap::cancel(TimerId id) {
  if (!valid(id)) return;
  if (slots_[id].heap_index != kDisarmed) remove_at(slots_[id].heap_index);
  slots_[id].heap_index = kFree;
  free_ids_.push_back(id);
}

void TimerHeap::reschedule(TimerId id, Nanos deadline) {
  if (!valid(id)) return;
  const std::uint32_t index = slots_[id].heap_index;
  if (index == kDisarmed) {
    if (deadline != kNever) insert(id, deadline);
    return;
  }
  if (deadline == kNever) {
    remove_at(index);
    return;
  }
  const Nanos old = heap_[index].deadline;
  heap_[index].deadline = deadline;
  if (deadline < old) {
    sift_up(index);
  } else {
    sift_down(index);
  }
}

Nanos TimerHeap::deadline(TimerId id) const {
  if (!valid(id) || slots_[id].heap_index == kDisarmed) return kNever;
  return heap_[slots_[id].heap_index].deadline;
}

bool TimerHeap::armed(TimerId id) const { return valid(id) && slots_[id].heap_index != kDisarmed; }

void TimerHeap::insert(TimerId id, Nanos deadline) {
  heap_.push_back(Entry{deadline, slots_[id].cookie, id});
  const std::size_t index = heap_.size() - 1;
  slots_[id].heap_index = static_cast<std::uint32_t>(index);
  sift_up(index);
}

void TimerHeap::remove_at(std::size_t index) {
  slots_[heap_[index].id].heap_index = kDisarmed;
  const std::size_t last = heap_.size() - 1;
  if (index != last) {
    place(index, heap_[last]);
    heap_.pop_back();
    // The entry moved from the end may belong above or below its new spot.
    if (index > 0 && heap_[index].deadline < heap_[(index - 1) / 2].deadline) {
      sift_up(index);
    } else {
      sift_down(index);
    }
  } else {
    heap_.pop_back();
  }
}

void TimerHeap::place(std::size_t index, const Entry& entry) {
  heap_[index] = entry;
  slots_[entry.id].heap_index = static_cast<std::uint32_t>(index);
}

void TimerHeap::sift_up(std::size_t index) {
  const Entry moving = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (heap_[parent].deadline <= moving.deadline) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, moving);
}

void TimerHeap::sift_down(std::size_t index) {
  const std::size_t size = heap_.size();
  if (index >= size) return;
  const Entry moving = heap_[index];
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && heap_[child + 1].deadline < heap_[child].deadline) ++child;
    if (moving.deadline <= heap_[child].deadline) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, moving);
}

}  // namespace xvrrp::core
