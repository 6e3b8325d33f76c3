// SPDX-License-Identifier: GPL-2.0-or-later
// The clocks every part of the daemon reads. CLOCK_MONOTONIC is the clock of
// bpf_ktime_get_ns(), so XDP receive timestamps and userspace deadlines
// compare directly. Values in nanoseconds.
#pragma once

#include <time.h>

#include <cstdint>

namespace xvrrp::clock {

/// clock_gettime(id) in nanoseconds.
inline std::int64_t now_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// CLOCK_MONOTONIC in nanoseconds.
inline std::int64_t monotonic_ns() { return now_ns(CLOCK_MONOTONIC); }

/// CLOCK_REALTIME in nanoseconds.
inline std::int64_t realtime_ns() { return now_ns(CLOCK_REALTIME); }

}  // namespace xvrrp::clock
