// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/timer_heap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <new>
#include <random>
#include <set>
#include <vector>

// Counts heap allocations so the test can prove the timer operations allocate nothing once warm.
// GCC flags the malloc/free pair once the replacements are inlined into new/delete expressions;
// they are a matched pair by construction.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace xvrrp::core {
namespace {

std::vector<std::uint64_t> drain(TimerHeap& heap, Nanos now) {
  std::vector<std::uint64_t> fired;
  heap.pop_expired(now, [&](std::uint64_t cookie) { fired.push_back(cookie); });
  return fired;
}

TEST(TimerHeap, EmptyHasNoDeadline) {
  TimerHeap heap;
  EXPECT_EQ(heap.next_deadline(), kNever);
  EXPECT_TRUE(drain(heap, kNever - 1).empty());
}

TEST(TimerHeap, FiresInDeadlineOrderOnlyWhenDue) {
  TimerHeap heap;
  heap.schedule(300, 3);
  heap.schedule(100, 1);
  heap.schedule(200, 2);
  EXPECT_EQ(heap.next_deadline(), 100);
  EXPECT_TRUE(drain(heap, 99).empty());
  EXPECT_EQ(drain(heap, 200), (std::vector<std::uint64_t>{1, 2}));  // deadline == now fires
  EXPECT_EQ(heap.next_deadline(), 300);
  EXPECT_EQ(drain(heap, 1000), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(heap.next_deadline(), kNever);
}

TEST(TimerHeap, FiredTimerStaysAllocatedAndCanBeRearmed) {
  TimerHeap heap;
  const TimerId id = heap.schedule(10, 42);
  EXPECT_TRUE(heap.armed(id));
  EXPECT_EQ(drain(heap, 10).size(), 1u);
  EXPECT_FALSE(heap.armed(id));
  EXPECT_EQ(heap.deadline(id), kNever);
  heap.reschedule(id, 50);
  EXPECT_TRUE(heap.armed(id));
  EXPECT_EQ(heap.deadline(id), 50);
  EXPECT_EQ(drain(heap, 50), (std::vector<std::uint64_t>{42}));
}

TEST(TimerHeap, RescheduleToNeverDisarms) {
  TimerHeap heap;
  const TimerId a = heap.schedule(10, 1);
  heap.schedule(20, 2);
  heap.reschedule(a, kNever);
  EXPECT_FALSE(heap.armed(a));
  EXPECT_EQ(heap.next_deadline(), 20);
  const TimerId idle = heap.schedule(kNever, 3);
  EXPECT_FALSE(heap.armed(idle));
  EXPECT_EQ(heap.armed_count(), 1u);
}

TEST(TimerHeap, CancelFreesAndIgnoresStaleIds) {
  TimerHeap heap;
  const TimerId a = heap.schedule(10, 1);
  const TimerId b = heap.schedule(20, 2);
  heap.cancel(a);
  heap.cancel(a);      // already cancelled
  heap.cancel(12345);  // never allocated
  heap.reschedule(12345, 5);
  EXPECT_EQ(heap.next_deadline(), 20);
  const TimerId c = heap.schedule(5, 3);
  EXPECT_EQ(c, a);  // slot reused
  EXPECT_EQ(drain(heap, 100), (std::vector<std::uint64_t>{3, 2}));
  (void)b;
}

TEST(TimerHeap, CallbackMayRescheduleItself) {
  TimerHeap heap;
  const TimerId periodic = heap.schedule(10, 7);
  int fired = 0;
  for (Nanos now = 10; now <= 100; now += 10) {
    heap.pop_expired(now, [&](std::uint64_t cookie) {
      EXPECT_EQ(cookie, 7u);
      ++fired;
      heap.reschedule(periodic, now + 10);
    });
  }
  EXPECT_EQ(fired, 10);
  EXPECT_EQ(heap.deadline(periodic), 110);
}

// Thousands of timers under random schedule/cancel/reschedule, checked against a reference model.
TEST(TimerHeap, MatchesReferenceModelUnderRandomOperations) {
  std::mt19937_64 rng(20240611);
  std::uniform_int_distribution<Nanos> when(0, 1'000'000);
  TimerHeap heap;
  std::map<TimerId, Nanos> armed;                   // id -> deadline, armed timers only
  std::set<std::pair<Nanos, TimerId>> by_deadline;  // same timers, ordered
  std::vector<TimerId> live;                        // allocated ids
  std::map<std::uint64_t, TimerId> id_of_cookie;
  std::map<TimerId, std::uint64_t> cookie_of_id;
  std::uint64_t next_cookie = 0;
  Nanos now = 0;
  auto disarm_in_model = [&](TimerId id) {
    if (auto it = armed.find(id); it != armed.end()) {
      by_deadline.erase({it->second, id});
      armed.erase(it);
    }
  };
  auto arm_in_model = [&](TimerId id, Nanos deadline) {
    disarm_in_model(id);
    armed[id] = deadline;
    by_deadline.insert({deadline, id});
  };

  for (int op = 0; op < 60'000; ++op) {
    const int kind = static_cast<int>(rng() % 10);
    if (kind < 4 || live.size() < 100) {
      const Nanos deadline = now + when(rng);
      const TimerId id = heap.schedule(deadline, next_cookie);
      ASSERT_EQ(cookie_of_id.count(id), 0u) << "id handed out twice";
      live.push_back(id);
      id_of_cookie[next_cookie] = id;
      cookie_of_id[id] = next_cookie++;
      arm_in_model(id, deadline);
    } else if (kind < 6) {
      const std::size_t pick = rng() % live.size();
      const TimerId id = live[pick];
      heap.cancel(id);
      disarm_in_model(id);
      id_of_cookie.erase(cookie_of_id[id]);
      cookie_of_id.erase(id);
      live[pick] = live.back();
      live.pop_back();
    } else if (kind < 9) {
      const TimerId id = live[rng() % live.size()];
      const Nanos deadline = now + when(rng);
      heap.reschedule(id, deadline);
      arm_in_model(id, deadline);
    } else {
      now += when(rng) / 4;
      std::vector<std::uint64_t> expected;
      while (!by_deadline.empty() && by_deadline.begin()->first <= now) {
        const TimerId id = by_deadline.begin()->second;
        expected.push_back(cookie_of_id[id]);
        disarm_in_model(id);
      }
      std::vector<std::uint64_t> fired;
      heap.pop_expired(now, [&](std::uint64_t cookie) {
        const TimerId id = id_of_cookie.at(cookie);
        EXPECT_FALSE(heap.armed(id)) << "disarmed before the callback";
        fired.push_back(cookie);
      });
      std::sort(expected.begin(), expected.end());
      std::sort(fired.begin(), fired.end());
      ASSERT_EQ(fired, expected) << "op " << op;
    }
    const Nanos expected_next = by_deadline.empty() ? kNever : by_deadline.begin()->first;
    ASSERT_EQ(heap.next_deadline(), expected_next) << "op " << op;
    ASSERT_EQ(heap.armed_count(), armed.size());
  }
  EXPECT_GT(live.size(), 1000u);
}

TEST(TimerHeap, ThousandsPopInNondecreasingOrder) {
  std::mt19937_64 rng(7);
  TimerHeap heap;
  std::vector<Nanos> deadlines;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const Nanos d = static_cast<Nanos>(rng() % 1'000'000'000);
    deadlines.push_back(d);
    heap.schedule(d, i);
  }
  std::vector<Nanos> order;
  heap.pop_expired(kNever - 1, [&](std::uint64_t cookie) { order.push_back(deadlines[cookie]); });
  ASSERT_EQ(order.size(), 5000u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST(TimerHeap, NoAllocationAfterWarmUp) {
  TimerHeap heap;
  heap.reserve(255);
  std::vector<TimerId> ids;
  ids.reserve(255);
  for (std::uint64_t i = 0; i < 255; ++i) ids.push_back(heap.schedule(Nanos(i) * 10, i));
  const long before = g_allocations.load();
  Nanos now = 0;
  for (int round = 0; round < 1000; ++round) {
    now += 10'000;
    heap.pop_expired(now, [&](std::uint64_t cookie) { heap.reschedule(ids[cookie], now + 2550); });
    heap.cancel(ids[round % 255]);
    ids[round % 255] = heap.schedule(now + 77, round % 255);
  }
  EXPECT_EQ(g_allocations.load(), before);
  EXPECT_EQ(heap.armed_count(), 255u);
}

}  // namespace
}  // namespace xvrrp::core
