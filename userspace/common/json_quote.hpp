// SPDX-License-Identifier: GPL-2.0-or-later
// JSON string quoting (RFC 8259 §7), shared by every JSON producer in xvrrp:
// the daemon's status, xvrrpctl and xvrrp-probe.
#pragma once

#include <string>
#include <string_view>

namespace xvrrp {

/// Appends `s` to `out` as a quoted JSON string: '"' and '\\' escaped, \n \r \t
/// by name, other control characters as \u00XX; bytes >= 0x20 copied (UTF-8
/// passes through).
void append_json_quoted(std::string& out, std::string_view s);

/// `s` as a quoted JSON string.
std::string json_quoted(std::string_view s);

}  // namespace xvrrp
