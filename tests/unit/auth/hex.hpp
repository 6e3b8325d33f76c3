// SPDX-License-Identifier: GPL-2.0-or-later
// Hex text to bytes, for the auth_hmac tests' known answers and captured adverts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xvrrp::core::auth_hmac::test {

using Bytes = std::vector<std::uint8_t>;

/// The bytes of `s`, two hex digits each (an odd last digit is ignored).
inline Bytes unhex(const std::string& s) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return out;
}

}  // namespace xvrrp::core::auth_hmac::test
