// SPDX-License-Identifier: GPL-2.0-or-later
// JSON string quoting (RFC 8259 §7), shared by every JSON producer in xvrrp:
// the daemon's status, xvrrpctl and xvrrp-probe. The output is always valid
// UTF-8 (RFC 8259 §8.1), whatever bytes the input holds (interface names,
// script paths and config strings are bytes, not text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace xvrrp {

/// Appends `s` to `out` as a quoted JSON string: '"' and '\\' escaped, \n \r \t
/// by name, other control characters as \u00XX, well-formed UTF-8 (RFC 3629)
/// copied; every byte that does not start a well-formed sequence (a stray
/// continuation byte, an overlong form, a surrogate, a truncated sequence,
/// 0xF5..0xFF) becomes U+FFFD.
void append_json_quoted(std::string& out, std::string_view s);

/// `s` as a quoted JSON string.
std::string json_quoted(std::string_view s);

/// Length (1-4) of the well-formed UTF-8 sequence starting at s[i], or 0 when
/// none starts there. Precondition: i < s.size().
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace xvrrp
