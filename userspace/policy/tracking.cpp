// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/tracking.hpp"

namespace xvrrp::policy {

TrackingResult evaluate_tracking(bool interface_up, std::span<const TrackInput> inputs) {
  TrackingResult r;
  r.fault = !interface_up;
  for (const TrackInput& in : inputs) {
    if (in.weight == 0) {
      if (in.healthy == in.reverse) r.fault = true;
      continue;
    }
    const int sign = in.reverse ? -1 : 1;
    // A positive weight counts while healthy, a negative one while not.
    const bool counts = in.weight > 0 ? in.healthy : !in.healthy;
    if (counts) r.delta += sign * in.weight;
  }
  return r;
}

}  // namespace xvrrp::policy
