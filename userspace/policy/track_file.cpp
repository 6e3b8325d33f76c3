// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/track_file.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace xvrrp::policy {

std::optional<std::int64_t> parse_track_file_value(std::string_view content) {
  if (content.empty()) return 0;
  // strtoll needs a terminated string; the daemon reads at most a few bytes.
  const std::string text(content);
  errno = 0;
  const long long v = std::strtoll(text.c_str(), nullptr, 0);
  if (errno != 0 || v < std::numeric_limits<std::int32_t>::min() ||
      v > std::int64_t{std::numeric_limits<std::int32_t>::max()} + 1)
    return std::nullopt;
  return v;
}

core::CheckEffect file_effect(std::int64_t value, int weight, bool reverse) {
  if (weight == 0) return {(value != 0) != reverse, 0};
  // |value| <= 2^31 and |weight| <= 254: no overflow in 64 bits.
  const std::int64_t status = value * weight * (reverse ? -1 : 1);
  if (status <= -254) return {true, 0};
  return {false, static_cast<int>(status > 253 ? 253 : status)};
}

}  // namespace xvrrp::policy
